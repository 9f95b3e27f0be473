/**
 * Hosts with a resctrl mount, for tests on a machine without RDT: a base host fixture copied into a
 * temporary directory with a resctrl fixture tree laid over it, and a small model of what the kernel
 * does on mkdir and rmdir in resctrl (see tests/fixtures/resctrl/README.md for what it does and does not
 * reproduce).
 */
import { fileURLToPath } from "node:url";
import type { GroupDirectories } from "../../src/platform/resctrl/groups.ts";
import { type HostPaths, hostPathsUnder } from "../../src/platform/host_paths.ts";

export const RESCTRL_SCENARIOS = {
  intel_2s_cdp: "v1_comounted",
  intel_1s_mba_mbps: "hybrid",
  amd_epyc_2s: "v2_unified",
} as const;
export type ResctrlScenario = keyof typeof RESCTRL_SCENARIOS;

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const EVENTS = ["llc_occupancy", "mbm_total_bytes", "mbm_local_bytes"];

export interface ResctrlHost extends AsyncDisposable {
  readonly dir: string;
  readonly paths: HostPaths;
  readonly model: KernelModel;
}

/** A temporary copy of the scenario's host; `await using` removes it. */
export async function resctrlHost(scenario: ResctrlScenario): Promise<ResctrlHost> {
  const dir = await Deno.makeTempDir({ prefix: `wca_resctrl_${scenario}_` });
  const copy = async (from: string) => {
    const out = await new Deno.Command("cp", { args: ["-r", `${from}/.`, dir] }).output();
    if (out.code !== 0) throw new Error(`cp ${from}: ${new TextDecoder().decode(out.stderr)}`);
  };
  await copy(`${FIXTURES}hosts/${RESCTRL_SCENARIOS[scenario]}`);
  await copy(`${FIXTURES}resctrl/${scenario}`);
  const mountLine = await Deno.readTextFile(`${dir}/mountinfo`);
  await Deno.remove(`${dir}/mountinfo`);
  await Deno.remove(`${dir}/README.md`);
  await Deno.writeTextFile(`${dir}/proc/self/mountinfo`, mountLine, { append: true });
  const paths = hostPathsUnder(dir);
  await Deno.mkdir(`${paths.resctrl}/mon_groups`, { recursive: true });
  return {
    dir,
    paths,
    model: new KernelModel(paths.resctrl),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function osError(message: string, errno: number): Error {
  return new Error(`${message} (os error ${errno})`);
}

function readLines(path: string): string[] {
  try {
    return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/** What the kernel does on mkdir/rmdir in resctrl, and when a task id is written (settle()). */
export class KernelModel implements GroupDirectories {
  readonly root: string;
  /** RMIDs freed but still "in limbo": while > 0 and no RMID is free, mkdir fails with EBUSY. */
  limbo = 0;
  /** Where each task id was last seen: control group dir and monitoring group dir. */
  readonly #ctrlOf = new Map<number, string>();
  readonly #monOf = new Map<number, string>();

  constructor(root: string) {
    this.root = root;
  }

  #info(name: string): number | undefined {
    const lines = readLines(`${this.root}/info/${name}`);
    return lines.length ? Number(lines[0]) : undefined;
  }

  #ctrlGroups(): string[] {
    const out: string[] = [];
    for (const e of Deno.readDirSync(this.root)) {
      if (e.isDirectory && !["info", "mon_groups", "mon_data"].includes(e.name)) {
        out.push(`${this.root}/${e.name}`);
      }
    }
    return out;
  }

  #monGroups(ctrl: string): string[] {
    const out: string[] = [];
    try {
      for (const e of Deno.readDirSync(`${ctrl}/mon_groups`)) {
        if (e.isDirectory) out.push(`${ctrl}/mon_groups/${e.name}`);
      }
    } catch {
      // a control group without monitoring
    }
    return out;
  }

  #status(text: string): void {
    Deno.writeTextFileSync(`${this.root}/info/last_cmd_status`, `${text}\n`);
  }

  mkdir(path: string): void {
    const parent = path.slice(0, path.lastIndexOf("/"));
    const isMon = parent.endsWith("/mon_groups");
    if (!isMon && parent !== this.root) throw osError(`mkdir '${path}'`, 1);
    let exists = true;
    try {
      Deno.statSync(path);
    } catch {
      exists = false;
    }
    if (exists) Deno.mkdirSync(path); // fails with EEXIST, as mkdir(2) does before resctrl sees it
    const ctrls = this.#ctrlGroups();
    if (!isMon) {
      const closids = Math.min(
        ...["L3", "L3CODE", "L3DATA", "MB"].map((r) => this.#info(`${r}/num_closids`) ?? Infinity),
      );
      if (ctrls.length + 1 >= closids) {
        this.#status("Out of CLOSIDs");
        throw osError("No space left on device", 28);
      }
    }
    const rmids = this.#info("L3_MON/num_rmids");
    if (rmids !== undefined) {
      const used = 1 + ctrls.length +
        [this.root, ...ctrls].reduce((n, c) => n + this.#monGroups(c).length, 0);
      if (used >= rmids) {
        this.#status(this.limbo > 0 ? "Out of RMIDs (some in limbo)" : "Out of RMIDs");
        throw this.limbo > 0
          ? osError("Device or resource busy", 16)
          : osError("No space left on device", 28);
      }
    }
    Deno.mkdirSync(path);
    Deno.writeTextFileSync(`${path}/tasks`, "");
    Deno.writeTextFileSync(`${path}/cpus`, "0\n");
    Deno.writeTextFileSync(`${path}/cpus_list`, "\n");
    if (rmids !== undefined) {
      for (const e of Deno.readDirSync(`${this.root}/mon_data`)) {
        Deno.mkdirSync(`${path}/mon_data/${e.name}`, { recursive: true });
        for (const event of EVENTS) Deno.writeTextFileSync(`${path}/mon_data/${e.name}/${event}`, "0\n");
      }
    }
    if (!isMon) {
      Deno.copyFileSync(`${this.root}/schemata`, `${path}/schemata`);
      Deno.writeTextFileSync(`${path}/mode`, "shareable\n");
      if (rmids !== undefined) Deno.mkdirSync(`${path}/mon_groups`);
    }
    this.#status("ok");
  }

  rmdir(path: string): void {
    Deno.statSync(path); // ENOENT as the kernel gives it
    const parent = path.slice(0, path.lastIndexOf("/"));
    if (!parent.endsWith("/mon_groups")) {
      // A control group's tasks return to the root group.
      const tasks = readLines(`${path}/tasks`);
      Deno.writeTextFileSync(`${this.root}/tasks`, tasks.map((t) => `${t}\n`).join(""), { append: true });
      for (const t of tasks) this.#ctrlOf.delete(Number(t));
    }
    for (const [id, mon] of this.#monOf) {
      if (mon === path || mon.startsWith(`${path}/`)) this.#monOf.delete(id);
    }
    Deno.removeSync(path, { recursive: true });
    this.#status("ok");
  }

  /**
   * "Writing a task id moves it": ids that appeared in a group's tasks since the last settle() leave the
   * group they were in (siblings for a monitoring group; every other control group, and their
   * monitoring groups, for a control group). Duplicate lines are folded.
   */
  settle(): void {
    for (const ctrl of this.#ctrlGroups()) {
      for (const id of this.#ids(ctrl)) {
        const before = this.#ctrlOf.get(id) ?? this.root;
        if (before === ctrl) continue;
        this.#ctrlOf.set(id, ctrl);
        this.#drop(`${before}/tasks`, id);
        const mon = this.#monOf.get(id);
        if (mon !== undefined) {
          this.#drop(`${mon}/tasks`, id);
          this.#monOf.delete(id);
        }
      }
    }
    for (const ctrl of [this.root, ...this.#ctrlGroups()]) {
      for (const mon of this.#monGroups(ctrl)) {
        for (const id of this.#ids(mon)) {
          const before = this.#monOf.get(id);
          if (before === mon) continue;
          if (before !== undefined) this.#drop(`${before}/tasks`, id);
          this.#monOf.set(id, mon);
        }
      }
    }
  }

  #ids(dir: string): number[] {
    const ids = [...new Set(readLines(`${dir}/tasks`).map(Number))];
    Deno.writeTextFileSync(`${dir}/tasks`, ids.map((id) => `${id}\n`).join(""));
    return ids;
  }

  #drop(file: string, id: number): void {
    const kept = readLines(file).filter((line) => Number(line) !== id);
    Deno.writeTextFileSync(file, kept.map((line) => `${line}\n`).join(""));
  }

  /** Sets one counter of a group, as the hardware would have counted. */
  setCounter(groupDir: string, domain: string, event: string, value: number | string): void {
    Deno.writeTextFileSync(`${groupDir}/mon_data/${domain}/${event}`, `${value}\n`);
  }
}
