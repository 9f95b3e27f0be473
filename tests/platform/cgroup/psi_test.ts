import assert from "node:assert/strict";
import { parsePressure } from "../../../src/platform/cgroup/psi.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";

Deno.test("parsePressure: some and full lines", () => {
  const pressure = parsePressure(
    "some avg10=0.86 avg60=0.87 avg300=0.93 total=5237530\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
  );
  assert.deepEqual(pressure.some, { avg10: 0.86, avg60: 0.87, avg300: 0.93, totalUs: 5237530 });
  assert.deepEqual(pressure.full, { avg10: 0, avg60: 0, avg300: 0, totalUs: 0 });
});

Deno.test("parsePressure: cpu.pressure before Linux 5.13 has no full line", () => {
  const pressure = parsePressure("some avg10=3.10 avg60=2.05 avg300=1.00 total=7654321\n");
  assert.equal(pressure.full, undefined);
  assert.equal(pressure.some.totalUs, 7654321);
});

Deno.test("parsePressure: empty and malformed input", () => {
  const table: Array<[string, RegExp]> = [
    ["", /^pressure: no "some" line$/],
    ["full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", /no "some" line/],
    ["partial avg10=0.00\n", /^pressure:1: expected "some" or "full"/],
    ["some avg10=0.00 avg60=0.00 total=0\n", /^pressure:1: missing avg300/],
    ["some avg10=x avg60=0.00 avg300=0.00 total=0\n", /^pressure:1: expected a number for avg10/],
    ["some avg10=0.00 avg60 avg300=0.00 total=0\n", /^pressure:1: expected key=value, got "avg60"/],
    ["some avg10=0.00 avg60=0.00 avg300=0.00 total=0.5\n", /^pressure:1: expected an integer for total/],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parsePressure(text),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
      text,
    );
  }
});
