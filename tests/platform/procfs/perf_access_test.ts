import assert from "node:assert/strict";
import {
  hasCapability,
  parseEffectiveCapabilities,
  parseMaxOpenFiles,
  parsePerfEventParanoid,
  readMaxOpenFiles,
  readPerfAccess,
} from "../../../src/platform/procfs/mod.ts";
import { defaultHostPaths } from "../../../src/platform/host_paths.ts";

Deno.test("perf access parsers: paranoid, CapEff and Max open files, good and bad input", () => {
  assert.equal(parsePerfEventParanoid("2\n"), 2);
  assert.equal(parsePerfEventParanoid("-1"), -1);
  assert.throws(() => parsePerfEventParanoid("two", "p"), /p:1: expected an integer, got "two"/);
  const caps = parseEffectiveCapabilities("Name:\tx\nCapInh:\t0\nCapEff:\t000001ffffffffff\n");
  assert.ok(hasCapability(caps, 38) && hasCapability(caps, 21) && !hasCapability(caps, 41));
  assert.throws(() => parseEffectiveCapabilities("Name: x\n", "s"), /no CapEff line/);
  assert.throws(() => parseEffectiveCapabilities("CapEff: zz\n", "s"), /s:1: expected CapEff/);
  const limits = "Limit                     Soft Limit           Hard Limit           Units\n" +
    "Max open files            1024                 524288               files\n";
  assert.equal(parseMaxOpenFiles(limits), 1024);
  assert.equal(parseMaxOpenFiles(limits.replace("1024 ", "unlimited")), Infinity);
  assert.throws(() => parseMaxOpenFiles("Limit Soft Hard\n"), /no "Max open files" line/);
});

Deno.test("readPerfAccess on this machine: the test suite's root holds CAP_SYS_ADMIN", () => {
  assert.equal(Deno.uid(), 0, "the tests run as root (they create cgroups)");
  const access = readPerfAccess(defaultHostPaths());
  assert.ok(Number.isInteger(access.paranoid));
  assert.ok(access.maxOpenFiles > 0);
  assert.equal(access.maxOpenFiles, readMaxOpenFiles(defaultHostPaths()));
  assert.equal(
    readMaxOpenFiles(defaultHostPaths()),
    parseMaxOpenFiles(Deno.readTextFileSync("/proc/self/limits")),
    "this process's own limit",
  );
  assert.ok(hasCapability(access.capabilities, 21));
});
