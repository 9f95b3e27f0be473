/**
 * A real Kafka-protocol broker on loopback: librdkafka's mock cluster, run by the C program beside this
 * file (kafka_mock.c), built here with gcc against Debian's librdkafka-dev into a cache directory keyed by
 * the source's hash (built once per machine, never committed). A missing compiler or header fails the
 * test with what to install; tests/setup_host.ts installs both.
 *
 *   await using broker = await startKafkaMock();
 *   broker.bootstrap                       // "127.0.0.1:PORT"
 *   await broker.createTopic("wca", 1);
 *   await broker.down(); await broker.up(); // disconnect and refuse clients / accept them; data stays
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const SOURCE = fileURLToPath(new URL("./kafka_mock.c", import.meta.url));
const HEADER = "/usr/include/librdkafka/rdkafka_mock.h";

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The helper's binary, compiled if this source version has not been yet (atomic: parallel tests race). */
export async function kafkaMockBinary(): Promise<string> {
  try {
    await Deno.stat(HEADER);
  } catch {
    throw new Error(
      `${HEADER} not found: install the Debian package librdkafka-dev (deno task test does, as root)`,
    );
  }
  const dir = join(Deno.env.get("TMPDIR") ?? "/tmp", `wca-kafka-mock-${await sha256(SOURCE)}`);
  const binary = join(dir, "kafka_mock");
  try {
    await Deno.stat(binary);
    return binary;
  } catch {
    // not built yet
  }
  await Deno.mkdir(dir, { recursive: true });
  const temporary = `${binary}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}`;
  let cc: Deno.CommandOutput;
  try {
    cc = await new Deno.Command("gcc", { args: ["-O1", "-o", temporary, SOURCE, "-lrdkafka"] }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error("gcc not found: install the Debian package gcc");
    }
    throw error;
  }
  if (cc.code !== 0) throw new Error(`gcc ${SOURCE} failed:\n${new TextDecoder().decode(cc.stderr)}`);
  await Deno.rename(temporary, binary);
  return binary;
}

export class KafkaMock {
  readonly bootstrap: string;
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  #closed: Promise<void> | undefined;

  constructor(child: Deno.ChildProcess, bootstrap: string, lines: AsyncIterator<string>) {
    this.#child = child;
    this.bootstrap = bootstrap;
    this.#lines = lines;
    this.#writer = child.stdin.getWriter();
  }

  /** Sends one command line and waits for its "ok". */
  async command(line: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(`${line}\n`));
    const { value, done } = await this.#lines.next();
    if (done || value !== "ok") throw new Error(`kafka mock: ${line}: ${done ? "exited" : value}`);
  }

  createTopic(name: string, partitions = 1): Promise<void> {
    return this.command(`topic ${name} ${partitions}`);
  }

  /** Closes every connection and refuses new ones, as a broker that went away; topics keep their messages. */
  down(broker = -1): Promise<void> {
    return this.command(`down ${broker}`);
  }

  up(broker = -1): Promise<void> {
    return this.command(`up ${broker}`);
  }

  close(): Promise<void> {
    return this.#closed ??= (async () => {
      await this.#writer.close().catch(() => {});
      const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
      await this.#child.status;
      clearTimeout(timer);
      await this.#child.stderr.cancel().catch(() => {});
    })();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    pending += text;
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
  }
}

/** Starts a mock cluster of `brokers` brokers and waits for its bootstrap address. */
export async function startKafkaMock(brokers = 1): Promise<KafkaMock> {
  const child = new Deno.Command(await kafkaMockBinary(), {
    args: [String(brokers)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = linesOf(child.stdout);
  const first = await lines.next();
  const bootstrap = /^bootstrap (\S+)$/.exec(first.value ?? "")?.[1];
  if (!bootstrap) {
    child.kill("SIGKILL");
    const stderr = await new Response(child.stderr).text();
    throw new Error(`kafka mock did not start: ${first.value ?? "(no output)"} ${stderr}`);
  }
  return new KafkaMock(child, bootstrap, lines);
}
