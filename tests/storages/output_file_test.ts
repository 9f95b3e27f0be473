import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { failureCause, osReason, outputFileProblem, WriteFailures } from "../../src/storages/output_file.ts";
import { withTmpfs } from "../helpers/tmpfs.ts";
import { reasonOf, RecordingStorageLog } from "./recording_log.ts";

Deno.test("osReason and failureCause: the OS words without the path, and the errno as the cause", () => {
  const cases: [unknown, string, string][] = [
    [
      Object.assign(new Error("No space left on device (os error 28): writefile '/m/x'"), { code: "ENOSPC" }),
      "No space left on device",
      "ENOSPC",
    ],
    [
      new Deno.errors.NotFound("No such file or directory (os error 2): open '/x'"),
      "No such file or directory",
      "NotFound: No such file or directory",
    ],
    [new Error("plain"), "plain", "Error: plain"],
    [new Error(""), "", "Error: "],
    ["a string", "a string", "a string"],
  ];
  for (const [error, reason, cause] of cases) {
    assert.equal(osReason(error), reason);
    assert.equal(failureCause(error), cause);
  }
  // A real error from Deno carries the errno code.
  let real: unknown;
  try {
    Deno.readFileSync("/nonexistent-wca-path/x");
  } catch (error) {
    real = error;
  }
  assert.equal(failureCause(real), "ENOENT");
  assert.equal(osReason(real), "No such file or directory");
});

Deno.test("outputFileProblem: a usable path, absolute or relative, passes in both modes and leaves nothing behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wca-output-" });
  try {
    const file = join(dir, "wca.prom");
    for (const path of [file, relative(Deno.cwd(), file)]) {
      assert.ok(!path.startsWith("/") || path === file);
      assert.equal(outputFileProblem(path, false), undefined, path);
      assert.equal(outputFileProblem(path, true), undefined, path);
    }
    await Deno.writeTextFile(file, "kept\n");
    assert.equal(outputFileProblem(file, false), undefined);
    assert.equal(await Deno.readTextFile(file), "kept\n", "the check does not write");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["wca.prom"], "no probe file left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("outputFileProblem: each unusable path, word for word, for absolute and relative names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wca-output-" });
  try {
    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(join(dir, "plain"), "");
    const cases: [string, boolean, string][] = [
      [
        join(dir, "sub"),
        false,
        `${dir}/sub is a directory; expected the name of a file in it (e.g. ${dir}/sub/wca.prom)`,
      ],
      [
        join(dir, "sub"),
        true,
        `${dir}/sub is a directory; expected the name of a file in it (e.g. ${dir}/sub/wca.prom)`,
      ],
      [
        join(dir, "missing", "wca.prom"),
        false,
        `directory ${dir}/missing does not exist; create it or choose another output_filename`,
      ],
      [
        join(dir, "missing", "deeper", "wca.prom"),
        true,
        `directory ${dir}/missing/deeper does not exist; create it or choose another output_filename`,
      ],
      [
        join(dir, "plain", "wca.prom"),
        false,
        `${dir}/plain is not a directory`,
      ],
      [
        join(dir, "plain", "sub", "wca.prom"),
        true,
        `directory ${dir}/plain/sub does not exist; create it or choose another output_filename`,
      ],
    ];
    for (const [path, overwrite, expected] of cases) {
      assert.equal(outputFileProblem(path, overwrite), expected, `${path} overwrite=${overwrite}`);
      assert.equal(outputFileProblem(relative(Deno.cwd(), path), overwrite), expected, `relative ${path}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("outputFileProblem: a read-only filesystem is refused in both modes (root cannot write there either)", async () => {
  await withTmpfs(64 * 1024, async (fs) => {
    await Deno.writeTextFile(join(fs.dir, "old.prom"), "");
    await fs.remount(true);
    const erofs = reasonOf(() => Deno.writeTextFileSync(join(fs.dir, "x"), ""));
    assert.equal(erofs, "Read-only file system");
    assert.equal(
      outputFileProblem(join(fs.dir, "wca.prom"), false),
      `cannot create files in directory ${fs.dir}: Read-only file system`,
    );
    assert.equal(
      outputFileProblem(join(fs.dir, "old.prom"), true),
      `cannot create files in directory ${fs.dir}: Read-only file system`,
    );
    assert.equal(
      outputFileProblem(join(fs.dir, "old.prom"), false),
      `cannot open ${fs.dir}/old.prom for writing: Read-only file system`,
    );
  });
});

Deno.test("outputFileProblem: /proc takes no new files, so overwrite there is refused; appending to an existing file opens", () => {
  const expected = reasonOf(() => Deno.openSync("/proc/wca-write-check", { write: true, createNew: true }));
  assert.equal(
    outputFileProblem("/proc/version", true),
    `cannot create files in directory /proc: ${expected}`,
  );
  // The kernel opens /proc/version for appending and refuses only the write itself (see the write tests).
  assert.equal(outputFileProblem("/proc/version", false), undefined);
});

Deno.test("WriteFailures: one error per distinct cause while failing, one recovery line, every failure counted", () => {
  const log = new RecordingStorageLog();
  const failures = new WriteFailures("/x/wca.prom", log);
  const enoent = Object.assign(new Error("No such file or directory (os error 2): open '/x/a'"), {
    code: "ENOENT",
  });
  const enospc = Object.assign(new Error("No space left on device (os error 28): open '/x/b'"), {
    code: "ENOSPC",
  });
  failures.succeeded();
  for (const error of [enoent, enoent, enospc, enoent, enospc]) failures.failed(error);
  failures.succeeded();
  failures.succeeded();
  failures.failed(enoent);
  failures.succeeded();
  const error = (reason: string) =>
    `cannot write metrics to /x/wca.prom: ${reason} (retrying with every batch; reported again only for another cause)`;
  assert.deepEqual(log.errors, [
    error("No such file or directory"),
    error("No space left on device"),
    error("No such file or directory"),
  ]);
  assert.deepEqual(log.infos, [
    "writing metrics to /x/wca.prom again after 5 failed writes",
    "writing metrics to /x/wca.prom again after 1 failed write",
  ]);
  assert.equal(failures.total, 6);
});
