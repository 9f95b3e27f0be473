/**
 * The config file is checked on the descriptor it is read from: a second process swaps it, by rename,
 * between a trusted file and an untrusted one (another owner, mode 666) while the agent starts 200
 * times. The untrusted file's runner leaves a marker file; it must never exist. Before the fix (stat by
 * path, then read by path) the swapped-in file was used.
 */
import assert from "node:assert/strict";
import { readTrustedConfig } from "../../src/config/file_checks.ts";
import { ROOT, ROOT_FLAG, runWca } from "../helpers/wca_process.ts";

const STARTS = 200;
const CONCURRENT = 4;
const MODULE = `${ROOT}tests/fixtures/components/marker_runners.ts`;
const GOOD = "runner: !GoodRunner\n";
const UNTRUSTED = /Config file \S+ is (owned by uid 65534|writable by others \(mode 666\))/;

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

async function withSwapper(fn: (dir: string) => Promise<void>): Promise<number> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/config.yaml`, GOOD);
  const swapper = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}tests/config/swap_loop.ts`, dir],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    await fn(dir);
  } finally {
    await Deno.writeTextFile(`${dir}/stop`, "");
  }
  const output = await swapper.output();
  await Deno.remove(dir, { recursive: true });
  assert.equal(output.code, 0, "the swapper failed");
  return Number(new TextDecoder().decode(output.stdout).trim());
}

Deno.test(`a config swapped for an untrusted file during ${STARTS} starts is never used`, async () => {
  const outcomes = { good: 0, refused: 0 };
  const swaps = await withSwapper(async (dir) => {
    const marker = `${dir}/untrusted-config-was-used`;
    const args = ["-c", `${dir}/config.yaml`, "-r", `${MODULE}:GoodRunner`, "-r", `${MODULE}:EvilRunner`];
    let started = 0;
    const worker = async () => {
      while (started < STARTS) {
        started++;
        const run = await runWca([...args, ...ROOT_FLAG], { WCA_TEST_MARKER: marker });
        if (run.code === 0) {
          assert.equal(run.stdout, "good\n");
          outcomes.good++;
        } else {
          assert.equal(run.code, 1, run.stderr);
          assert.match(run.stderr, UNTRUSTED);
          outcomes.refused++;
        }
        assert.equal(exists(marker), false, "the swapped-in config was used");
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT }, worker));
  });
  console.log(
    `${STARTS} starts: ${outcomes.good} ran the trusted config, ${outcomes.refused} refused; ${swaps} swaps`,
  );
  assert.equal(outcomes.good + outcomes.refused, STARTS);
  assert.ok(swaps > STARTS, `the swapper made only ${swaps} swaps`);
});

Deno.test("in-process: 1000 reads during swaps return the trusted text or refuse, never the other", async () => {
  let good = 0;
  let refused = 0;
  await withSwapper(async (dir) => {
    for (let i = 0; i < 1000; i++) {
      try {
        assert.equal(readTrustedConfig(`${dir}/config.yaml`), GOOD);
        good++;
      } catch (error) {
        assert.match((error as Error).message, UNTRUSTED);
        refused++;
      }
      // Let the swapper's process run between reads on a busy machine.
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  });
  assert.equal(good + refused, 1000);
});
