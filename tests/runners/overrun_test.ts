import assert from "node:assert/strict";
import { OverrunReport, slowestStep } from "../../src/runners/overrun.ts";
import { RecordingLog } from "../helpers/recording_log.ts";

Deno.test("OverrunReport: one warning per streak naming the slowest step, a new one when it changes, a count on recovery", () => {
  const log = new RecordingLog();
  let clock = 0;
  const report = new OverrunReport(log, "AllocationRunner", 1, () => clock);
  // The first iteration warms up: its overrun is a debug line.
  report.overran(3, { node: 4 });
  assert.equal(log.warnings.length, 0);
  assert.match(log.debugs[0]!, /the first iteration, which warms up/);
  for (let i = 0; i < 5; i++) {
    clock += 2000;
    report.overran(1, { node: 0.01, allocate: 1.0, store: 0.02 });
  }
  assert.equal(log.warnings.length, 1, log.warnings.join("\n"));
  assert.match(
    log.warnings[0]!,
    /^an iteration took longer than the 1 s interval, most of it in step 'allocate' \(1\.00 s\); skipped 1 iteration;/,
  );
  report.overran(2, { node: 3, allocate: 0.1 });
  assert.equal(log.warnings.length, 2);
  assert.match(log.warnings[1]!, /step 'node' .*skipped 2 iterations/);
  report.inTime();
  report.inTime();
  assert.deepEqual(log.infos, [
    "AllocationRunner's 1 s interval works again after 8.0 s and 6 failed attempt(s)",
  ]);
});

Deno.test("slowestStep: the longest, or none", () => {
  assert.deepEqual(slowestStep({ a: 1, b: 3, c: 2 }), ["b", 3]);
  assert.equal(slowestStep({}), undefined);
});
