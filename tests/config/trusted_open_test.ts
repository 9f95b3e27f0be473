/**
 * The trust rule over the whole path, on real directories: a config or rules file in a directory others
 * (or a group of users) can write is refused; symbolic links are followed only through trusted
 * directories, as a Kubernetes ConfigMap mount lays them out.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { readTrustedConfig } from "../../src/config/file_checks.ts";
import { openTrustedFile } from "../../src/config/trusted_open.ts";
import { readRulesText } from "../../src/allocators/static_rules_file.ts";
import { Libc } from "../../ffi/mod.ts";

const IS_ROOT = Deno.uid() === 0;

async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("a config in a directory others can write is refused, naming the directory and the fix", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/etc/wca`, { recursive: true });
    const config = `${dir}/etc/wca/agent.yaml`;
    await Deno.writeTextFile(config, "runner: !X\n");
    assert.equal(readTrustedConfig(config), "runner: !X\n");
    await Deno.chmod(`${dir}/etc`, 0o777);
    refused(
      () => readTrustedConfig(config),
      new RegExp(
        `^Directory ${dir}/etc \\(on the path to Config file ${config}\\) is writable by others \\(mode 777\\); ` +
          `run 'chmod go-w ${dir}/etc'`,
      ),
    );
    await Deno.chmod(`${dir}/etc`, 0o775);
    if (IS_ROOT) {
      await Deno.chown(`${dir}/etc`, null, 65534);
      refused(
        () => readTrustedConfig(config),
        /Directory .*\/etc .* is writable by its group \(gid 65534, mode 775\)/,
      );
      await Deno.chown(`${dir}/etc`, null, 0);
      assert.equal(readTrustedConfig(config), "runner: !X\n", "group-writable by root's group is fine");
      await Deno.chown(`${dir}/etc/wca`, 65534, null);
      refused(() => readTrustedConfig(config), /Directory .*\/etc\/wca .* is owned by uid 65534/);
    }
  });
});

Deno.test("a rules file in a directory others can write is refused the same way", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/rules`);
    await Deno.writeTextFile(`${dir}/rules/rules.yaml`, "[]\n");
    assert.equal(readRulesText(`${dir}/rules/rules.yaml`), "[]\n");
    await Deno.chmod(`${dir}/rules`, 0o757);
    refused(
      () => readRulesText(`${dir}/rules/rules.yaml`),
      new RegExp(
        `^Directory ${dir}/rules \\(on the path to Rules file ${dir}/rules/rules\\.yaml\\) is writable by others`,
      ),
    );
  });
});

Deno.test("symbolic links: followed through trusted directories (a ConfigMap's ..data), refused through others", async () => {
  await withDir(async (dir) => {
    // kubelet's layout: config.yaml -> ..data/config.yaml, ..data -> ..2026_01_01/.
    await Deno.mkdir(`${dir}/cm/..2026_01_01`, { recursive: true });
    await Deno.writeTextFile(`${dir}/cm/..2026_01_01/config.yaml`, "runner: !X\n");
    await Deno.symlink("..2026_01_01", `${dir}/cm/..data`);
    await Deno.symlink("..data/config.yaml", `${dir}/cm/config.yaml`);
    assert.equal(readTrustedConfig(`${dir}/cm/config.yaml`), "runner: !X\n");
    // A link in a directory others can write could be re-pointed after the check.
    await Deno.mkdir(`${dir}/open`);
    await Deno.chmod(`${dir}/open`, 0o777);
    await Deno.symlink(`${dir}/cm/config.yaml`, `${dir}/open/config.yaml`);
    refused(
      () => readTrustedConfig(`${dir}/open/config.yaml`),
      new RegExp(`Directory ${dir}/open .*writable by others`),
    );
  });
});

Deno.test("what was opened is what is checked: a FIFO, a directory and a missing file", async () => {
  await withDir(async (dir) => {
    const fifo = `${dir}/fifo`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.equal(made.code, 0);
    // O_NONBLOCK: opening a FIFO with no writer does not hang the agent; it is refused as not a file.
    refused(() => readTrustedConfig(fifo), new RegExp(`^Config file ${fifo} is not a regular file$`));
    refused(() => readTrustedConfig(dir), /is not a regular file$/);
    refused(() => readTrustedConfig(`${dir}/nope.yaml`), /does not exist$/);
    refused(() => readTrustedConfig(`${dir}/nope/x.yaml`), /does not exist$/);
  });
});

Deno.test("the last component is opened with O_NOFOLLOW: a link put in place after resolving is refused", async () => {
  await withDir(async (dir) => {
    const libc = new Libc();
    try {
      await Deno.writeTextFile(`${dir}/real.yaml`, "a: 1\n");
      await Deno.symlink(`${dir}/real.yaml`, `${dir}/link.yaml`);
      const parent = libc.open(dir, { directory: true });
      try {
        assert.throws(() => libc.openAt(parent, "link.yaml"), { message: /ELOOP/ });
        const fd = libc.openAt(parent, "real.yaml");
        assert.equal(libc.fstat(fd).type, "file");
        libc.close(fd);
      } finally {
        libc.close(parent);
      }
      const file = openTrustedFile("File", `${dir}/link.yaml`);
      assert.equal(file.path, await Deno.realPath(`${dir}/real.yaml`));
      assert.equal(new TextDecoder().decode(file.bytes), "a: 1\n");
    } finally {
      libc.unload();
    }
  });
});

async function mount(args: string[]): Promise<void> {
  const output = await new Deno.Command("mount", { args, stderr: "piped" }).output();
  assert.equal(output.code, 0, `mount ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
}

Deno.test("a directory on a read-only mount is trusted whatever its mode (a Kubernetes ConfigMap is 777)", async () => {
  assert.ok(IS_ROOT, "this test makes a read-only bind mount: run it as root, as the suite does");
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/source/..2026_01_01`, { recursive: true });
    await Deno.writeTextFile(`${dir}/source/..2026_01_01/wca.yaml`, "runner: !X\n");
    await Deno.symlink("..2026_01_01", `${dir}/source/..data`);
    await Deno.symlink("..data/wca.yaml", `${dir}/source/wca.yaml`);
    await Deno.chmod(`${dir}/source`, 0o777);
    await Deno.mkdir(`${dir}/etc-wca`);
    refused(
      () => readTrustedConfig(`${dir}/source/wca.yaml`),
      /Directory .*\/source .*writable by others \(mode 777\)/,
    );
    await mount(["--bind", `${dir}/source`, `${dir}/etc-wca`]);
    try {
      refused(() => readTrustedConfig(`${dir}/etc-wca/wca.yaml`), /writable by others \(mode 777\)/);
      await mount(["-o", "remount,ro,bind", `${dir}/etc-wca`]);
      assert.equal(readTrustedConfig(`${dir}/etc-wca/wca.yaml`), "runner: !X\n");
    } finally {
      const umount = await new Deno.Command("umount", { args: [`${dir}/etc-wca`] }).output();
      assert.equal(umount.code, 0, "umount");
    }
  });
});
