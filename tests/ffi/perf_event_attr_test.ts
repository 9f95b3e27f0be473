/**
 * perf_event_attr bytes against the kernel's own header: a C program compiled here with gcc fills the
 * struct for each case and prints it; the encoder must produce the same bytes. The first case is also
 * pinned as literal hex, so a wrong header on a build machine cannot hide a change.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  decodeGroupRead,
  encodePerfEventAttr,
  groupReadSize,
  PERF_ATTR_SIZE_VER7,
  PERF_COUNT_HW,
  PERF_COUNT_SW,
  PERF_FORMAT,
  PERF_TYPE,
  type PerfEventAttr,
} from "../../ffi/mod.ts";

const GROUP_FORMAT = PERF_FORMAT.GROUP | PERF_FORMAT.ID | PERF_FORMAT.TOTAL_TIME_ENABLED |
  PERF_FORMAT.TOTAL_TIME_RUNNING;

/** In the order of tests/fixtures/ffi/perf_event_attr_dump.c. */
const CASES: PerfEventAttr[] = [
  {
    type: PERF_TYPE.SOFTWARE,
    config: BigInt(PERF_COUNT_SW.TASK_CLOCK),
    readFormat: GROUP_FORMAT,
    flags: ["disabled"],
  },
  {
    type: PERF_TYPE.HARDWARE,
    config: BigInt(PERF_COUNT_HW.INSTRUCTIONS),
    readFormat: GROUP_FORMAT,
    flags: ["excludeGuest"],
  },
  {
    type: PERF_TYPE.RAW,
    config: 0x140014A3n,
    config1: 0x3FB80008FFn,
    readFormat: GROUP_FORMAT,
    flags: ["disabled", "inherit"],
  },
  {
    type: 17,
    config: 0xFFFF_FFFF_FFFF_FFFFn,
    config2: 0x1234n,
    flags: ["pinned", "exclusive", "excludeUser", "excludeKernel", "excludeHv", "excludeIdle"],
  },
];

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

async function kernelHeaderBytes(): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "wca-attr-" });
  try {
    const source = fileURLToPath(new URL("../fixtures/ffi/perf_event_attr_dump.c", import.meta.url));
    const binary = `${dir}/dump`;
    const cc = await new Deno.Command("gcc", { args: ["-O0", "-o", binary, source] }).output();
    assert.equal(cc.code, 0, `gcc failed: ${new TextDecoder().decode(cc.stderr)}`);
    const run = await new Deno.Command(binary).output();
    assert.equal(run.code, 0);
    return new TextDecoder().decode(run.stdout).trim().split("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("encodePerfEventAttr matches <linux/perf_event.h> byte for byte", async () => {
  const expected = await kernelHeaderBytes();
  assert.equal(expected.length, CASES.length);
  CASES.forEach((attr, i) => assert.equal(hex(encodePerfEventAttr(attr)), expected[i], `case ${i + 1}`));
});

Deno.test("encodePerfEventAttr: the software leader, pinned as literal bytes", () => {
  const bytes = encodePerfEventAttr(CASES[0]!);
  assert.equal(bytes.length, PERF_ATTR_SIZE_VER7);
  assert.equal(
    hex(bytes),
    "01000000" + "80000000" + "0100000000000000" + "0".repeat(32) + "0f00000000000000" + "0100000000000000" +
      "0".repeat(2 * (128 - 48)),
  );
});

Deno.test("encodePerfEventAttr refuses values that do not fit", () => {
  assert.throws(() => encodePerfEventAttr({ type: -1, config: 0n }), /type -1 is not a u32/);
  assert.throws(() => encodePerfEventAttr({ type: 2 ** 32, config: 0n }), /is not a u32/);
  assert.throws(() => encodePerfEventAttr({ type: 4, config: 1n << 64n }), /config .* is not a u64/);
  assert.throws(() => encodePerfEventAttr({ type: 4, config: 0n, config1: -1n }), /config1 -1 is not a u64/);
});

function groupBytes(timeEnabled: bigint, timeRunning: bigint, values: [bigint, bigint][]): Uint8Array {
  const view = new DataView(new ArrayBuffer(groupReadSize(values.length)));
  view.setBigUint64(0, BigInt(values.length), true);
  view.setBigUint64(8, timeEnabled, true);
  view.setBigUint64(16, timeRunning, true);
  values.forEach(([value, id], i) => {
    view.setBigUint64(24 + 16 * i, value, true);
    view.setBigUint64(32 + 16 * i, id, true);
  });
  return new Uint8Array(view.buffer);
}

Deno.test("decodeGroupRead reads nr, times and value/id pairs", () => {
  const read = decodeGroupRead(groupBytes(2000n, 1000n, [[5n, 11n], [2n ** 40n, 12n]]));
  assert.deepEqual(read, {
    timeEnabled: 2000,
    timeRunning: 1000,
    values: [{ value: 5, id: 11n }, { value: 2 ** 40, id: 12n }],
  });
  assert.deepEqual(decodeGroupRead(groupBytes(0n, 0n, [])).values, []);
});

Deno.test("decodeGroupRead refuses short reads with the sizes in the message", () => {
  assert.throws(() => decodeGroupRead(new Uint8Array(16)), /at least 24 bytes; got 16/);
  const two = groupBytes(1n, 1n, [[1n, 1n], [2n, 2n]]);
  assert.throws(() => decodeGroupRead(two, 40), /of 2 events is 56 bytes; got 40/);
});
