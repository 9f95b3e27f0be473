/** kcat (Debian package kcat), a librdkafka client independent of ours, reading and writing the test broker. */
import assert from "node:assert/strict";
import { promtoolCheckMetrics, runTool } from "../metrics/peer_tools.ts";

export interface KcatMessage {
  readonly payload: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
  readonly offset: number;
}

/** Every message of `topic` from the beginning, in offset order per partition. */
export async function kcatReadAll(bootstrap: string, topic: string): Promise<KcatMessage[]> {
  const result = await runTool("kcat", "kcat", [
    "-C",
    "-b",
    bootstrap,
    "-t",
    topic,
    "-o",
    "beginning",
    "-e",
    "-J",
    "-q",
  ], "");
  if (result.code !== 0) throw new Error(`kcat -C failed (${result.code}): ${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line.trim()).map((line) => {
    const json = JSON.parse(line);
    const headers: Record<string, string> = {};
    const list: string[] = json.headers ?? [];
    for (let i = 0; i + 1 < list.length; i += 2) headers[list[i]!] = list[i + 1]!;
    return { payload: json.payload, key: json.key, headers, partition: json.partition, offset: json.offset };
  });
}

/** Produces one message with `payload` (which may span lines) to `topic`. */
export async function kcatProduce(
  bootstrap: string,
  topic: string,
  payload: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const args = ["-P", "-b", bootstrap, "-t", topic, "-D", "\u0001"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}=${value}`);
  const result = await runTool("kcat", "kcat", args, payload);
  if (result.code !== 0) throw new Error(`kcat -P failed (${result.code}): ${result.stderr}`);
}

/** Produces one message with a key and `value`: null is a message without a value, "" an empty one. */
export async function kcatProduceKeyed(
  bootstrap: string,
  topic: string,
  key: string,
  value: string | null,
): Promise<void> {
  // kcat sends no message for an empty input; with a key it does, and -Z makes an empty value null.
  const args = [
    "-P",
    "-b",
    bootstrap,
    "-t",
    topic,
    "-D",
    "\u0001",
    "-K",
    "\u0002",
    ...(value === null ? ["-Z"] : []),
  ];
  const result = await runTool("kcat", "kcat", args, `${key}\u0002${value ?? ""}\u0001`);
  if (result.code !== 0) throw new Error(`kcat -P failed (${result.code}): ${result.stderr}`);
}

/** promtool exits 1 on a parse error and 3 on lint only (WCA's names break Prometheus' naming lints). */
export async function assertPromtoolParses(text: string): Promise<void> {
  const check = await promtoolCheckMetrics(text);
  assert.ok(check.code === 0 || check.code === 3, `promtool exit ${check.code}: ${check.stderr}`);
  assert.doesNotMatch(check.stderr, /pars/i);
}
