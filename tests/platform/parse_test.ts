import assert from "node:assert/strict";
import { linesOf, PlatformParseError, toDecimal, toInteger } from "../../src/platform/parse.ts";

Deno.test("PlatformParseError names the file and line", () => {
  const error = new PlatformParseError("/proc/stat", 3, "bad");
  assert.equal(error.message, "/proc/stat:3: bad");
  assert.equal(error.name, "PlatformParseError");
  assert.equal(error.source, "/proc/stat");
  assert.equal(error.line, 3);
  assert.equal(new PlatformParseError("f", undefined, "empty").message, "f: empty");
});

Deno.test("toInteger accepts only integers", () => {
  assert.equal(toInteger("42", "f", 1, "x"), 42);
  assert.equal(toInteger("-1", "f", 1, "x"), -1);
  for (const bad of ["", "4.2", "12a", " 1", undefined]) {
    assert.throws(() => toInteger(bad, "f", 7, "x"), (e: unknown) => {
      return e instanceof PlatformParseError && e.line === 7 && /integer for x/.test(e.message);
    });
  }
});

Deno.test("toDecimal accepts plain decimals", () => {
  assert.equal(toDecimal("0.86", "f", 1, "avg10"), 0.86);
  assert.equal(toDecimal("12", "f", 1, "avg10"), 12);
  assert.throws(() => toDecimal("1e3", "f", 1, "avg10"), PlatformParseError);
  assert.throws(() => toDecimal(undefined, "f", 1, "avg10"), PlatformParseError);
});

Deno.test("linesOf drops only the final newline", () => {
  assert.deepEqual(linesOf("a\nb\n"), ["a", "b"]);
  assert.deepEqual(linesOf("a\n\nb"), ["a", "", "b"]);
  assert.deepEqual(linesOf(""), []);
});
