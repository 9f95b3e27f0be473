import assert from "node:assert/strict";
import { parseMeminfo, readMeminfo } from "../../../src/platform/procfs/meminfo.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { fixturePaths, SCENARIOS } from "../_helpers.ts";

const REAL = `MemTotal:       24684092 kB
MemFree:        24330484 kB
MemAvailable:   24337428 kB
Buffers:            1156 kB
Cached:           155092 kB
Active(anon):       1520 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
`;

Deno.test("parseMeminfo: kB to bytes, unitless counts kept, used as free(1) computes it", () => {
  const info = parseMeminfo(REAL);
  assert.equal(info.totalBytes, 24684092 * 1024);
  assert.equal(info.freeBytes, 24330484 * 1024);
  assert.equal(info.usedBytes, (24684092 - 24330484 - 1156 - 155092) * 1024);
  assert.equal(info.values["Active(anon)"], 1520 * 1024);
  assert.equal(info.values["HugePages_Total"], 0);
  assert.equal(info.values["Hugepagesize"], 2048 * 1024);
});

Deno.test("parseMeminfo: empty and malformed input", () => {
  const table: Array<[string, RegExp]> = [
    ["", /^meminfo: missing MemTotal$/],
    ["MemTotal: 10 kB\nMemFree: 5 kB\nCached: 1 kB\n", /missing Buffers/],
    ["MemTotal: 10 kB\nMemFree 5 kB\n", /^meminfo:2: expected "Key: value \[kB\]"/],
    ["MemTotal: ten kB\n", /^meminfo:1: expected an integer for MemTotal/],
    ["MemTotal: 10 MB\n", /^meminfo:1:/],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parseMeminfo(text),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
      text,
    );
  }
});

Deno.test("readMeminfo on fixtures", () => {
  for (const scenario of SCENARIOS) {
    const info = readMeminfo(fixturePaths(scenario));
    assert.ok(info.totalBytes > info.usedBytes && info.usedBytes > 0, scenario);
  }
  assert.equal(readMeminfo(fixturePaths("v1_split")).totalBytes, 24684092 * 1024);
});

Deno.test("real /proc/meminfo", () => {
  const info = readMeminfo(defaultHostPaths());
  assert.ok(info.totalBytes > 0 && info.freeBytes <= info.totalBytes);
  assert.ok(info.usedBytes > 0 && info.usedBytes < info.totalBytes);
});
