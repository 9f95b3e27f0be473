/** What the output scenarios (tests/docs/output_scenarios.ts and its parts) share: running the agent as a user does. */
import { ROOT, ROOT_FLAG } from "../helpers/wca_process.ts";
import { type Spawned, spawnUntil } from "../helpers/spawned.ts";

export interface ScenarioOutput {
  /** Everything printed, stdout and stderr. */
  readonly output: string;
  /** Texts of this run (temporary directories, ports) and what the documentation writes instead. */
  readonly replacements?: ReadonlyArray<readonly [string, string]>;
  /** Counts that depend on the host (metrics, values): any number matches any number. */
  readonly anyNumbers?: boolean;
}

export type Scenarios = Readonly<Record<string, () => Promise<ScenarioOutput>>>;

export const WCA = ["run", "-A", `${ROOT}src/main.ts`];

export async function inTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "wca_doc_output_" });
  try {
    return await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export const both = (run: Spawned) => `${run.stdout}\n${run.stderr}`;
export const writeFile = (path: string, text: string, mode = 0o644) => {
  Deno.writeTextFileSync(path, text);
  Deno.chmodSync(path, mode);
};

/** `wca -c agent.yaml --root` in `dir` with `config`, stopped once `until` holds (or when it exits). */
export function wcaWith(
  dir: string,
  config: string,
  args: string[] = [],
  until?: (stderr: string) => boolean,
) {
  writeFile(`${dir}/agent.yaml`, config);
  return spawnUntil(Deno.execPath(), [...WCA, "-c", "agent.yaml", ...ROOT_FLAG, ...args], {
    cwd: dir,
    env: { HOST_IP: "10.0.0.1" },
    ...(until ? { until: ({ stderr }: { stderr: string }) => until(stderr) } : {}),
  });
}

/** `wca ARGS --root` in `cwd`, to its exit (a refusal at start). */
export async function wcaRefusal(cwd: string, args: string[]): Promise<string> {
  return both(await spawnUntil(Deno.execPath(), [...WCA, ...args, ...ROOT_FLAG], { cwd }));
}

export const iterations = (stderr: string) => (stderr.match(/\] iteration: /g) ?? []).length;

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
