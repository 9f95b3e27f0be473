/**
 * The attacker of tests/config/config_swap_test.ts, in a process of its own: swaps the config file
 * between a trusted one and an untrusted one (another owner, mode 666) by rename, about once a
 * millisecond (leaving the CPU to the agent it races),
 * until `<dir>/stop` appears; then prints how many swaps it made.
 *
 *   deno run -A tests/config/swap_loop.ts DIR
 */
const dir = Deno.args[0]!;
const config = `${dir}/config.yaml`;
const good = "runner: !GoodRunner\n";
const evil = "runner: !EvilRunner\n";
const asRoot = Deno.uid() === 0;
let swaps = 0;
for (let i = 0;; i++) {
  if (i % 64 === 0) {
    try {
      Deno.statSync(`${dir}/stop`);
      break;
    } catch {
      // not yet
    }
  }
  const untrusted = swaps % 2 === 0;
  const next = `${dir}/next.yaml`;
  Deno.writeTextFileSync(next, untrusted ? evil : good, { mode: 0o644 });
  if (untrusted) {
    Deno.chmodSync(next, 0o666);
    if (asRoot) Deno.chownSync(next, 65534, 65534);
  } else {
    Deno.chmodSync(next, 0o644);
  }
  Deno.renameSync(next, config);
  swaps++;
  await new Promise((resolve) => setTimeout(resolve, 0));
}
console.log(swaps);
