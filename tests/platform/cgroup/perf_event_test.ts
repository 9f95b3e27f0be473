import assert from "node:assert/strict";
import {
  discoverCgroupMounts,
  parseMountinfo,
  readCgroupLayout,
} from "../../../src/platform/cgroup/mounts.ts";
import { placePerfEvent } from "../../../src/platform/cgroup/perf_event.ts";
import { parseProcCgroups, readProcCgroups } from "../../../src/platform/procfs/cgroups.ts";
import { hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { fixturePaths } from "../_helpers.ts";

Deno.test("placePerfEvent on the fixture hosts: v1 where perf_event is mounted, cgroup2 where it is bound to none", () => {
  const expected = {
    v1_split: { kind: "v2", root: "/sys/fs/cgroup/unified", hybrid: true },
    v1_comounted: { kind: "v1", root: "/sys/fs/cgroup/perf_event" },
    v2_unified: { kind: "v2", root: "/sys/fs/cgroup", hybrid: false },
    hybrid: { kind: "v1", root: "/sys/fs/cgroup/perf_event" },
  } as const;
  for (const [scenario, placement] of Object.entries(expected)) {
    const paths = fixturePaths(scenario as keyof typeof expected);
    const got = placePerfEvent(readCgroupLayout(paths), readProcCgroups(paths));
    const root = "root" in got ? got.root.slice(paths.cgroup.length - "/sys/fs/cgroup".length) : undefined;
    assert.deepEqual({ ...got, ...(root ? { root } : {}) }, placement, scenario);
  }
});

const HYBRID_MOUNTS = `30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const V1_ONLY_MOUNTS = `30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
`;
const WITH_PERF_V1 = HYBRID_MOUNTS +
  "41 30 0:38 / /sys/fs/cgroup/perf_event rw - cgroup cgroup rw,perf_event\n";

Deno.test("placePerfEvent: every binding state, including the ones that leave nothing to count", () => {
  const paths = hostPathsUnder("/");
  const layout = (mounts: string) => discoverCgroupMounts(parseMountinfo(mounts), paths);
  const cgroups = (perf: string | undefined) =>
    parseProcCgroups(`#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuacct\t2\t1\t1\n${perf ?? ""}`);
  const cases: ReadonlyArray<
    { name: string; mounts: string; perf: string | undefined; want: RegExp | object }
  > = [
    {
      name: "mounted as v1",
      mounts: WITH_PERF_V1,
      perf: "perf_event\t11\t1\t1\n",
      want: { kind: "v1", root: "/sys/fs/cgroup/perf_event" },
    },
    {
      name: "fresh hybrid host: bound to no hierarchy",
      mounts: HYBRID_MOUNTS,
      perf: "perf_event\t0\t1\t1\n",
      want: { kind: "v2", root: "/sys/fs/cgroup/unified", hybrid: true },
    },
    {
      name: "bound to a v1 hierarchy that is no longer mounted",
      mounts: HYBRID_MOUNTS,
      perf: "perf_event\t11\t3\t1\n",
      want: /^mount: the perf_event controller is bound to v1 hierarchy 11, which is not mounted here/,
    },
    {
      name: "kernel without the controller",
      mounts: HYBRID_MOUNTS,
      perf: undefined,
      want: /^no mount: this kernel has no perf_event cgroup controller .*CONFIG_CGROUP_PERF/,
    },
    {
      name: "disabled on the kernel command line",
      mounts: HYBRID_MOUNTS,
      perf: "perf_event\t0\t1\t0\n",
      want: /^no mount: the perf_event cgroup controller is disabled .*cgroup_disable=perf_event/,
    },
    {
      name: "v1-only host, perf_event not mounted",
      mounts: V1_ONLY_MOUNTS,
      perf: "perf_event\t0\t1\t1\n",
      want: /^mount: perf_event is bound to no v1 hierarchy and no cgroup2 hierarchy is mounted$/,
    },
  ];
  for (const c of cases) {
    const got = placePerfEvent(layout(c.mounts), cgroups(c.perf));
    if (c.want instanceof RegExp) {
      assert.equal(got.kind, "unavailable", c.name);
      if (got.kind !== "unavailable") continue;
      assert.match(`${got.mountHelps ? "mount" : "no mount"}: ${got.reason}`, c.want, c.name);
    } else {
      assert.deepEqual(got, c.want, c.name);
    }
  }
  assert.deepEqual(
    placePerfEvent(layout(HYBRID_MOUNTS), undefined),
    { kind: "v2", root: "/sys/fs/cgroup/unified", hybrid: true },
    "without /proc/cgroups the mounts alone decide",
  );
});
