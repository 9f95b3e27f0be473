/**
 * Host files through libc: what Deno refuses the agent's permissions (/proc, /sys) is readable this way, and
 * failures look like Deno's own (class, "(os error N)", code), so callers classify them as before.
 */
import assert from "node:assert/strict";
import { ENTRY_POINT_FLAGS } from "../../src/cli/permissions.ts";
import * as hostFs from "../../src/platform/host_fs.ts";
import { isGoneError, isNotFound } from "../../src/platform/fs_errors.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("with the agent's own flags, Deno's API is refused /proc and /sys and host_fs reads them", async () => {
  const flags = ENTRY_POINT_FLAGS.wca.flags.filter((flag) =>
    flag.startsWith("--allow") || flag.startsWith("--deny")
  );
  const script = `
    import * as hostFs from "${ROOT}src/platform/host_fs.ts";
    let deno = "read";
    try { Deno.readTextFileSync("/proc/stat"); } catch (error) { deno = error.name; }
    const stat = hostFs.readTextFileSync("/proc/stat").split("\\n")[0].split(/\\s+/)[0];
    const online = hostFs.readTextFileSync("/sys/devices/system/cpu/online").trim();
    const cpus = hostFs.readDirSync("/sys/devices/system/cpu").filter((e) => /^cpu\\d+$/.test(e.name) && e.isDirectory).length;
    const isDir = hostFs.statSync("/sys/fs/cgroup").isDirectory;
    console.log(JSON.stringify({ deno, stat, online, cpus, isDir }));
  `;
  // A file, not `deno eval`: eval grants every permission.
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(result.deno, "NotCapable", "Deno's own API should be refused /proc under these flags");
  assert.equal(result.stat, "cpu");
  assert.equal(result.online, Deno.readTextFileSync("/sys/devices/system/cpu/online").trim());
  const expected = [...Deno.readDirSync("/sys/devices/system/cpu")]
    .filter((e) => /^cpu\d+$/.test(e.name) && e.isDirectory).length;
  assert.equal(result.cpus, expected);
  assert.equal(result.isDir, true);
});

Deno.test("errors: Deno's classes, codes and '(os error N)' messages", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = `${dir}/missing`;
    assert.throws(() => hostFs.readTextFileSync(missing), (error: unknown) => {
      assert.ok(error instanceof Deno.errors.NotFound);
      assert.equal((error as Error).message, `No such file or directory (os error 2): readfile '${missing}'`);
      assert.ok(isNotFound(error) && isGoneError(error));
      return true;
    });
    assert.throws(() => hostFs.statSync(missing), Deno.errors.NotFound);
    assert.throws(() => hostFs.readDirSync(missing), Deno.errors.NotFound);
    assert.throws(() => hostFs.openForWriteSync(missing, { truncate: true }), Deno.errors.NotFound);
    hostFs.mkdirSync(`${dir}/group`);
    assert.throws(() => hostFs.mkdirSync(`${dir}/group`), Deno.errors.AlreadyExists);
    assert.throws(() => hostFs.readTextFileSync(`${dir}/group`), (error: unknown) => {
      assert.equal((error as { code?: string }).code, "EISDIR");
      return true;
    });
    hostFs.removeDirSync(`${dir}/group`);
    assert.equal(hostFs.readDirSync(dir).length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reads, lists, stats and writes plain files the way Deno's API does", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const big = "x".repeat(200_000) + "\n";
    Deno.writeTextFileSync(`${dir}/big`, big);
    Deno.writeTextFileSync(`${dir}/value`, "old value\n");
    Deno.symlinkSync(`${dir}/value`, `${dir}/link`);
    Deno.mkdirSync(`${dir}/sub`);
    assert.equal(hostFs.readTextFileSync(`${dir}/big`), big);
    assert.deepEqual(
      hostFs.readDirSync(dir).map((e) => [e.name, e.isFile, e.isDirectory, e.isSymlink]).sort(),
      [...Deno.readDirSync(dir)].map((e) => [e.name, e.isFile, e.isDirectory, e.isSymlink]).sort(),
    );
    const info = hostFs.statSync(`${dir}/link`);
    assert.equal(info.isFile, true, "stat follows a symbolic link");
    assert.equal(info.size, "old value\n".length);
    const file = hostFs.openForWriteSync(`${dir}/value`, { truncate: true });
    assert.equal(file.writeSync(new TextEncoder().encode("42")), 2);
    file.close();
    assert.equal(Deno.readTextFileSync(`${dir}/value`), "42");
    const appended = hostFs.openForWriteSync(`${dir}/value`, { append: true });
    appended.writeSync(new TextEncoder().encode("\n7\n"));
    appended.close();
    assert.equal(Deno.readTextFileSync(`${dir}/value`), "42\n7\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no reader of host files uses Deno's file API (it is refused /proc and /sys)", () => {
  const denoFs =
    /Deno\.(readTextFile|readFile|stat|lstat|readDir|open|mkdir|remove|writeTextFile|writeFile)(Sync)?\(/;
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(`${ROOT}${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (path.endsWith(".ts") && path !== "src/platform/host_fs.ts") {
        const lines = Deno.readTextFileSync(`${ROOT}${path}`).split("\n");
        lines.forEach((line, i) => {
          if (denoFs.test(line) && !line.trim().startsWith("*") && !line.trim().startsWith("//")) {
            offenders.push(`${path}:${i + 1}: ${line.trim()}`);
          }
        });
      }
    }
  };
  for (const dir of ["src/platform", "src/sources", "src/perf", "src/allocations", "src/nodes/mesos"]) {
    walk(dir);
  }
  for (
    const file of ["src/nodes/cgroup_tree.ts", "src/nodes/cgroup_node.ts", "src/nodes/cgroup_discovery.ts"]
  ) {
    if (denoFs.test(Deno.readTextFileSync(`${ROOT}${file}`))) offenders.push(file);
  }
  assert.deepEqual(offenders, []);
});
