import assert from "node:assert/strict";
import { parseProcSched, readProcSched } from "../../../src/platform/procfs/mod.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";

// The shape proc_sched_show_task() (kernel/sched/debug.c) prints on a 2-node NUMA_BALANCING kernel.
const SCHED = `stress-ng-vm (4242, #threads: 1)
-------------------------------------------------------------------
se.exec_start                                :        230101.436092
se.sum_exec_runtime                          :             6.208287
nr_switches                                  :                   20
nr_voluntary_switches                        :                   12
policy                                       :                    0
mm->numa_scan_seq                            :                    3
current_node=1, numa_group_id=0
numa_faults node=0 task_private=5 task_shared=1 group_private=0 group_shared=0
numa_faults node=1 task_private=7 task_shared=0 group_private=2 group_shared=0
`;

Deno.test("parseProcSched: key : value lines, numa_faults per node, the rest skipped", () => {
  const sched = parseProcSched(SCHED);
  assert.deepEqual([...sched.values], [
    ["se.exec_start", 230101.436092],
    ["se.sum_exec_runtime", 6.208287],
    ["nr_switches", 20],
    ["nr_voluntary_switches", 12],
    ["policy", 0],
    ["mm->numa_scan_seq", 3],
  ]);
  assert.deepEqual(sched.numaFaults.map((f) => [f.node, Object.fromEntries(f.faults)]), [
    [0, { task_private: 5, task_shared: 1, group_private: 0, group_shared: 0 }],
    [1, { task_private: 7, task_shared: 0, group_private: 2, group_shared: 0 }],
  ]);
});

Deno.test("parseProcSched: keys are chosen by a pattern matched at their start", () => {
  const sched = parseProcSched(SCHED, "sched", /^(?:nr_)/);
  assert.deepEqual([...sched.values.keys()], ["nr_switches", "nr_voluntary_switches"]);
  assert.equal(sched.numaFaults.length, 2, "numa_faults lines do not depend on the pattern");
});

Deno.test("parseProcSched: a bad value or numa_faults line names the file and line", () => {
  assert.throws(
    () => parseProcSched(SCHED.replace(":                   20", ": twenty"), "/proc/4242/sched"),
    (e: unknown) => e instanceof PlatformParseError && e.message.startsWith("/proc/4242/sched:5: "),
  );
  assert.throws(
    () => parseProcSched("numa_faults cpu=0 task_private=1\n"),
    (e: unknown) => e instanceof PlatformParseError && /numa_faults node=N/.test(e.message),
  );
  assert.throws(() => parseProcSched("numa_faults node=0 task_private\n"), PlatformParseError);
});

Deno.test("readProcSched reads this kernel's file for this process; an exited one is undefined", async () => {
  const paths = defaultHostPaths();
  const own = readProcSched(paths, Deno.pid)!;
  assert.ok(own.values.get("nr_switches")! > 0);
  // Whether numa_faults lines appear depends on the kernel (CONFIG_NUMA_BALANCING): as this host prints them.
  const raw = Deno.readTextFileSync(`/proc/${Deno.pid}/sched`);
  assert.equal(own.numaFaults.length, raw.split("\n").filter((l) => l.startsWith("numa_faults ")).length);
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(readProcSched(paths, child.pid), undefined);
});
