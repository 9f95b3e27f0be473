import assert from "node:assert/strict";
import { AllocationConfiguration } from "../../src/allocations/configuration.ts";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";

Deno.test("AllocationConfiguration: WCA's defaults, and the values WCA accepts", () => {
  assert.equal(BUILTIN_COMPONENTS.AllocationConfiguration, AllocationConfiguration);
  const defaults = new AllocationConfiguration({});
  assert.deepEqual({ ...defaults }, {
    cpu_quota_period: 1000,
    cpu_shares_unit: 1000,
    default_rdt_l3: undefined,
    default_rdt_mb: undefined,
  });
  assert.ok(Object.isFrozen(defaults));
  const valid = [
    { cpu_quota_period: 1000, cpu_shares_unit: 1_000_000 },
    { cpu_quota_period: 100000.5 },
    { default_rdt_l3: "L3:0=fffff" },
    { default_rdt_l3: "L3:0=00fff;1=FFF00" },
    { default_rdt_mb: "MB:0=100" },
    { default_rdt_mb: "MB:0=20;1=100" },
  ];
  for (const value of valid) {
    assert.equal(AllocationConfiguration.schema.safeParse(value).success, true, JSON.stringify(value));
  }
});

Deno.test("AllocationConfiguration: out-of-range numbers and malformed schemata lines are refused", () => {
  const table: Array<[Record<string, unknown>, string]> = [
    [{ cpu_quota_period: 999 }, "expected a number >= 1000"],
    [{ cpu_quota_period: 1_000_001 }, "expected a number <= 1000000"],
    [{ cpu_shares_unit: "1000" }, "expected a number"],
    [{ default_rdt_l3: "0=fffff" }, "expected an L3 schemata line, e.g. L3:0=fffff;1=fffff"],
    [{ default_rdt_l3: "L3:0=xyz" }, "expected an L3 schemata line"],
    [{ default_rdt_l3: "L3:0=fff;" }, "expected an L3 schemata line"],
    [{ default_rdt_l3: "" }, "expected an L3 schemata line"],
    [{ default_rdt_mb: "MB:0=fff" }, "expected an MB schemata line, e.g. MB:0=100;1=100"],
    [{ default_rdt_mb: "L3:0=100" }, "expected an MB schemata line"],
    [{ default_rdt_mb: 100 }, "expected a string"],
    [{ cpu_period: 1000 }, 'Unrecognized key: "cpu_period"'],
  ];
  for (const [value, message] of table) {
    const result = AllocationConfiguration.schema.safeParse(value);
    assert.equal(result.success, false, JSON.stringify(value));
    const messages = result.error!.issues.map((issue) => issue.message);
    assert.ok(
      messages.some((m) => m.startsWith(message)),
      `${JSON.stringify(value)}: ${messages.join("; ")}`,
    );
  }
});
