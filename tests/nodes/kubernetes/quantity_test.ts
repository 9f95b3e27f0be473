import assert from "node:assert/strict";
import { parseQuantity } from "../../../src/nodes/kubernetes/quantity.ts";

Deno.test("parseQuantity: every Kubernetes suffix and form", () => {
  const cases: Array<[string, number | undefined]> = [
    ["1", 1],
    ["0", 0],
    ["128974848", 128974848],
    ["100m", 0.1],
    ["250m", 0.25],
    ["1500m", 1.5],
    ["0.5", 0.5],
    [".5", 0.5],
    ["1.", 1],
    ["+2", 2],
    ["-1", -1],
    ["500n", 5e-7],
    ["10u", 1e-5],
    ["1k", 1000],
    ["129M", 129e6],
    ["1G", 1e9],
    ["2T", 2e12],
    ["1P", 1e15],
    ["1E", 1e18],
    ["1Ki", 1024],
    ["123Mi", 123 * 2 ** 20],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["1Ti", 2 ** 40],
    ["1Pi", 2 ** 50],
    ["1Ei", 2 ** 60],
    ["129e6", 129e6],
    ["1E3", 1000],
    ["12e-3", 0.012],
    ["5E+2", 500],
    [" 2Gi ", 2 * 2 ** 30],
    // Not quantities.
    ["", undefined],
    ["Gi", undefined],
    ["1 Gi", undefined],
    ["1gi", undefined],
    ["1KB", undefined],
    ["1K", undefined],
    ["0x10", undefined],
    ["1e", undefined],
    ["unlimited", undefined],
    ["1e999", undefined],
  ];
  for (const [text, expected] of cases) {
    assert.equal(parseQuantity(text), expected, JSON.stringify(text));
  }
});
