/**
 * The systemd unit's capabilities are the ones wca needs, measured rather than assumed: the agent (bundled,
 * run by a copy of this Deno that any user may execute) runs as `nobody` through setpriv with exactly the
 * unit's AmbientCapabilities, then with each one left out, on a real cgroup running stress-ng, with a
 * config that counts a perf event and allocates CPU. With the unit's set it counts and allocates; without
 * CAP_DAC_OVERRIDE the allocation is refused; without CAP_PERFMON (where kernel.perf_event_paranoid asks
 * for it) it refuses to start.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ENTRY_POINT_FLAGS } from "../../src/cli/permissions.ts";
import { withPerfCountedCgroups } from "../helpers/perf_cgroup.ts";
import { spawnStressNg } from "../helpers/stress.ts";
import { ROOT } from "../helpers/wca_process.ts";
import { serviceDirectives, UNIT } from "./systemd_unit.ts";

const NOBODY = 65534;
/** Two iterations at 1 s and the start-up, with room for a loaded host. */
const RUN_MS = 6_000;

interface CapRun {
  code: number | null;
  stderr: string;
  metrics: string;
  quota: string;
}

async function runAs(caps: string[], dir: string, quotaFile: string): Promise<CapRun> {
  const out = join(dir, "out");
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(out, { mode: 0o755 });
  await Deno.chown(out, NOBODY, NOBODY);
  Deno.writeTextFileSync(quotaFile, "-1");
  const set = caps.map((cap) => `+${cap.replace(/^CAP_/, "").toLowerCase()}`).join(",");
  const capFlags = set
    ? [`--inh-caps=-all,${set}`, `--ambient-caps=${set}`, `--bounding-set=-all,${set}`]
    : ["--inh-caps=-all", "--bounding-set=-all"];
  const child = new Deno.Command("setpriv", {
    args: [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      "--clear-groups",
      ...capFlags,
      "--",
      join(dir, "deno"),
      "run",
      ...ENTRY_POINT_FLAGS.wca.flags,
      join(dir, "wca.js"),
      "-c",
      join(dir, "wca.yaml"),
    ],
    env: { NO_COLOR: "1", HOME: dir, DENO_DIR: join(out, "deno") },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const timer = setTimeout(() => child.kill("SIGTERM"), RUN_MS);
  const status = await child.status;
  clearTimeout(timer);
  const metrics = await Deno.readTextFile(join(out, "wca.prom")).catch(() => "");
  return { code: status.code, stderr: await stderr, metrics, quota: Deno.readTextFileSync(quotaFile).trim() };
}

Deno.test("the unit's capabilities are what wca needs to count perf events and allocate, and each is needed", async () => {
  const caps = serviceDirectives(UNIT).get("AmbientCapabilities")!.join(" ").split(/\s+/).filter(Boolean);
  assert.deepEqual(
    serviceDirectives(UNIT).get("CapabilityBoundingSet")!.join(" ").split(/\s+/).filter(Boolean),
    caps,
    "the bounding set is the ambient set",
  );
  const paranoid = Number(Deno.readTextFileSync("/proc/sys/kernel/perf_event_paranoid"));
  const dir = await Deno.makeTempDir({ prefix: "wca-caps-" });
  await Deno.chmod(dir, 0o755);
  try {
    await Deno.copyFile(Deno.execPath(), join(dir, "deno"));
    await Deno.chmod(join(dir, "deno"), 0o755);
    const bundled = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "deno", "-o", join(dir, "wca.js"), "src/main.ts"],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(bundled.code, 0, new TextDecoder().decode(bundled.stderr));
    await Deno.chmod(join(dir, "wca.js"), 0o644);

    await withPerfCountedCgroups(1, async (groups) => {
      spawnStressNg(groups, groups.paths[0]!, "--cpu", "1", "--cpu-load", "20", "--timeout", "120s");
      const quotaFile = `${groups.layout.v1.get("cpu")?.mountPoint ?? ""}${groups.paths[0]}/cpu.cfs_quota_us`;
      assert.ok(
        groups.layout.v1.get("cpu"),
        "this test writes cpu.cfs_quota_us of the v1 cpu controller",
      );
      await Deno.writeTextFile(
        join(dir, "wca.yaml"),
        [
          "runner: !AllocationRunner",
          "  node: !CgroupNode",
          `    parents: ["${groups.parent}"]`,
          "  action_delay: 1.",
          "  event_names: [task_context_switches]",
          "  metrics_storage: !LogStorage",
          `    output_filename: ${dir}/out/wca.prom`,
          "    overwrite: true",
          "  allocator: !StaticAllocator",
          "    rules: [{ name: every task, allocations: { cpu_quota: 0.5 } }]",
          "  allocations_storage: !LogStorage",
          `    output_filename: ${dir}/out/allocations.prom`,
          "    overwrite: true",
          "",
        ].join("\n"),
        { mode: 0o644 },
      );

      const all = await runAs(caps, dir, quotaFile);
      assert.match(all.metrics, /^task_context_switches\{/m, `with ${caps}: counts\n${all.stderr}`);
      assert.notEqual(all.quota, "-1", `with ${caps}: the quota was written\n${all.stderr}`);
      assert.doesNotMatch(all.stderr, /ERROR|CRITICAL/);
      const results = [`${caps.join(" ")}: counts, allocates`];

      const noDac = await runAs(caps.filter((cap) => cap !== "CAP_DAC_OVERRIDE"), dir, quotaFile);
      assert.equal(noDac.quota, "-1", "without CAP_DAC_OVERRIDE nothing is written");
      assert.match(noDac.stderr, /writes refused.*Permission denied/, noDac.stderr);
      results.push("without CAP_DAC_OVERRIDE: allocation refused (Permission denied)");

      const noPerfmon = await runAs(caps.filter((cap) => cap !== "CAP_PERFMON"), dir, quotaFile);
      if (paranoid > 0) {
        assert.equal(noPerfmon.code, 1, noPerfmon.stderr);
        assert.match(noPerfmon.stderr, /perf counters per cgroup need CAP_PERFMON/);
        results.push(`without CAP_PERFMON (perf_event_paranoid ${paranoid}): refuses to start`);
      } else {
        assert.match(noPerfmon.metrics, /^task_context_switches\{/m, noPerfmon.stderr);
        results.push(`without CAP_PERFMON: counts, as perf_event_paranoid is ${paranoid}`);
      }
      console.log(results.join("\n"));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
