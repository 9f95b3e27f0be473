import assert from "node:assert/strict";
import { parseProcCgroups, readProcCgroups } from "../../../src/platform/procfs/cgroups.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths, hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { fixtureRoot } from "../_helpers.ts";

const FRESH = `#subsys_name\thierarchy\tnum_cgroups\tenabled
cpuset\t3\t1\t1
cpu\t1\t1\t1
perf_event\t0\t1\t1
hugetlb\t0\t1\t0
`;

Deno.test("parseProcCgroups: hierarchy 0 means bound to no v1 hierarchy; enabled flag; header skipped", () => {
  const controllers = parseProcCgroups(FRESH);
  assert.deepEqual([...controllers.keys()], ["cpuset", "cpu", "perf_event", "hugetlb"]);
  assert.deepEqual({ ...controllers.get("perf_event") }, {
    name: "perf_event",
    hierarchy: 0,
    numCgroups: 1,
    enabled: true,
  });
  assert.equal(controllers.get("cpuset")?.hierarchy, 3);
  assert.equal(controllers.get("hugetlb")?.enabled, false);
  assert.equal(parseProcCgroups("").size, 0, "empty: no controllers");
  assert.equal(
    parseProcCgroups("perf_event 2 5 1\n").get("perf_event")?.hierarchy,
    2,
    "spaces as separators",
  );
});

Deno.test("parseProcCgroups: malformed lines name the file and line", () => {
  const cases: ReadonlyArray<[string, RegExp]> = [
    ["#subsys_name\nperf_event 0 1\n", /^cgroups:2: expected "name hierarchy num_cgroups enabled"/],
    ["perf_event x 1 1\n", /^cgroups:1: expected an integer for the hierarchy of perf_event, got "x"/],
    ["cpu 1 1 1\nmemory 2 -- 1\n", /^cgroups:2: expected an integer for the cgroup count of memory/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseProcCgroups(text),
      (e: Error) => e instanceof PlatformParseError && message.test(e.message),
    );
  }
});

Deno.test("readProcCgroups: the host's own file, as parsed; a tree without the file gives undefined", () => {
  // What this kernel lists (or, on a kernel without /proc/cgroups, nothing), never a given controller.
  let text: string | undefined;
  try {
    text = Deno.readTextFileSync("/proc/cgroups");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const real = readProcCgroups(defaultHostPaths());
  // num_cgroups moves while other tests make and remove cgroups: compared apart from it.
  const steady = (table: ReturnType<typeof parseProcCgroups> | undefined) =>
    table && new Map([...table].map(([name, row]) => [name, { ...row, numCgroups: 0 }]));
  assert.deepEqual(steady(real), text === undefined ? undefined : steady(parseProcCgroups(text)));
  for (const row of real?.values() ?? []) assert.ok(Number.isInteger(row.numCgroups) && row.numCgroups >= 1);
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/proc`);
    assert.equal(readProcCgroups(hostPathsUnder(dir)), undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  assert.equal(readProcCgroups(hostPathsUnder(fixtureRoot("v2_unified")))?.get("perf_event")?.hierarchy, 0);
});
