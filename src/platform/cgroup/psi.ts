/**
 * Pressure stall information (Documentation/accounting/psi.rst), files cpu.pressure, memory.pressure,
 * io.pressure:
 *   some avg10=0.86 avg60=0.87 avg300=0.93 total=5237530
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * Averages are percentages of wall time; total is stall time in microseconds. cpu.pressure had no
 * "full" line before Linux 5.13.
 */
import { linesOf, PlatformParseError, toDecimal, toInteger } from "../parse.ts";

export interface PressureLine {
  readonly avg10: number;
  readonly avg60: number;
  readonly avg300: number;
  /** Microseconds. */
  readonly totalUs: number;
}

export interface Pressure {
  readonly some: PressureLine;
  readonly full: PressureLine | undefined;
}

const KEYS = ["avg10", "avg60", "avg300", "total"] as const;

/** The kernel's own layout of a pressure file: a "some" line, then optionally a "full" line. */
const PRESSURE_TEXT =
  /^some avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) total=(\d+)\n(?:full avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) total=(\d+)\n)?$/;

export function parsePressure(text: string, source = "pressure"): Pressure {
  // Fast path for the usual text, one regular expression; anything else takes the general path below.
  const match = PRESSURE_TEXT.exec(text);
  if (match !== null) {
    const line = (at: number): PressureLine =>
      Object.freeze({
        avg10: Number(match[at]),
        avg60: Number(match[at + 1]),
        avg300: Number(match[at + 2]),
        totalUs: Number(match[at + 3]),
      });
    return Object.freeze({ some: line(1), full: match[5] === undefined ? undefined : line(5) });
  }
  let some: PressureLine | undefined;
  let full: PressureLine | undefined;
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    const kind = fields[0];
    if (kind === "") continue;
    if (kind !== "some" && kind !== "full") {
      throw new PlatformParseError(source, i + 1, `expected "some" or "full", got ${JSON.stringify(kind)}`);
    }
    const pairs = new Map<string, string>();
    for (const field of fields.slice(1)) {
      const eq = field.indexOf("=");
      if (eq < 0) {
        throw new PlatformParseError(source, i + 1, `expected key=value, got ${JSON.stringify(field)}`);
      }
      pairs.set(field.slice(0, eq), field.slice(eq + 1));
    }
    for (const key of KEYS) {
      if (!pairs.has(key)) throw new PlatformParseError(source, i + 1, `missing ${key}`);
    }
    const line: PressureLine = Object.freeze({
      avg10: toDecimal(pairs.get("avg10"), source, i + 1, "avg10"),
      avg60: toDecimal(pairs.get("avg60"), source, i + 1, "avg60"),
      avg300: toDecimal(pairs.get("avg300"), source, i + 1, "avg300"),
      totalUs: toInteger(pairs.get("total"), source, i + 1, "total"),
    });
    if (kind === "some") some = line;
    else full = line;
  }
  if (some === undefined) throw new PlatformParseError(source, undefined, `no "some" line`);
  return Object.freeze({ some, full });
}
