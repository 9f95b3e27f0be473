/**
 * A burst of 2,000 idle connections from one address against HTTPMetricsStorage in a process of its own
 * (http_burst_server.ts): the server holds at most max_connections_per_address of them, answers the
 * rest 503, closes the silent ones after header_timeout, and its memory comes back near where it was. Run by http_memory_test.ts through
 * runIsolated: the 2,000 client sockets would disturb other test files counting this process's fds.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("./http_burst_server.ts", import.meta.url));
const BURST = 2000;
const MAX_CONNECTIONS = 64;
/** The limit this test meets: all its connections come from 127.0.0.1. */
const PER_ADDRESS = 16;
const HEADER_TIMEOUT_S = 2;
/** Growth allowed after the burst: Deno.serve kept ~12 MB (and every socket) for good; we keep ~4 MB. */
const RSS_SLACK_MB = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, withinMs: number): Promise<void> {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > withinMs) assert.fail(`not within ${withinMs} ms: ${what}`);
    await sleep(50);
  }
}

Deno.test("HTTPMetricsStorage: 2,000 idle connections: at most max_connections_per_address held, all closed, RSS back near its level", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      SERVER,
      JSON.stringify({
        header_timeout: HEADER_TIMEOUT_S,
        max_connections: MAX_CONNECTIONS,
        max_connections_per_address: PER_ADDRESS,
      }),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const conns: Deno.Conn[] = [];
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const { port } = JSON.parse((await reader.read()).value!) as { port: number };
    const status = () => Deno.readTextFileSync(`/proc/${child.pid}/status`);
    const rssMb = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(status())![1]) / 1024;
    const fds = () => [...Deno.readDirSync(`/proc/${child.pid}/fd`)].length;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(response.status, 200);
      await response.text();
    }
    await sleep(500);
    const baseFds = fds();
    const baseRss = rssMb();

    let peakFds = 0;
    const burstStarted = performance.now();
    for (let i = 0; i < BURST; i++) {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
      if (i % 100 === 0) peakFds = Math.max(peakFds, fds());
    }
    peakFds = Math.max(peakFds, fds());
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    assert.ok(
      peakFds <= baseFds + PER_ADDRESS + 2,
      `the server held ${peakFds - baseFds} sockets; max_connections_per_address is ${PER_ADDRESS}`,
    );

    // Every client sees its connection closed: 503 for those over the limit, nothing for the silent ones.
    const buffer = new Uint8Array(4096);
    let refused = 0;
    let silent = 0;
    await Promise.all(conns.map(async (conn) => {
      const first = await conn.read(buffer).catch(() => null);
      if (first !== null) {
        assert.match(new TextDecoder().decode(buffer.subarray(0, first)), /^HTTP\/1\.1 503 /);
        refused++;
      } else silent++;
    })).then(undefined, (error) => assert.fail(String(error)));
    // Held connections are closed silently at the header timeout, which frees room for new ones while a
    // slow burst goes on: at most max_connections_per_address per header timeout elapsed in the burst.
    const heldAtMost = PER_ADDRESS * (1 + Math.ceil(burstSeconds / HEADER_TIMEOUT_S));
    assert.equal(refused + silent, BURST, "every connection was closed by the server");
    assert.ok(
      silent <= heldAtMost,
      `${silent} held and timed out, ${refused} refused over ${
        burstSeconds.toFixed(1)
      } s; at most ${heldAtMost} held`,
    );
    await until("the server's sockets are released", () => fds() <= baseFds, (HEADER_TIMEOUT_S + 5) * 1000);
    const after = rssMb();
    assert.ok(
      after <= baseRss + RSS_SLACK_MB,
      `RSS ${after.toFixed(1)} MB after the burst, ${baseRss.toFixed(1)} MB before`,
    );
    const response = await fetch(`http://127.0.0.1:${port}/-/healthy`);
    assert.equal(await response.text(), "OK\n", "still serving");
  } finally {
    for (const conn of conns) {
      try {
        conn.close();
      } catch {
        // closed by the server already
      }
    }
    child.stdin.close();
    const done = await child.status;
    assert.equal(done.code, 0, await stderr);
  }
  assert.match(
    await stderr,
    /WARNING .*\[wca\.storage\.http\] refusing connections from 127\.0\.0\.1 with 503: it holds 16 \(max_connections_per_address\)/,
  );
});
