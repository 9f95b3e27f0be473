/**
 * configs/systemd/wca.service, checked by systemd itself: `systemd-analyze verify` accepts it (and refuses
 * a broken copy), `systemd-analyze security` scores it at the exposure docs/operations.md prints, and it
 * runs the packaged executable with the hardening docs/operations.md describes.
 */
import assert from "node:assert/strict";
import { ENTRY_POINTS } from "../../.ci/package.ts";
import { ROOT } from "../helpers/wca_process.ts";

const UNIT = Deno.readTextFileSync(`${ROOT}configs/systemd/wca.service`);
const EXECUTABLE = "/usr/local/bin/wca";

/** Directive → values (a directive may repeat), from the unit's [Service] section. */
function serviceDirectives(text: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const [key, ...rest] = line.split("=");
    if (section === "Service") directives.set(key!, [...directives.get(key!) ?? [], rest.join("=")]);
  }
  return directives;
}

/**
 * systemd-analyze `args` on a copy of the unit (after `edit`) whose ExecStart names an executable file
 * that exists here: verify checks that it does, and the packaged wca is not installed on this machine.
 */
async function analyze(args: string[], edit: (unit: string) => string = (unit) => unit) {
  const dir = await Deno.makeTempDir({ prefix: "wca-systemd-" });
  try {
    await Deno.writeTextFile(`${dir}/wca`, "#!/bin/sh\n", { mode: 0o755 });
    await Deno.writeTextFile(`${dir}/wca.service`, edit(UNIT).replaceAll(EXECUTABLE, `${dir}/wca`));
    const output = await new Deno.Command("systemd-analyze", {
      args: [...args, `${dir}/wca.service`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("systemd-analyze verify accepts the unit, and refuses a broken copy", async () => {
  // verify exits 0 on a value it ignores: its silence is the check.
  const good = await analyze(["verify"]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stderr.trim() + good.stdout.trim(), "");
  const broken = await analyze(
    ["verify"],
    (unit) => unit.replace("ProtectSystem=strict", "ProtectSystem=bogus"),
  );
  assert.match(broken.stderr, /wca\.service:\d+: Failed to parse protect system value, ignoring: bogus/);
  const missing = await analyze(
    ["verify"],
    (unit) => unit.replace(/^ExecStart=\S+/m, "ExecStart=/nonexistent/wca"),
  );
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /Command \/nonexistent\/wca is not executable/);
});

Deno.test("the unit's exposure score is the one docs/operations.md prints", async () => {
  const security = await analyze(["security", "--offline=yes"]);
  assert.equal(security.code, 0, security.stderr);
  const score = /Overall exposure level for wca\.service: ([\d.]+) (\w+)/.exec(security.stdout);
  assert.ok(score, security.stdout);
  const docs = Deno.readTextFileSync(`${ROOT}docs/operations.md`);
  assert.match(
    docs,
    new RegExp(`Overall exposure level for wca\\.service: ${score[1]!.replace(".", "\\.")} ${score[2]}`),
  );
});

Deno.test("the unit runs the packaged wca as a non-root user with one capability and a read-only system", () => {
  const service = serviceDirectives(UNIT);
  const one = (key: string) => {
    const values = service.get(key);
    assert.equal(values?.length, 1, `${key} is set once`);
    return values![0]!;
  };
  assert.ok(ENTRY_POINTS.some((entry) => entry.name === "wca"), "deno task package builds wca");
  assert.equal(one("ExecStart").split(" ")[0], EXECUTABLE);
  assert.equal(one("User"), "wca");
  assert.equal(one("CapabilityBoundingSet"), "CAP_PERFMON");
  assert.equal(one("AmbientCapabilities"), "CAP_PERFMON");
  for (
    const [key, value] of Object.entries({
      NoNewPrivileges: "yes",
      ProtectSystem: "strict",
      ProtectHome: "yes",
      PrivateTmp: "yes",
      ProtectControlGroups: "yes",
      CacheDirectory: "wca",
      CacheDirectoryMode: "0700",
    })
  ) assert.equal(one(key), value, key);
  assert.match(one("Environment"), /(^| )WCA_CACHE_DIR=\/var\/cache\/wca( |$)/);
  // One fd per perf event per CPU per task: 8 events on 256 CPUs for 500 tasks, within fs.nr_open.
  const limit = Number(one("LimitNOFILE"));
  assert.ok(limit >= 8 * 256 * 500, `LimitNOFILE=${limit}`);
  assert.ok(limit <= Number(Deno.readTextFileSync("/proc/sys/fs/nr_open")), "no more than the kernel allows");
});
