/**
 * What the per-process sources cost per task process and iteration: reading /proc/PID/smaps_rollup (wss),
 * reading and parsing /proc/PID/sched (sched), and clearing referenced bits (wss resets), on this process
 * (the deno bench runner, a few hundred MiB mapped) and on a `sleep` (a small process).
 * `deno task bench:micro` runs it (with the other deno benches).
 */
import { defaultHostPaths } from "../../src/platform/host_paths.ts";
import { clearRefs, readProcSched, readSmapsRollup } from "../../src/platform/procfs/mod.ts";

const paths = defaultHostPaths();
const sleeper = new Deno.Command("sleep", { args: ["600"] }).spawn();
globalThis.addEventListener("unload", () => sleeper.kill());

for (const [who, pid] of [["this deno", Deno.pid], ["sleep", sleeper.pid]] as const) {
  Deno.bench(`smaps_rollup of ${who}`, { group: who }, () => {
    readSmapsRollup(paths, pid);
  });
  Deno.bench(`sched of ${who} (every key)`, { group: who }, () => {
    readProcSched(paths, pid);
  });
  Deno.bench(`clear_refs of ${who}`, { group: who }, () => {
    clearRefs(paths, pid);
  });
}
