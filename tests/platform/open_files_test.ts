/**
 * OpenFiles against real files (temp files, /proc) through the real libc, with the calls counted; the
 * end-of-file rules of seq_file-printed files as a table over a scripted FileCalls.
 */
import assert from "node:assert/strict";
import { ERRNO, ErrnoError, Libc } from "../../ffi/mod.ts";
import { countingCalls } from "../helpers/counting_calls.ts";
import {
  type FileCalls,
  type FileShape,
  OpenFiles,
  openFilesReader,
  ReadBuffer,
} from "../../src/platform/open_files.ts";

function withLibc(body: (libc: Libc, dir: string) => void): void {
  const libc = new Libc();
  const dir = Deno.makeTempDirSync({ prefix: "wca_open_files_" });
  try {
    body(libc, dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
    libc.unload();
  }
}

Deno.test("a kept-open file is read again with one pread and shows what the file holds now", () => {
  withLibc((libc, dir) => {
    const calls = countingCalls(libc);
    const files = new OpenFiles(calls, new ReadBuffer());
    const path = `${dir}/value`;
    Deno.writeTextFileSync(path, "12\n");
    assert.equal(files.read(path), "12\n");
    assert.equal(files.openCount, 1);
    Deno.writeTextFileSync(path, "3456789\n"); // rewritten in place: the same inode
    calls.reset();
    assert.equal(files.read(path), "3456789\n");
    assert.deepEqual(calls.counts, { open: 0, pread: 1, close: 0 });
    files.closeAll();
    assert.equal(files.openCount, 0);
    assert.equal(calls.counts.close, 1);
  });
});

Deno.test("a read that fills the buffer doubles it and reads the whole file again", () => {
  withLibc((libc, dir) => {
    const calls = countingCalls(libc);
    const buffer = new ReadBuffer(16);
    const files = new OpenFiles(calls, buffer);
    const path = `${dir}/big`;
    const text = Array.from({ length: 40 }, (_, i) => `key_${i} ${i * 1000}\n`).join("");
    Deno.writeTextFileSync(path, text);
    assert.equal(files.read(path), text);
    const size = buffer.byteLength;
    assert.ok(size > text.length && size / 2 <= text.length, `${text.length} bytes in ${size}`);
    calls.reset();
    assert.equal(files.read(path), text);
    assert.deepEqual(calls.counts, { open: 0, pread: 1, close: 0 }, "right-sized now: one call");
    // Exactly the buffer's size: a full read may not be the end, so it grows once more.
    const exact = "x".repeat(size - 1) + "\n";
    Deno.writeTextFileSync(path, exact);
    assert.equal(files.read(path), exact);
    assert.equal(buffer.byteLength, size * 2);
    files.closeAll();
  });
});

/** A FileCalls serving one file in the given chunks, the way a seq_file hands out records. */
function scripted(chunks: readonly string[]) {
  const text = chunks.join("");
  const ends = chunks.map((_, i) => chunks.slice(0, i + 1).join("").length);
  let preads = 0;
  const calls: FileCalls = {
    open: () => 3,
    close: () => {},
    pread(_fd, buffer, offset) {
      preads++;
      const end = Math.min(ends.find((e) => e > offset) ?? offset, offset + buffer.byteLength);
      const bytes = new TextEncoder().encode(text.slice(offset, end));
      buffer.set(bytes);
      return bytes.byteLength;
    },
  };
  return { calls, text, preads: () => preads };
}

Deno.test("end of file: one record ends at a short read, records at a short read under a page less a record", () => {
  const page = (n: number, c = "1") => c.repeat(n - 1) + "\n";
  const table: { name: string; chunks: string[]; shape: FileShape; preads: number }[] = [
    { name: "one record", chunks: [page(900)], shape: {}, preads: 1 },
    { name: "empty", chunks: [], shape: { recordBytes: 16 }, preads: 1 },
    { name: "pid list in one page", chunks: [page(300)], shape: { recordBytes: 16 }, preads: 1 },
    {
      name: "pid list over two pages",
      chunks: [page(4090), page(500, "2")],
      shape: { recordBytes: 16 },
      preads: 2,
    },
    {
      name: "vmstat-like, a full page then the rest",
      chunks: [page(4000), page(3000, "2")],
      shape: { recordBytes: 128 },
      preads: 2,
    },
    {
      name: "records of unknown size: read until 0",
      chunks: [page(1500), page(1500, "2")],
      shape: { recordBytes: Infinity },
      preads: 3,
    },
  ];
  for (const { name, chunks, shape, preads } of table) {
    const file = scripted(chunks);
    const files = new OpenFiles(file.calls, new ReadBuffer(16384));
    assert.equal(files.read("/f", shape), file.text, name);
    assert.equal(file.preads(), preads, name);
  }
});

Deno.test("real seq_files read through a kept-open descriptor: /proc/vmstat and /proc/zoneinfo whole", () => {
  withLibc((libc) => {
    const files = new OpenFiles(libc, new ReadBuffer());
    const keys = (text: string) => text.split("\n").map((line) => line.trim().split(/\s+/)[0]).join(" ");
    for (
      const [path, shape] of [["/proc/vmstat", { recordBytes: 128 }], ["/proc/zoneinfo", {
        recordBytes: Infinity,
      }]] as const
    ) {
      for (let i = 0; i < 3; i++) {
        const text = files.read(path, shape)!;
        assert.equal(keys(text), keys(Deno.readTextFileSync(path)), `${path} read ${i}`);
      }
    }
    files.closeAll();
  });
});

Deno.test("absent files cost no calls until closeAll; errors name the call, the path and the errno", () => {
  withLibc((libc, dir) => {
    const calls = countingCalls(libc);
    const files = new OpenFiles(calls, new ReadBuffer());
    const missing = `${dir}/missing`;
    assert.throws(() => files.read(missing), (error: unknown) => {
      assert.ok(error instanceof ErrnoError);
      assert.equal(error.errno, ERRNO.ENOENT);
      assert.match(error.message, new RegExp(`^open ${missing}: ENOENT`));
      return true;
    });
    files.markAbsent(missing);
    calls.reset();
    assert.equal(files.read(missing), undefined);
    assert.deepEqual(calls.counts, { open: 0, pread: 0, close: 0 });
    Deno.writeTextFileSync(missing, "now here\n");
    files.closeAll();
    assert.equal(files.read(missing), "now here\n", "closeAll forgets absence");
    // A directory opens read-only but does not read: EISDIR, named as a read of that path.
    assert.throws(() => files.read(dir), new RegExp(`^ErrnoError: read ${dir}: EISDIR`));
    assert.equal(files.openCount, 2);
    files.closeAll();
    assert.equal(files.openCount, 0);
  });
});

Deno.test("openFilesReader: a failed read closes the file, so the next read opens it again", () => {
  withLibc((libc, dir) => {
    const calls = countingCalls(libc);
    const files = new OpenFiles(calls, new ReadBuffer());
    const read = openFilesReader(files);
    const path = `${dir}/meminfo`;
    Deno.writeTextFileSync(path, "MemTotal: 1 kB\n");
    assert.equal(read(path), "MemTotal: 1 kB\n");
    assert.throws(() => read(dir), /EISDIR/);
    assert.equal(files.openCount, 1, "the failed file is closed");
    assert.equal(read(path), "MemTotal: 1 kB\n");
    files.closeAll();
    assert.equal(calls.counts.open, calls.counts.close);
  });
});
