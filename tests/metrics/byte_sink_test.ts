import assert from "node:assert/strict";
import { ByteSink } from "../../src/metrics/byte_sink.ts";

Deno.test("ByteSink: ASCII, UTF-8, bytes and single bytes in order; grows past its first size", () => {
  const sink = new ByteSink(4);
  sink.ascii("name");
  sink.text(" ü€ ");
  sink.bytes(new TextEncoder().encode('{a="1"}'));
  sink.byte(10);
  const long = "x".repeat(10_000);
  sink.ascii(long);
  assert.equal(new TextDecoder().decode(sink.view()), `name ü€ {a="1"}\n${long}`);
});

Deno.test("ByteSink: reset starts over in the same buffer", () => {
  const sink = new ByteSink(16);
  sink.ascii("first batch");
  sink.reset();
  sink.ascii("2nd");
  assert.equal(new TextDecoder().decode(sink.view()), "2nd");
  assert.equal(sink.view().length, 3);
});
