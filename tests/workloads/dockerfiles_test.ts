/**
 * A structural check of every workload's Dockerfile (hadolint is not in Debian): pinned base images, the
 * wrapper binary copied from dist/, the wrapper as ENTRYPOINT with a CMD whose flags the wrapper accepts,
 * the published port exposed, a non-root user, slim apt installs, no unchecked downloads by ADD. Also:
 * every folder of workloads/ is in the build list, and its parser is named after it.
 */
import assert from "node:assert/strict";
import { ENTRY_POINTS, WORKLOADS } from "../../.ci/package.ts";
import { parseArgs } from "../../src/wrapper/args.ts";
import type { WorkloadParser } from "../../src/wrapper/mod.ts";
import { ROOT } from "../helpers/wca_process.ts";

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** Index of the build stage (FROM) it belongs to. */
  readonly stage: number;
}

/** Instructions with continuation lines joined and comments dropped. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    const whole = pending + line;
    pending = "";
    const match = /^([A-Za-z]+)\s+(.*)$/.exec(whole);
    assert.ok(match, `not an instruction: ${whole}`);
    const keyword = match[1]!.toUpperCase();
    if (keyword === "FROM") stage++;
    out.push({ keyword, args: match[2]!, stage });
  }
  return out;
}

function execForm(instruction: Instruction | undefined, what: string): string[] {
  assert.ok(instruction, `no ${what}`);
  const value = JSON.parse(instruction.args);
  assert.ok(Array.isArray(value) && value.every((v) => typeof v === "string"), `${what} is not exec form`);
  return value;
}

/** What is wrong with a Dockerfile for workload `name`; empty when nothing. */
export function dockerfileProblems(name: string, text: string): string[] {
  const problems: string[] = [];
  const all = instructions(text);
  const stages: string[] = [];
  for (const from of all.filter((i) => i.keyword === "FROM")) {
    const [image = "", as, alias] = from.args.split(/\s+/);
    if (as?.toUpperCase() === "AS" && alias) stages.push(alias);
    if (stages.includes(image) && image !== alias) continue; // an earlier stage
    const tag = /^[^@]+:([\w][\w.-]*)$/.exec(image)?.[1];
    if (!image.includes("@sha256:") && (tag === undefined || tag === "latest")) {
      problems.push(`FROM ${image}: pin the base image to a version tag or digest`);
    }
  }
  const last = Math.max(...all.map((i) => i.stage));
  const final = all.filter((i) => i.stage === last);
  const binary = `/usr/local/bin/wrapper-${name}`;
  if (
    !final.some((i) =>
      i.keyword === "COPY" && i.args.split(/\s+/).join(" ") === `dist/wrapper-${name} ${binary}`
    )
  ) {
    problems.push(`the final image must COPY dist/wrapper-${name} ${binary}`);
  }
  const entrypoint = execForm(final.findLast((i) => i.keyword === "ENTRYPOINT"), "ENTRYPOINT");
  if (entrypoint.join(" ") !== binary) problems.push(`ENTRYPOINT must be ["${binary}"]`);
  const cmd = execForm(final.findLast((i) => i.keyword === "CMD"), "CMD");
  const parsed = parseArgs(cmd); // throws UsageError for a flag the wrapper refuses
  assert.equal(parsed.kind, "run");
  const options = (parsed as Extract<typeof parsed, { kind: "run" }>).options;
  if (options.prometheusIp !== "0.0.0.0") {
    problems.push("CMD must pass --prometheus_ip 0.0.0.0 (loopback is unreachable from outside)");
  }
  const exposed = final.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.args.split(/\s+/));
  if (!exposed.includes(String(options.prometheusPort))) {
    problems.push(`EXPOSE ${options.prometheusPort} (the wrapper's port)`);
  }
  const user = final.findLast((i) => i.keyword === "USER")?.args.split(":")[0];
  if (user === undefined || user === "root" || user === "0") {
    problems.push("the final image must run as a non-root USER");
  }
  for (const run of all.filter((i) => i.keyword === "RUN")) {
    if (/apt-get install/.test(run.args) && !/--no-install-recommends/.test(run.args)) {
      problems.push(`apt-get install without --no-install-recommends: ${run.args}`);
    }
    if (
      run.stage === last && /apt-get update/.test(run.args) && !/rm -rf \/var\/lib\/apt\/lists/.test(run.args)
    ) {
      problems.push(`apt lists left in the final image: ${run.args}`);
    }
  }
  for (const add of all.filter((i) => i.keyword === "ADD")) {
    if (/https?:\/\//.test(add.args) && !/--checksum=/.test(add.args)) {
      problems.push(`ADD of a URL without --checksum: ${add.args}`);
    }
  }
  return problems;
}

Deno.test("every folder of workloads/ is in the build list, with a parser named after it", async () => {
  const folders = [...Deno.readDirSync(`${ROOT}workloads`)].filter((e) => e.isDirectory).map((e) => e.name)
    .sort();
  assert.deepEqual(folders, [...WORKLOADS].sort());
  for (const name of WORKLOADS) {
    const entry = ENTRY_POINTS.find((e) => e.name === `wrapper-${name}`);
    assert.equal(entry?.source, `workloads/${name}/parser.ts`);
    const module = await import(`../../workloads/${name}/parser.ts`) as { parser: WorkloadParser };
    assert.equal(module.parser.name, name);
  }
});

for (const name of WORKLOADS) {
  Deno.test(`workloads/${name}/Dockerfile passes the structural check`, () => {
    const text = Deno.readTextFileSync(`${ROOT}workloads/${name}/Dockerfile`);
    assert.deepEqual(dockerfileProblems(name, text), []);
  });
}

const BROKEN: ReadonlyArray<[string, string, RegExp]> = [
  ["unpinned base", "FROM debian\n", /pin the base image/],
  ["latest tag", "FROM debian:latest\n", /pin the base image/],
  ["no wrapper copied", "FROM debian:12.6-slim\n", /must COPY dist\/wrapper-x/],
  ["entrypoint is not the wrapper", 'FROM debian:12.6-slim\nENTRYPOINT ["/bin/sh"]\n', /ENTRYPOINT must be/],
  ["root", "FROM debian:12.6-slim\nUSER root\n", /non-root USER/],
  ["loopback only", 'FROM debian:12.6-slim\nCMD ["--command", "x"]\n', /--prometheus_ip 0\.0\.0\.0/],
  [
    "port not exposed",
    'FROM debian:12.6-slim\nCMD ["--command", "x", "--prometheus_ip", "0.0.0.0"]\n',
    /EXPOSE 8080/,
  ],
  [
    "fat apt",
    "FROM debian:12.6-slim\nRUN apt-get update && apt-get install -y x\n",
    /--no-install-recommends[\s\S]*apt lists left/,
  ],
  [
    "unchecked download",
    "FROM debian:12.6-slim\nADD https://example.com/x.tgz /x\n",
    /ADD of a URL without --checksum/,
  ],
];

for (const [what, text, expected] of BROKEN) {
  Deno.test(`the structural check catches: ${what}`, () => {
    const full = text + (text.includes("CMD") ? "" : 'CMD ["--command", "x"]\n') +
      (text.includes("ENTRYPOINT") ? "" : 'ENTRYPOINT ["/usr/local/bin/wrapper-x"]\n');
    assert.match(dockerfileProblems("x", full).join("\n"), expected);
  });
}
