import assert from "node:assert/strict";
import {
  controllerMount,
  discoverCgroupMounts,
  parseMountinfo,
  readCgroupLayout,
  unescapeMountinfo,
} from "../../../src/platform/cgroup/mounts.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { defaultHostPaths, hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { fixturePaths, fixtureRoot } from "../_helpers.ts";

const SPLIT = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

Deno.test("parseMountinfo: fields, optional fields, escapes", () => {
  const [entry] = parseMountinfo(
    "36 35 98:0 /mnt\\0401 /mnt/my\\040disk rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n",
  );
  assert.deepEqual({ ...entry }, {
    mountId: 36,
    parentId: 35,
    majorMinor: "98:0",
    root: "/mnt 1",
    mountPoint: "/mnt/my disk",
    mountOptions: ["rw", "noatime"],
    optionalFields: ["master:1", "shared:2"],
    fsType: "ext3",
    source: "/dev/root",
    superOptions: ["rw", "errors=continue"],
  });
  assert.equal(unescapeMountinfo("a\\011b\\012c\\134d"), "a\tb\nc\\d");
});

Deno.test("parseMountinfo: empty and malformed input", () => {
  assert.deepEqual(parseMountinfo(""), []);
  const table: Array<[string, RegExp]> = [
    ["22 27 0:21 / /proc rw,relatime proc proc rw\n", /^self\/mountinfo:1: expected "id parent/],
    ["22 27 0:21 / /proc rw - proc\n", /^self\/mountinfo:1: expected/],
    ["x 27 0:21 / /proc rw - proc proc rw\n", /^self\/mountinfo:1: expected an integer for mount id/],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parseMountinfo(text),
      (e: unknown) => e instanceof PlatformParseError && message.test(e.message),
      text,
    );
  }
});

Deno.test("discoverCgroupMounts: v1 controllers mounted apart, plus cgroup2 (hybrid)", () => {
  const layout = discoverCgroupMounts(parseMountinfo(SPLIT));
  assert.equal(layout.mode, "hybrid");
  assert.equal(layout.v1.get("cpu")!.mountPoint, "/sys/fs/cgroup/cpu");
  assert.equal(layout.v1.get("cpuacct")!.mountPoint, "/sys/fs/cgroup/cpuacct");
  assert.notEqual(layout.v1.get("cpu"), layout.v1.get("cpuacct"));
  assert.equal(layout.v1.get("name=systemd")!.mountPoint, "/sys/fs/cgroup/systemd");
  assert.equal(layout.unified!.mountPoint, "/sys/fs/cgroup/unified");
  assert.equal(layout.unified!.version, 2);
  assert.equal(controllerMount(layout, "memory")!.version, 1);
  assert.equal(controllerMount(layout, "io"), layout.unified);
});

Deno.test("discoverCgroupMounts: co-mounted controllers share one mount; options are not controllers", () => {
  const layout = discoverCgroupMounts(parseMountinfo(
    "25 24 0:21 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n" +
      "28 24 0:24 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpuacct,cpu\n" +
      "29 24 0:25 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,noprefix,clone_children,cpuset\n",
  ));
  assert.equal(layout.mode, "v1");
  assert.equal(layout.unified, undefined);
  assert.equal(layout.v1.get("cpu"), layout.v1.get("cpuacct"));
  assert.deepEqual(layout.v1.get("cpu")!.controllers, ["cpuacct", "cpu"]);
  assert.deepEqual(layout.v1.get("cpuset")!.controllers, ["cpuset"]);
  assert.deepEqual([...layout.v1.keys()].sort(), ["cpu", "cpuacct", "cpuset", "name=systemd"]);
  assert.equal(controllerMount(layout, "io"), undefined);
});

Deno.test("discoverCgroupMounts: pure cgroup2; duplicates prefer the mount under the cgroup root", () => {
  const v2 = discoverCgroupMounts(parseMountinfo(
    "90 20 0:27 / /var/lib/kubelet/cg rw - cgroup2 cgroup2 rw\n" +
      "33 23 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n" +
      "91 20 0:27 / /other rw - cgroup2 cgroup2 rw\n",
  ));
  assert.equal(v2.mode, "v2");
  assert.equal(v2.v1.size, 0);
  assert.equal(v2.unified!.mountPoint, "/sys/fs/cgroup");
  assert.equal(controllerMount(v2, "memory"), v2.unified);
  // Neither under the root: the first one listed wins.
  const firstWins = discoverCgroupMounts(parseMountinfo(
    "1 0 0:1 / /a rw - cgroup cgroup rw,memory\n2 0 0:1 / /b rw - cgroup cgroup rw,memory\n",
  ));
  assert.equal(firstWins.v1.get("memory")!.mountPoint, "/a");
});

