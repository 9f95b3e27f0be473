import assert from "node:assert/strict";
import { parseAuxvPageSize, readPageSize } from "../../../src/platform/procfs/auxv.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

function auxv(...pairs: Array<[number, number]>): Uint8Array {
  const bytes = new Uint8Array(pairs.length * 16);
  const view = new DataView(bytes.buffer);
  pairs.forEach(([type, value], i) => {
    view.setBigUint64(i * 16, BigInt(type), true);
    view.setBigUint64(i * 16 + 8, BigInt(value), true);
  });
  return bytes;
}

Deno.test("parseAuxvPageSize finds AT_PAGESZ", () => {
  assert.equal(parseAuxvPageSize(auxv([33, 0x7ffd0000], [6, 65536], [0, 0])), 65536);
  assert.equal(parseAuxvPageSize(auxv([6, 4096])), 4096);
});

Deno.test("parseAuxvPageSize: empty, truncated, or no AT_PAGESZ before AT_NULL", () => {
  const table: Array<[Uint8Array, RegExp]> = [
    [new Uint8Array(0), /^auxv: no AT_PAGESZ entry$/],
    [new Uint8Array(20), /^auxv: length 20 is not a multiple of 16$/],
    [auxv([17, 100], [0, 0], [6, 4096]), /no AT_PAGESZ/],
  ];
  for (const [bytes, message] of table) {
    assert.throws(
      () => parseAuxvPageSize(bytes),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
    );
  }
});

Deno.test("readPageSize on fixtures and on this machine", () => {
  for (const scenario of SCENARIOS) assert.equal(readPageSize(fixturePaths(scenario)), 4096, scenario);
  const real = readPageSize(defaultHostPaths());
  assert.ok(real >= 4096 && (real & (real - 1)) === 0, `page size ${real} is a power of two`);
});
