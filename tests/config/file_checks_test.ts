/** The trust rule on real files with real owners and modes (chown and chmod, not mocks). */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { checkTrustedFile, firstInvalidUtf8, readTrustedConfig } from "../../src/config/file_checks.ts";

const IS_ROOT = Deno.uid() === 0;
/** A group that is not root's and that we may give a file: nobody's as root, else our own primary group. */
const OTHER_GID = IS_ROOT ? 65534 : Deno.gid()!;

async function withFile(mode: number, fn: (path: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/file.yaml`;
    await Deno.writeTextFile(path, "runner: !X\n");
    await Deno.chmod(path, mode);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function refusal(path: string, fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  throw new assert.AssertionError({ message: `${path} was accepted` });
}

Deno.test("trusted: ours or root's, not writable by others, group-writable only by root's group", async () => {
  assert.notEqual(OTHER_GID, 0, "the test needs a group other than root's");
  await withFile(0o644, (path) => {
    assert.doesNotThrow(() => checkTrustedFile(`Config file ${path}`, path));
  });
  await withFile(0o664, async (path) => {
    // Only root can give a file to root's group; a non-root run proves the refusal below instead.
    if (!IS_ROOT) return;
    await Deno.chown(path, null, 0);
    assert.doesNotThrow(() => checkTrustedFile("f", path), "group-writable by root's group");
  });
  await withFile(0o600, (path) => assert.doesNotThrow(() => checkTrustedFile("f", path)));
});

Deno.test("refused: writable by others, with the chmod that fixes it", async () => {
  await withFile(0o666, (path) => {
    assert.equal(
      refusal(path, () => checkTrustedFile(`Config file ${path}`, path)),
      `Config file ${path} is writable by others (mode 666); run 'chmod go-w ${path}' ` +
        "so that nobody else can change what the agent runs",
    );
  });
  await withFile(0o602, (path) => {
    assert.match(
      refusal(path, () => checkTrustedFile("Module m.ts", path)),
      /^Module m\.ts is writable by others \(mode 602\)/,
    );
  });
});

Deno.test("refused: writable by a group that is not root's (WCA checked only the others bit)", async () => {
  await withFile(0o664, async (path) => {
    await Deno.chown(path, null, OTHER_GID);
    assert.equal(Deno.statSync(path).gid, OTHER_GID);
    assert.equal(
      refusal(path, () => checkTrustedFile(`Config file ${path}`, path)),
      `Config file ${path} is writable by its group (gid ${OTHER_GID}, mode 664); run 'chmod go-w ${path}' ` +
        "so that nobody else can change what the agent runs",
    );
    await Deno.chmod(path, 0o644);
    assert.doesNotThrow(() => checkTrustedFile("f", path), "readable by the group is fine");
  });
});

Deno.test("refused: owned by another user; root's files are trusted by everyone", async () => {
  await withFile(0o644, async (path) => {
    const me = Deno.uid()!;
    if (IS_ROOT) {
      await Deno.chown(path, 65534, null);
      assert.match(
        refusal(path, () => checkTrustedFile(`Config file ${path}`, path)),
        /is owned by uid 65534; it must be owned by the user running wca \(uid 0\) or by root/,
      );
      await Deno.chown(path, 0, null);
    }
    // As seen by another user: the file is ours, not theirs, and not root's unless we are root.
    const owner = { uid: me + 1 };
    if (me === 0) assert.doesNotThrow(() => checkTrustedFile("f", path, owner));
    else {assert.match(
        refusal(path, () => checkTrustedFile("f", path, owner)),
        new RegExp(`owned by uid ${me};`),
      );}
  });
});

Deno.test("refused: missing files and directories", async () => {
  assert.equal(
    refusal("", () => checkTrustedFile("Config file /nonexistent/x", "/nonexistent/x")),
    "Config file /nonexistent/x does not exist",
  );
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(
      refusal(dir, () => checkTrustedFile(`Module ${dir}`, dir)),
      `Module ${dir} is not a regular file`,
    );
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("a config file must be UTF-8: the first invalid byte is refused at its line and column", async () => {
  await withFile(0o644, async (path) => {
    const head = new TextEncoder().encode('runner: !TestLoop\n  storage: !TestSink\n    file: "/var/lib/m');
    const tail = new TextEncoder().encode('.prom"\n');
    await Deno.writeFile(path, new Uint8Array([...head, 0xff, 0xfe, ...tail]));
    assert.equal(
      refusal(path, () => readTrustedConfig(path)),
      `${path}:3:22: Invalid UTF-8 (byte 0xff): a config file must be UTF-8 text`,
    );
    await Deno.writeTextFile(path, "runner: !X # déjà vu, 日本, 🙂\n");
    assert.equal(readTrustedConfig(path), "runner: !X # déjà vu, 日本, 🙂\n");
  });
});

Deno.test("firstInvalidUtf8: truncated, overlong, surrogate, out-of-range and stray bytes", () => {
  const table: Array<[number[], number]> = [
    [[], -1],
    [[0x61, 0x62], -1],
    [[0xc3, 0xa9], -1], // é
    [[0xe6, 0x97, 0xa5], -1], // 日
    [[0xf0, 0x9f, 0x99, 0x82], -1], // 🙂
    [[0x61, 0xc3], 1], // truncated
    [[0x61, 0xe6, 0x97], 1],
    [[0x80], 0], // continuation without a lead
    [[0xc0, 0xaf], 0], // overlong '/'
    [[0xe0, 0x80, 0xaf], 0], // overlong
    [[0xed, 0xa0, 0x80], 0], // UTF-16 surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0xf5, 0x80, 0x80, 0x80], 0],
    [[0x61, 0x62, 0xff], 2],
    [[0xc3, 0x28], 0], // lead followed by a non-continuation
  ];
  for (const [bytes, expected] of table) {
    assert.equal(
      firstInvalidUtf8(new Uint8Array(bytes)),
      expected,
      bytes.map((b) => b.toString(16)).join(" "),
    );
    const valid = expected === -1;
    let decodes = true;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
    } catch {
      decodes = false;
    }
    assert.equal(decodes, valid, "agrees with the platform's UTF-8 decoder");
  }
});
