/**
 * SPECjbb2015 (1.0x): the `Performance info` blocks its controller prints on stdout during a fixed-IR
 * run. After `Response times:` come a header and one comma-separated row per request type, up to an
 * empty line:
 *
 *   Request,    Success, …,      min,      p50,      p90,      p95,      p99,      max,
 *   TotalPurchase,  28299, …,     1300,     6100,  3500000,  3600000,  3800000,  4600000,
 *
 * The TotalPurchase row gives p99_total_purchase (the seeds' name) and min_, p50_, p90_, p95_ and
 * max_total_purchase, as SPECjbb prints them. Columns are found by the header.
 */
import { lineParser, type Metric, parseNumber, wrapperMain } from "../../src/wrapper/mod.ts";

const WANTED = ["min", "p50", "p90", "p95", "p99", "max"];

function cells(line: string): string[] {
  const parts = line.split(",").map((cell) => cell.trim());
  if (parts.at(-1) === "") parts.pop(); // the trailing comma
  return parts;
}

export const parser = lineParser({
  name: "specjbb",
  description: "SPECjbb2015: TotalPurchase response-time percentiles from the controller's " +
    "Performance info blocks (SPECjbb2015 1.0x, on stdout).",
  perLine(make) {
    /** undefined: outside a table; []: after "Response times:", waiting for the header. */
    let header: string[] | undefined;
    const parseLine = (line: string): Metric[] => {
      if (/^\s*Response times:\s*$/.test(line)) {
        header = [];
        return [];
      }
      if (header === undefined) return [];
      if (line.trim() === "") {
        header = undefined;
        return [];
      }
      const row = cells(line);
      if (header.length === 0) {
        header = row[0] === "Request" ? row : undefined;
        return [];
      }
      if (row[0] !== "TotalPurchase" || row.length !== header.length) return [];
      const found: Metric[] = [];
      header.forEach((name, i) => {
        const value = parseNumber(row[i]);
        if (WANTED.includes(name) && value !== undefined) {
          found.push(
            make.gauge(`${name}_total_purchase`, value, `SPECjbb2015 TotalPurchase response time, ${name}`),
          );
        }
      });
      return found;
    };
    return parseLine;
  },
});

if (import.meta.main) await wrapperMain(parser);
