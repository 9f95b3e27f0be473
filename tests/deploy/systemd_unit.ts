/**
 * configs/systemd/wca.service as systemd reads it, offline: `systemd-analyze verify` in a private root
 * that holds the unit at /etc/systemd/system, the distribution's units and an executable at the unit's
 * ExecStart path (verify checks that it exists; the packaged wca is not installed on a test host).
 */
import { ROOT } from "../helpers/wca_process.ts";

export const UNIT_PATH = `${ROOT}configs/systemd/wca.service`;
export const UNIT = Deno.readTextFileSync(UNIT_PATH);
const SYSTEM_UNITS = "/usr/lib/systemd/system";

export interface ToolRun {
  code: number;
  output: string;
}

export async function systemdAnalyze(args: string[]): Promise<ToolRun> {
  const out = await new Deno.Command("systemd-analyze", { args, stdout: "piped", stderr: "piped" }).output();
  const decoder = new TextDecoder();
  return { code: out.code, output: (decoder.decode(out.stdout) + decoder.decode(out.stderr)).trim() };
}

/** Directive → its values (a directive may repeat), from the unit's [Service] section. */
export function serviceDirectives(text: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const at = line.indexOf("=");
    const key = line.slice(0, at);
    if (section === "Service") directives.set(key, [...directives.get(key) ?? [], line.slice(at + 1)]);
  }
  return directives;
}

/** A private root for `systemd-analyze --root`: the unit, the units it depends on, its executable. */
export async function withUnitRoot<T>(unit: string, body: (root: string) => Promise<T>): Promise<T> {
  const root = await Deno.makeTempDir({ prefix: "wca-systemd-" });
  try {
    const exec = serviceDirectives(unit).get("ExecStart")?.[0]?.split(" ")[0] ?? "/usr/local/bin/wca";
    for (
      const dir of ["etc/systemd/system", "usr/lib/systemd/system", exec.slice(1, exec.lastIndexOf("/"))]
    ) {
      await Deno.mkdir(`${root}/${dir}`, { recursive: true });
    }
    for (const entry of Deno.readDirSync(SYSTEM_UNITS)) {
      if (entry.isFile) {
        await Deno.copyFile(`${SYSTEM_UNITS}/${entry.name}`, `${root}/usr/lib/systemd/system/${entry.name}`);
      }
    }
    await Deno.writeTextFile(`${root}/etc/systemd/system/wca.service`, unit);
    await Deno.writeTextFile(`${root}/usr/local/bin/wca`, "#!/bin/sh\n", { mode: 0o755 });
    return await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/**
 * What is wrong with `unit`: every line `systemd-analyze verify` prints (it exits 0 on values it ignores,
 * so its silence is the check) and capability names systemd does not know (verify accepts any).
 */
export async function unitProblems(unit: string): Promise<string[]> {
  const verify = await withUnitRoot(
    unit,
    (root) => systemdAnalyze(["verify", `--root=${root}`, "/etc/systemd/system/wca.service"]),
  );
  const problems = verify.output ? verify.output.split("\n") : [];
  if (verify.code !== 0 && !problems.length) problems.push(`systemd-analyze verify exited ${verify.code}`);
  const known = new Set(
    (await systemdAnalyze(["capability"])).output.split("\n").slice(1).map((line) => line.split(/\s+/)[0]),
  );
  const service = serviceDirectives(unit);
  for (const key of ["CapabilityBoundingSet", "AmbientCapabilities"]) {
    for (const name of (service.get(key) ?? []).join(" ").split(/\s+/).filter(Boolean)) {
      if (!known.has(name.replace(/^~/, "").toLowerCase())) {
        problems.push(`${key}: unknown capability ${name}`);
      }
    }
  }
  return problems;
}

/** The system calls a SystemCallFilter= allow list names, its @groups expanded by systemd-analyze. */
export async function allowedSyscalls(filter: string): Promise<Set<string>> {
  const allowed = new Set<string>();
  const pending = filter.split(/\s+/).filter(Boolean);
  const seen = new Set<string>();
  while (pending.length) {
    const item = pending.pop()!;
    if (seen.has(item)) continue;
    seen.add(item);
    if (!item.startsWith("@")) {
      allowed.add(item);
      continue;
    }
    const listing = await systemdAnalyze(["syscall-filter", item]);
    if (listing.code !== 0) throw new Error(`systemd-analyze syscall-filter ${item}: ${listing.output}`);
    for (const line of listing.output.split("\n").slice(1)) {
      const name = line.trim();
      if (name && !name.startsWith("#")) pending.push(name);
    }
  }
  return allowed;
}
