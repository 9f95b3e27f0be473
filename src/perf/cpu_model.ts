/**
 * The CPU's microarchitecture, from cpuinfo's vendor, family, model and stepping: predefined raw
 * event codes differ between microarchitectures. Model numbers from Intel's SDM volume 4 (table 2-1)
 * and the kernel's arch/x86/include/asm/intel-family.h.
 */

export type CpuCodename =
  | "broadwell"
  | "skylake"
  | "cascade_lake"
  | "cooper_lake"
  | "ice_lake"
  | "sapphire_rapids"
  | "emerald_rapids"
  | "granite_rapids"
  | "unknown";

export interface CpuIdentity {
  readonly vendor: string;
  readonly family: number | undefined;
  readonly model: number | undefined;
  readonly stepping: number | undefined;
}

/** Server and client parts that share a core PMU event table map to the same name. */
const INTEL_FAMILY_6: ReadonlyMap<number, CpuCodename> = new Map([
  [0x3D, "broadwell"],
  [0x47, "broadwell"],
  [0x4F, "broadwell"],
  [0x56, "broadwell"],
  [0x4E, "skylake"],
  [0x5E, "skylake"],
  [0x6A, "ice_lake"],
  [0x6C, "ice_lake"],
  [0x8F, "sapphire_rapids"],
  [0xCF, "emerald_rapids"],
  [0xAD, "granite_rapids"],
]);

/** Pure. Model 0x55 is Skylake-SP up to stepping 4, Cascade Lake at 5–7, Cooper Lake at 10–11. */
export function cpuCodename(cpu: CpuIdentity): CpuCodename {
  if (cpu.vendor !== "GenuineIntel" || cpu.family !== 6 || cpu.model === undefined) return "unknown";
  if (cpu.model === 0x55) {
    const stepping = cpu.stepping ?? 0;
    if (stepping <= 4) return "skylake";
    if (stepping <= 7) return "cascade_lake";
    return "cooper_lake";
  }
  return INTEL_FAMILY_6.get(cpu.model) ?? "unknown";
}

/** The identity of the first processor of a parsed cpuinfo. */
export function cpuIdentity(fields: Readonly<Record<string, string>> | undefined): CpuIdentity {
  const number = (key: string) => {
    const text = fields?.[key];
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  };
  return {
    vendor: fields?.["vendor_id"] ?? "unknown",
    family: number("cpu family"),
    model: number("model"),
    stepping: number("stepping"),
  };
}

/** For messages: "Intel family 6 model 0xcf (emerald_rapids)". */
export function describeCpu(cpu: CpuIdentity): string {
  const model = cpu.model === undefined ? "?" : `0x${cpu.model.toString(16)}`;
  return `${cpu.vendor} family ${cpu.family ?? "?"} model ${model} (${cpuCodename(cpu)})`;
}
