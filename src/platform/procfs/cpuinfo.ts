/**
 * /proc/cpuinfo: one block of `key\t: value` lines per logical CPU, blocks separated by blank lines.
 * Used for the CPU model name and model number (perf event tables depend on the model).
 */
import type { HostPaths } from "../host_paths.ts";
import { linesOf, PlatformParseError, toInteger } from "../parse.ts";
import * as hostFs from "../host_fs.ts";

export interface CpuinfoProcessor {
  readonly processor: number;
  /** Every field of the block, keyed as printed ("model name", "cpu family", …). */
  readonly fields: Readonly<Record<string, string>>;
}

export interface Cpuinfo {
  readonly processors: readonly CpuinfoProcessor[];
  /** "model name" of the first processor; absent on architectures that do not print it. */
  readonly modelName: string | undefined;
  /** "model" of the first processor as a number (x86: e.g. 85 for Skylake-SP). */
  readonly model: number | undefined;
}

/**
 * Parses the per-processor blocks. A line without a colon is an error; a block without a
 * "processor" line is skipped.
 */
export function parseCpuinfo(text: string, source = "cpuinfo"): Cpuinfo {
  const processors: CpuinfoProcessor[] = [];
  let fields: Record<string, string> = {};
  let processorLine = 0;
  const finish = () => {
    // Blocks without "processor" (arm64's trailing "Hardware" block) describe the machine, not a CPU.
    if (fields["processor"] === undefined) {
      fields = {};
      return;
    }
    processors.push(
      Object.freeze({
        processor: toInteger(fields["processor"], source, processorLine, "processor"),
        fields: Object.freeze(fields),
      }),
    );
    fields = {};
  };
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") {
      finish();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0) throw new PlatformParseError(source, i + 1, `expected "key : value"`);
    const key = line.slice(0, colon).trim();
    if (key === "processor") {
      finish(); // tolerate blocks not separated by a blank line
      processorLine = i + 1;
    }
    fields[key] = line.slice(colon + 1).trim();
  }
  finish();
  const first = processors[0];
  const modelText = first?.fields["model"];
  return Object.freeze({
    processors: Object.freeze(processors),
    modelName: first?.fields["model name"],
    model: modelText === undefined || !/^\d+$/.test(modelText) ? undefined : Number(modelText),
  });
}

/** Reads and parses `<proc>/cpuinfo`. */
export function readCpuinfo(paths: HostPaths): Cpuinfo {
  const path = `${paths.proc}/cpuinfo`;
  return parseCpuinfo(hostFs.readTextFileSync(path), path);
}
