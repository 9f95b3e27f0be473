/**
 * `!AllocationConfiguration`: WCA's fine-grained allocation settings, given to AllocationRunner's
 * `allocation_configuration` (or to its MeasurementRunner's, as WCA configs do). A MeasurementRunner on
 * its own applies no allocations and names the setting in its start warning.
 */
import { number, params, text, type z } from "../config/schema.ts";

// The schemata lines WCA writes to resctrl for the root group: `L3:0=fffff;1=fffff`, `MB:0=100;1=50`.
const L3_LINE = /^L3:\d+=[0-9a-fA-F]+(;\d+=[0-9a-fA-F]+)*$/;
const MB_LINE = /^MB:\d+=\d+(;\d+=\d+)*$/;

const schema = params({
  cpu_quota_period: number(1000, 1_000_000).default(1000).describe(
    "cpu.cfs_period_us written with a cpu_quota allocation (the denominator of the quota).",
  ),
  cpu_shares_unit: number(1000, 1_000_000).default(1000).describe(
    "cpu.shares per 1.0 of a cpu_shares allocation (2.0 with the default gives 2000 shares).",
  ),
  default_rdt_l3: text(1024).regex(L3_LINE, {
    error: "expected an L3 schemata line, e.g. L3:0=fffff;1=fffff",
  }).optional().describe("L3 cache ways of the root resctrl group; unset: all."),
  default_rdt_mb: text(1024).regex(MB_LINE, {
    error: "expected an MB schemata line, e.g. MB:0=100;1=100",
  }).optional().describe("Memory bandwidth (percent) of the root resctrl group; unset: all."),
});

export type AllocationConfigurationParams = z.infer<typeof schema>;

export class AllocationConfiguration {
  static readonly schema = schema;
  static readonly description = "Allocation settings for AllocationRunner: cpu quota period, shares unit, " +
    "default RDT schemata of the root group.";
  readonly cpu_quota_period: number;
  readonly cpu_shares_unit: number;
  readonly default_rdt_l3: string | undefined;
  readonly default_rdt_mb: string | undefined;

  constructor(parameters: z.input<typeof schema>) {
    const p = schema.parse(parameters);
    this.cpu_quota_period = p.cpu_quota_period;
    this.cpu_shares_unit = p.cpu_shares_unit;
    this.default_rdt_l3 = p.default_rdt_l3;
    this.default_rdt_mb = p.default_rdt_mb;
    Object.freeze(this);
  }
}
