/**
 * configs/systemd/wca.service checked with systemd's own tools, offline (no systemd as PID 1 is needed):
 * `systemd-analyze verify` accepts it and reports each broken copy; `systemd-analyze security` scores it at
 * the exposure docs/operations.md prints; and the agent, run under strace with perf events and allocations
 * on a real cgroup, makes no system call the unit's SystemCallFilter would refuse and opens no socket
 * family RestrictAddressFamilies would.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ENTRY_POINT_FLAGS } from "../../src/cli/permissions.ts";
import { withPerfCountedCgroups } from "../helpers/perf_cgroup.ts";
import { spawnStressNg, waitFor } from "../helpers/stress.ts";
import { ROOT } from "../helpers/wca_process.ts";
import {
  allowedSyscalls,
  serviceDirectives,
  systemdAnalyze,
  UNIT,
  unitProblems,
  withUnitRoot,
} from "./systemd_unit.ts";

Deno.test("systemd-analyze verify accepts the unit without a word", async () => {
  assert.deepEqual(await unitProblems(UNIT), []);
});

Deno.test("a broken unit fails the check", async (t) => {
  // Each edit changes a directive line (the comments name the same words).
  const broken: Record<string, [RegExp, string]> = {
    "an unknown directive": [/^NoNewPrivileges=yes$/m, "NoNewPrivilege=yes"],
    "a value systemd ignores": [/^ProtectSystem=strict$/m, "ProtectSystem=stricter"],
    "a misspelt system call": [/^(SystemCallFilter=.*) perf_event_open\b/m, "$1 perf_event_opn"],
    "an unknown capability": [/^(CapabilityBoundingSet=.*)CAP_PERFMON/m, "$1CAP_PERF_MON"],
    "an ExecStart that is not there": [
      /^ExecStart=\/usr\/local\/bin\/wca /m,
      "ExecStart=/usr/local/bin/wcx ",
    ],
    "a second ExecStart": [/^(ExecStart=.*)$/m, "$1\n$1"],
  };
  for (const [what, [line, replacement]] of Object.entries(broken)) {
    await t.step(what, async () => {
      const copy = UNIT.replace(line, replacement);
      assert.notEqual(copy, UNIT, "the edit changed the unit");
      const problems = await unitProblems(copy);
      assert.ok(problems.length > 0, `${what} passed the check`);
    });
  }
});

Deno.test("systemd-analyze security scores the unit at the exposure docs/operations.md prints", async () => {
  const security = await withUnitRoot(
    UNIT,
    (root) => systemdAnalyze(["security", "--offline=true", `--root=${root}`, "wca.service"]),
  );
  assert.equal(security.code, 0, security.output);
  const score = /Overall exposure level for wca\.service: ([\d.]+ \w+)/.exec(security.output)?.[1];
  assert.ok(score, security.output);
  console.log(`systemd-analyze security --offline=true: exposure ${score}`);
  const docs = Deno.readTextFileSync(`${ROOT}docs/operations.md`);
  assert.ok(
    docs.includes(`Overall exposure level for wca.service: ${score}`),
    `docs/operations.md: ${score}`,
  );
});

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false; // not written yet
  }
}

/** System calls (by name) and socket families in an `strace -f` log. */
function parseStrace(log: string): { syscalls: Set<string>; families: Set<string> } {
  const syscalls = new Set<string>();
  const families = new Set<string>();
  for (const line of log.split("\n")) {
    const call = /^\d+\s+([a-z0-9_]+)\(/.exec(line);
    if (!call) continue;
    syscalls.add(call[1]!);
    const family = /^\d+\s+socket(?:pair)?\((AF_\w+)/.exec(line);
    if (family) families.add(family[1]!);
  }
  return { syscalls, families };
}

Deno.test("the agent with perf events and allocations makes no system call the unit's filter refuses", async () => {
  const service = serviceDirectives(UNIT);
  const allowed = await allowedSyscalls(service.get("SystemCallFilter")!.join(" "));
  const families = new Set(service.get("RestrictAddressFamilies")!.join(" ").split(/\s+/));
  await withPerfCountedCgroups(1, async (groups) => {
    spawnStressNg(groups, groups.paths[0]!, "--cpu", "1", "--cpu-load", "20", "--timeout", "60s");
    const dir = await Deno.makeTempDir({ prefix: "wca-strace-" });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const config = join(dir, "wca.yaml");
    await Deno.writeTextFile(
      config,
      [
        "runner: !AllocationRunner",
        "  node: !CgroupNode",
        `    parents: ["${groups.parent}"]`,
        "  action_delay: 1.",
        "  event_names: [task_instructions, task_cycles, task_context_switches]",
        "  enable_derived_metrics: true",
        `  metrics_storage: !HTTPMetricsStorage { listen: "127.0.0.1:${port}" }`,
        "  allocator: !StaticAllocator",
        "    rules:",
        "      - name: every task",
        "        allocations: { cpu_quota: 0.5, cpu_shares: 0.5, migrate_pages: 0 }",
        `  allocations_storage: !LogStorage { output_filename: ${dir}/allocations.prom, overwrite: true }`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const log = join(dir, "strace.log");
    const strace = new Deno.Command("strace", {
      args: [
        "-f",
        "-qq",
        "-o",
        log,
        Deno.execPath(),
        "run",
        ...ENTRY_POINT_FLAGS.wca.flags,
        "src/main.ts",
        "--root",
        "-c",
        config,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(strace.stderr).text();
    try {
      // Two scrapes of allocated, perf-counted metrics: the HTTP server's calls are in the log too.
      await waitFor("allocated metrics with perf counters", 30_000, async () => {
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => "");
        return /^task_context_switches\{/m.test(text) && exists(`${dir}/allocations.prom`) ? true : undefined;
      }, 250).catch(async (error) => {
        throw new Error(`${error.message}\n${await stderr}`);
      });
      await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.body?.cancel());
    } finally {
      // The agent is strace's child: SIGTERM it, and strace exits with it.
      const children = Deno.readTextFileSync(`/proc/${strace.pid}/task/${strace.pid}/children`).trim();
      for (const pid of children.split(/\s+/).filter(Boolean)) Deno.kill(Number(pid), "SIGTERM");
      await strace.status;
    }
    const seen = parseStrace(await Deno.readTextFile(log));
    await Deno.remove(dir, { recursive: true });
    assert.ok(seen.syscalls.has("perf_event_open"), "the log holds the agent's perf_event_open calls");
    const refused = [...seen.syscalls].filter((name) => !allowed.has(name)).sort();
    assert.deepEqual(refused, [], `system calls outside SystemCallFilter: ${refused.join(", ")}`);
    const outside = [...seen.families].filter((family) => !families.has(family));
    assert.deepEqual(
      outside,
      [],
      `socket families outside RestrictAddressFamilies: ${outside.join(", ")}`,
    );
    console.log(
      `${seen.syscalls.size} distinct system calls, all allowed; socket families ${[...seen.families]}`,
    );
  });
});

Deno.test("docs/security.md quotes the unit's user and capability lines as they are", () => {
  const docs = Deno.readTextFileSync(`${ROOT}docs/security.md`);
  const block = /```ini\n([\s\S]*?)```/.exec(docs.slice(docs.indexOf("## Running as a non-root user")))?.[1];
  assert.ok(block, "docs/security.md has the unit's lines");
  const unitLines = new Set(UNIT.split("\n"));
  for (const line of block.trim().split("\n")) assert.ok(unitLines.has(line), `the unit has no line ${line}`);
});
