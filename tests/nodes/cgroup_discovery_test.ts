import assert from "node:assert/strict";
import { describeDiscovery, type DiscoveryFacts } from "../../src/nodes/cgroup_discovery.ts";

const BASE: DiscoveryFacts = {
  mountPoint: "/sys/fs/cgroup/cpuacct",
  present: ["/system.slice"],
  missing: ["/docker", "/machine.slice"],
  depth: 1,
  candidates: 3,
  matched: 3,
  tasks: 2,
  requirePids: true,
  filtered: false,
  topLevel: [],
};

Deno.test("describeDiscovery: what was found, and why nothing was", () => {
  const cases: ReadonlyArray<readonly [string, Partial<DiscoveryFacts>, boolean, string]> = [
    [
      "tasks found, one parent missing",
      {},
      true,
      "2 tasks: cgroups with processes 1 level below /system.slice in /sys/fs/cgroup/cpuacct; " +
      "missing: /docker, /machine.slice",
    ],
    [
      "one task, all parents there, no pids required, filtered, depth 2",
      {
        present: ["/a", "/b"],
        missing: [],
        tasks: 1,
        requirePids: false,
        filtered: true,
        depth: 2,
      },
      true,
      "1 task: cgroups that match include/exclude 2 levels below /a, /b in /sys/fs/cgroup/cpuacct",
    ],
    [
      "no parent exists: the top-level cgroups are named",
      {
        present: [],
        missing: ["/system.slice", "/docker"],
        candidates: 0,
        matched: 0,
        tasks: 0,
        topLevel: ["a", "b", "c", "d", "e", "f", "g"],
      },
      false,
      "no tasks: none of the parents exists in /sys/fs/cgroup/cpuacct (/system.slice, /docker); its top-level " +
      "cgroups are /a, /b, /c, /d, /e and 2 more. Set CgroupNode's parents to the cgroups whose children are tasks",
    ],
    [
      "no parent exists on a hierarchy without child cgroups",
      { present: [], missing: ["/docker"], candidates: 0, matched: 0, tasks: 0 },
      false,
      "no tasks: none of the parents exists in /sys/fs/cgroup/cpuacct (/docker); it has no child cgroups. " +
      "Set CgroupNode's parents to the cgroups whose children are tasks",
    ],
    [
      "parents exist, nothing at that depth",
      { candidates: 0, matched: 0, tasks: 0, depth: 3 },
      false,
      "no tasks: no cgroup 3 levels below /system.slice in /sys/fs/cgroup/cpuacct; missing: /docker, /machine.slice",
    ],
    [
      "every cgroup filtered out",
      { matched: 0, tasks: 0, filtered: true, missing: [] },
      false,
      "no tasks: 3 cgroups 1 level below /system.slice in /sys/fs/cgroup/cpuacct, none matches include/exclude",
    ],
    [
      "cgroups without processes",
      { matched: 1, tasks: 0, missing: [] },
      false,
      "no tasks: 1 cgroup 1 level below /system.slice in /sys/fs/cgroup/cpuacct, none with processes " +
      "(require_pids: true)",
    ],
  ];
  for (const [name, change, found, message] of cases) {
    const report = describeDiscovery({ ...BASE, ...change });
    assert.equal(report.message, `CgroupNode: ${message}`, name);
    assert.equal(report.found, found, name);
  }
});

Deno.test("describeDiscovery: the key changes with the reason and the parents, not with the task count", () => {
  const key = (change: Partial<DiscoveryFacts>) => describeDiscovery({ ...BASE, ...change }).key;
  assert.equal(key({ tasks: 2 }), key({ tasks: 3, candidates: 5, matched: 5 }), "only the count changed");
  assert.notEqual(key({}), key({ tasks: 0 }), "tasks gone");
  assert.notEqual(key({ tasks: 0 }), key({ matched: 0, tasks: 0 }), "another reason for none");
  assert.notEqual(key({}), key({ present: ["/system.slice", "/docker"], missing: ["/machine.slice"] }));
});
