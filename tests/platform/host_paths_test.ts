import assert from "node:assert/strict";
import { defaultHostPaths, hostPathsUnder, mapHostPath } from "../../src/platform/host_paths.ts";

Deno.test("default host paths are the kernel's mount points", () => {
  assert.deepEqual({ ...defaultHostPaths() }, {
    proc: "/proc",
    sys: "/sys",
    cgroup: "/sys/fs/cgroup",
    resctrl: "/sys/fs/resctrl",
  });
  assert.ok(Object.isFrozen(defaultHostPaths()));
});

Deno.test("hostPathsUnder re-roots every path, with or without a trailing slash", () => {
  for (const root of ["/tmp/host", "/tmp/host/"]) {
    assert.deepEqual({ ...hostPathsUnder(root) }, {
      proc: "/tmp/host/proc",
      sys: "/tmp/host/sys",
      cgroup: "/tmp/host/sys/fs/cgroup",
      resctrl: "/tmp/host/sys/fs/resctrl",
    });
  }
  assert.deepEqual(hostPathsUnder("/"), defaultHostPaths());
});

Deno.test("mapHostPath maps host paths onto the most specific root", () => {
  const paths = { proc: "/h/proc", sys: "/h/sys", cgroup: "/c", resctrl: "/r" };
  const table: Array<[string, string]> = [
    ["/sys/fs/cgroup", "/c"],
    ["/sys/fs/cgroup/cpu,cpuacct", "/c/cpu,cpuacct"],
    ["/sys/fs/resctrl/info", "/r/info"],
    ["/sys/devices", "/h/sys/devices"],
    ["/proc/self/mountinfo", "/h/proc/self/mountinfo"],
    ["/sys/fs/cgroupx", "/h/sys/fs/cgroupx"], // a prefix of a name is not a parent directory
    ["/cgroup/memory", "/cgroup/memory"], // outside every root: unchanged
  ];
  for (const [hostPath, expected] of table) assert.equal(mapHostPath(hostPath, paths), expected, hostPath);
  assert.equal(mapHostPath("/sys/fs/cgroup/memory", defaultHostPaths()), "/sys/fs/cgroup/memory");
});

Deno.test("only host_paths.ts spells out the kernel mount points in src/platform", () => {
  const offenders: string[] = [];
  const literal = /["'`]\/(?:proc|sys)(?:\/|["'`])/;
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (path.endsWith(".ts") && !path.endsWith("/host_paths.ts")) {
        if (literal.test(Deno.readTextFileSync(path))) offenders.push(path);
      }
    }
  };
  walk(new URL("../../src/platform", import.meta.url).pathname);
  assert.deepEqual(offenders, []);
});
