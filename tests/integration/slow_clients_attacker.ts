/**
 * The attacker of slow_clients_test.ts, in a process of its own so that the agent's RSS is measured
 * alone: `connections` sockets from the local addresses `from` (e.g. ["127.0.0.2"], taken in turn)
 * that send a request
 * head one byte every `byteMs` milliseconds (a head that never ends within header_timeout) and
 * reconnect as soon as the server closes them. Prints `{"ready":true}` once it has connected
 * `connections` times, and its counts as one JSON line when stdin closes.
 * Usage: deno run -A slow_clients_attacker.ts '{"port":9192,"connections":64,"from":["127.0.0.2"],"byteMs":100}'
 */
import net from "node:net";

interface Options {
  port: number;
  connections: number;
  from: string[];
  byteMs: number;
}

const options = JSON.parse(Deno.args[0] ?? "{}") as Options;
const HEAD = new TextEncoder().encode(
  "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\nX-Slow: " + "a".repeat(8000),
);

/** Each socket is a descriptor: fail loudly rather than measure an attack that could not be made. */
function openFilesLimit(): number {
  const line = Deno.readTextFileSync("/proc/self/limits").split("\n").find((l) =>
    l.startsWith("Max open files")
  );
  return Number(line?.split(/\s+/)[3]);
}
const limit = openFilesLimit();
if (!(limit >= options.connections + 100)) {
  console.error(
    `RLIMIT_NOFILE is ${limit}; ${options.connections} connections need at least ` +
      `${options.connections + 100} (raise it with ulimit -n or prlimit)`,
  );
  Deno.exit(3);
}

const counts = { connects: 0, closedByServer: 0, errors: {} as Record<string, number>, bytes: 0 };
const open = new Map<net.Socket, number>(); // socket → bytes of HEAD sent
let stopped = false;
let ready = false;

function connect(localAddress: string): void {
  if (stopped) return;
  const socket = net.connect({ host: "127.0.0.1", port: options.port, localAddress });
  let failed = false;
  socket.on("connect", () => {
    counts.connects++;
    open.set(socket, 0);
    if (!ready && counts.connects >= options.connections) {
      ready = true;
      console.log(JSON.stringify({ ready: true }));
    }
  });
  socket.on("data", () => {}); // a 503 or 431 answer; the close follows
  socket.on("error", (error: NodeJS.ErrnoException) => {
    failed = true;
    const code = error.code ?? error.message;
    counts.errors[code] = (counts.errors[code] ?? 0) + 1;
  });
  socket.on("close", () => {
    if (open.delete(socket)) counts.closedByServer++;
    // Reconnect at once, as the attack does; after a failed connect, a breath (ports or fds ran out).
    if (failed) setTimeout(() => connect(localAddress), 10);
    else setImmediate(() => connect(localAddress));
  });
}

for (let i = 0; i < options.connections; i++) connect(options.from[i % options.from.length]!);

/** One byte per open socket per tick. */
const ticker = setInterval(() => {
  for (const [socket, sent] of open) {
    if (sent >= HEAD.length) continue;
    socket.write(HEAD.subarray(sent, sent + 1));
    open.set(socket, sent + 1);
    counts.bytes++;
  }
}, options.byteMs);

for await (const _ of Deno.stdin.readable) {
  // nothing to read; the attack stops when the test closes stdin
}
stopped = true;
clearInterval(ticker);
const sockets = [...open.keys()];
open.clear(); // closes from here on are ours, not the server's
for (const socket of sockets) socket.destroy();
console.log(JSON.stringify({ ...counts, stillOpen: sockets.length }));
Deno.exit(0);
