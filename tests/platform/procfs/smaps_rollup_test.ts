import assert from "node:assert/strict";
import { clearRefs, parseSmapsRollup, readSmapsRollup } from "../../../src/platform/procfs/mod.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";

const ROLLUP = `55609ca7b000-7ffea52a3000 ---p 00000000 00:00 0                          [rollup]
Rss:                1736 kB
Pss:                 239 kB
Referenced:         1700 kB
Anonymous:           116 kB
Swap:                  0 kB
`;

Deno.test("parseSmapsRollup: Referenced and Rss in bytes (kB means KiB)", () => {
  assert.deepEqual(parseSmapsRollup(ROLLUP), { referencedBytes: 1700 * 1024, rssBytes: 1736 * 1024 });
});

Deno.test("parseSmapsRollup: a missing line or a bad number names the file and line", () => {
  assert.throws(
    () => parseSmapsRollup(ROLLUP.replace(/Referenced.*\n/, ""), "/proc/1/smaps_rollup"),
    (e: unknown) =>
      e instanceof PlatformParseError && /\/proc\/1\/smaps_rollup: no "Referenced: N kB"/.test(e.message),
  );
  assert.throws(() => parseSmapsRollup(""), PlatformParseError);
});

Deno.test("readSmapsRollup reads this process; an exited process is undefined and cannot be cleared", async () => {
  const paths = defaultHostPaths();
  const own = readSmapsRollup(paths, Deno.pid)!;
  assert.ok(own.referencedBytes > 0 && own.referencedBytes <= own.rssBytes);
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(readSmapsRollup(paths, child.pid), undefined);
  assert.equal(clearRefs(paths, child.pid), false);
});