Deno.test("discoverCgroupMounts: a container's view keeps the namespace root", () => {
  const layout = discoverCgroupMounts(parseMountinfo(
    "700 699 0:29 /kubepods/pod1/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n",
  ));
  assert.equal(layout.v1.get("memory")!.root, "/kubepods/pod1/abc");
});

Deno.test("discoverCgroupMounts in a container with --host-root: the host's tree beats the container's own", () => {
  // Docker on cgroup v1 (host cgroup namespace): the container's own cpuacct is its /docker/<id> subtree
  // at /sys/fs/cgroup/cpuacct; the host's whole tree is bind-mounted at /host/sys/fs/cgroup/cpuacct.
  const mountinfo = "800 799 0:30 /docker/abc /sys/fs/cgroup/cpuacct ro - cgroup cgroup rw,cpuacct\n" +
    "900 899 0:30 / /host/sys/fs/cgroup/cpuacct ro - cgroup cgroup rw,cpuacct\n";
  for (const text of [mountinfo, mountinfo.split("\n").reverse().join("\n")]) {
    const layout = discoverCgroupMounts(parseMountinfo(text), hostPathsUnder("/host"));
    assert.equal(layout.v1.get("cpuacct")!.root, "/");
    assert.equal(layout.v1.get("cpuacct")!.mountPoint, "/host/sys/fs/cgroup/cpuacct");
  }
});

Deno.test("discoverCgroupMounts: no cgroup filesystem is an error", () => {
  assert.throws(
    () => discoverCgroupMounts(parseMountinfo("22 27 0:21 / /proc rw - proc proc rw\n")),
    /no cgroup or cgroup2 mount/,
  );
});

Deno.test("discoverCgroupMounts maps mount points into a fixture root", () => {
  const paths = hostPathsUnder("/fx");
  const layout = discoverCgroupMounts(parseMountinfo(SPLIT), paths);
  assert.equal(layout.v1.get("cpuacct")!.mountPoint, "/fx/sys/fs/cgroup/cpuacct");
  assert.equal(layout.v1.get("cpuacct")!.hostMountPoint, "/sys/fs/cgroup/cpuacct");
  assert.equal(layout.unified!.mountPoint, "/fx/sys/fs/cgroup/unified");
});

Deno.test("readCgroupLayout on every fixture: mounts resolve to directories inside the fixture", () => {
  const table = [
    ["v1_split", "hybrid", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/unified"],
    ["v1_comounted", "v1", "/sys/fs/cgroup/cpu,cpuacct", undefined],
    ["v2_unified", "v2", undefined, "/sys/fs/cgroup"],
    ["hybrid", "hybrid", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/unified"],
  ] as const;
  for (const [scenario, mode, cpuacct, unified] of table) {
    const root = fixtureRoot(scenario);
    const layout = readCgroupLayout(fixturePaths(scenario));
    assert.equal(layout.mode, mode, scenario);
    assert.equal(layout.v1.get("cpuacct")?.mountPoint, cpuacct && root + cpuacct, scenario);
    assert.equal(layout.unified?.mountPoint, unified && root + unified, scenario);
    for (const mount of [layout.v1.get("cpuacct"), layout.v1.get("memory"), layout.unified]) {
      if (mount !== undefined) assert.ok(Deno.statSync(mount.mountPoint).isDirectory, mount.mountPoint);
    }
  }
});

Deno.test("readCgroupLayout on this machine finds cpuacct and memory (v1) or cgroup2", () => {
  const layout = readCgroupLayout(defaultHostPaths());
  const cpu = layout.v1.get("cpuacct") ?? layout.unified;
  assert.ok(cpu !== undefined, "a CPU accounting hierarchy");
  assert.ok(Deno.statSync(cpu.mountPoint).isDirectory);
  if (layout.v1.has("cpuacct")) Deno.statSync(`${layout.v1.get("cpuacct")!.mountPoint}/cpuacct.usage`);
  if (layout.unified) Deno.statSync(`${layout.unified.mountPoint}/cgroup.procs`);
});
