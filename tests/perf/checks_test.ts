import assert from "node:assert/strict";
import { resolveEvents } from "../../src/perf/events.ts";
import { ERRNO, ErrnoError } from "../../ffi/mod.ts";
import { counterLimitProblem, fdLimitAdvice, openRefusal, permissionProblem } from "../../src/perf/checks.ts";
import { PerfOpenError } from "../../src/perf/group.ts";

const raw = (n: number) =>
  Array.from({ length: n }, (_, i) => `e${i}__r${(i + 1).toString(16).padStart(2, "0")}00`);
const events = (names: string[]) => resolveEvents(names, "skylake").events;

Deno.test("counterLimitProblem: 4 general counters with SMT, 8 without; fixed and software events are free", () => {
  assert.match(counterLimitProblem(events(raw(5)), 8, 4)!, /asks for 5 events .* has 4 \(hyper-threading on/);
  assert.equal(counterLimitProblem(events(raw(8)), 16, 16), undefined);
  assert.match(counterLimitProblem(events(raw(9)), 16, 16)!, /has 8 \(no hyper-threading.*Remove 1 of them/);
  assert.equal(counterLimitProblem(events(["task_cycles", "task_instructions", ...raw(4)]), 8, 4), undefined);
  assert.equal(
    counterLimitProblem(events(["task_task_clock_seconds", "task_context_switches", ...raw(4)]), 8, 4),
    undefined,
  );
  assert.ok(counterLimitProblem(events(["task_cycles", "task_instructions", ...raw(5)]), 8, 4));
});

Deno.test("permissionProblem: root, paranoid <= 0, CAP_PERFMON or CAP_SYS_ADMIN may count per cgroup", () => {
  const access = (paranoid: number, capabilities = 0n) => ({ paranoid, capabilities, maxOpenFiles: 1024 });
  assert.equal(permissionProblem(access(2), 0), undefined);
  assert.equal(permissionProblem(access(0), 1000), undefined);
  assert.equal(permissionProblem(access(2, 1n << 38n), 1000), undefined);
  assert.equal(permissionProblem(access(2, 1n << 21n), 1000), undefined);
  assert.match(
    permissionProblem(access(2, 1n << 12n), 1000)!,
    /need CAP_PERFMON .* it is 2 and this process \(uid 1000\)/,
  );
  assert.match(fdLimitAdvice(1024), /limit 1024.*LimitNOFILE/);
});

Deno.test("openRefusal: the fd limit and privileges stop the start; other errnos do not", () => {
  const failure = (code: string) =>
    new PerfOpenError("e", 0, new ErrnoError("perf_event_open", ERRNO[code as keyof typeof ERRNO], "text"));
  assert.equal(
    openRefusal(failure("EMFILE"), "raise LimitNOFILE", "counting per cgroup"),
    "cannot open perf event e on CPU 0: perf_event_open: EMFILE (text): raise LimitNOFILE",
  );
  assert.match(
    openRefusal(failure("EPERM"), "x", "counting per cgroup")!,
    /EPERM \(text\): counting per cgroup needs root, CAP_PERFMON/,
  );
  assert.equal(openRefusal(failure("ENOENT"), "x", "y"), undefined);
});
