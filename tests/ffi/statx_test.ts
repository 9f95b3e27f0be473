import assert from "node:assert/strict";
import { decodeStatx, Libc } from "../../ffi/mod.ts";

/** A struct statx with the fields wca reads (uapi/linux/stat.h offsets). */
function statx(fields: { mode: number; uid: number; gid: number; size: bigint }): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(256);
  const view = new DataView(bytes.buffer);
  view.setUint32(20, fields.uid, true);
  view.setUint32(24, fields.gid, true);
  view.setUint16(28, fields.mode, true);
  view.setBigUint64(40, fields.size, true);
  return bytes;
}

Deno.test("decodeStatx: type from S_IFMT, permission and sticky bits, owner, size", () => {
  assert.deepEqual(decodeStatx(statx({ mode: 0o100644, uid: 0, gid: 0, size: 12n })), {
    type: "file",
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 12,
  });
  assert.equal(decodeStatx(statx({ mode: 0o041777, uid: 0, gid: 0, size: 0n })).mode, 0o1777);
  assert.equal(decodeStatx(statx({ mode: 0o041777, uid: 0, gid: 0, size: 0n })).type, "directory");
  assert.equal(decodeStatx(statx({ mode: 0o120777, uid: 1, gid: 2, size: 0n })).type, "symlink");
  assert.equal(decodeStatx(statx({ mode: 0o010600, uid: 1, gid: 2, size: 0n })).type, "other");
  assert.equal(decodeStatx(statx({ mode: 0o100600, uid: 4294967294, gid: 7, size: 0n })).uid, 4294967294);
});

Deno.test("fstat on a descriptor agrees with Deno's stat of the same file", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "twelve bytes");
  await Deno.chmod(file, 0o640);
  const libc = new Libc();
  try {
    const fd = libc.open(file);
    const status = libc.fstat(fd);
    libc.close(fd);
    const info = Deno.statSync(file);
    assert.deepEqual(status, { type: "file", mode: 0o640, uid: info.uid, gid: info.gid, size: 12 });
    assert.deepEqual(libc.stat(file), status);
  } finally {
    libc.unload();
    await Deno.remove(file);
  }
});
