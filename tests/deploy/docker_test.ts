/**
 * The container images on the real dockerd: the agent image and the stress-ng workload image build from
 * what `deno task package` produces (on a base made from the Debian mirror when no registry answers);
 * the workload container serves stress-ng's figures; the agent container, run as a DaemonSet runs it
 * (host PID namespace, the host's /proc, /sys and cgroups read-only under /host, read-only root, every
 * capability dropped, non-root), measures the workload container's cgroup and names it after the
 * container when given the Docker socket.
 */
import { withPerfBindingLock } from "../helpers/perf_cgroup.ts";
import assert from "node:assert/strict";
import { buildImage, IMAGES } from "../../.ci/images.ts";
import { docker, dockerOk, ensureDockerd } from "../helpers/docker.ts";
import { packageInto } from "../helpers/packaged.ts";
import { waitFor, withCpuLoadLock } from "../helpers/stress.ts";
import { ROOT } from "../helpers/wca_process.ts";

const suffix = `${Deno.pid}-${crypto.randomUUID().slice(0, 6)}`;

/** Builds both images (or finds them by their content hash) once for the tests of this file. */
const images = (async () => {
  await ensureDockerd();
  const packaged = await packageInto(["wca", "wrapper-stress-ng"]);
  try {
    const spec = (name: string) => IMAGES.find((image) => image.name === name)!;
    return {
      agent: (await buildImage(spec("wca-agent"), packaged, ROOT)).tag,
      stress: (await buildImage(spec("wca-stress-ng"), packaged, ROOT)).tag,
    };
  } finally {
    await Deno.remove(packaged, { recursive: true });
  }
})();

async function containerIp(name: string): Promise<string> {
  const ip = await dockerOk("inspect", "--format", "{{.NetworkSettings.IPAddress}}", name);
  assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/, `${name} has an address`);
  return ip;
}

async function scrape(url: string, wanted: RegExp, what: string, timeoutMs: number): Promise<string> {
  return await waitFor(what, timeoutMs, async () => {
    try {
      const response = await fetch(url);
      const text = await response.text();
      return response.status === 200 && wanted.test(text) ? text : undefined;
    } catch {
      return undefined; // not listening yet
    }
  }, 500);
}

/** The DaemonSet's view of the host: its PID namespace, its filesystems read-only under /host. */
const DAEMONSET_FLAGS = [
  "--pid",
  "host",
  "--read-only",
  "--cap-drop",
  "ALL",
  "--security-opt",
  "no-new-privileges",
  "-v",
  "/proc:/host/proc:ro",
  "-v",
  "/sys:/host/sys:ro",
];

async function withContainers<T>(body: (names: string[]) => Promise<T>): Promise<T> {
  const names: string[] = [];
  try {
    return await body(names);
  } finally {
    for (const name of names) {
      const removed = await docker("rm", "-f", name);
      if (removed.code !== 0) console.error(`docker rm -f ${name}: ${removed.err}`);
    }
  }
}

Deno.test("images: the stress-ng workload container serves its figures; the agent container, as a DaemonSet runs it, measures it and names it", async () => {
  const { agent, stress } = await images;
  // The workload container keeps a CPU busy: not while another test measures CPU load. And runc puts a
  // container into every mounted v1 hierarchy: while one runs, a perf test could not unmount its perf_event
  // hierarchy (the container's cgroup in it is busy), so containers live under the perf binding lock.
  await withPerfBindingLock(() =>
    withCpuLoadLock(() =>
      withContainers(async (names) => {
        const workload = `wca-test-stress-${suffix}`;
        names.push(workload);
        const id = await dockerOk(
          "run",
          "-d",
          "--name",
          workload,
          "--label",
          "com.example.team=perf",
          stress,
        );
        const workloadIp = await containerIp(workload);
        const apms = await scrape(
          `http://${workloadIp}:8080/`,
          /^stress_ng_bogo_ops\{/m,
          "stress-ng's bogo ops from the workload container",
          60_000,
        );
        assert.match(apms, /^stress_ng_bogo_ops\{cores="1",stressor="cpu",workload="stress-ng"\} \d+/m);

        // Non-root, no capabilities: cgroup and /proc files are world-readable. The socket's group lets the
        // agent ask the daemon for container names, nothing more.
        const socketGid = String(Deno.statSync("/var/run/docker.sock").gid);
        const daemonSet = `wca-test-agent-${suffix}`;
        names.push(daemonSet);
        await dockerOk(
          "run",
          "-d",
          "--name",
          daemonSet,
          ...DAEMONSET_FLAGS,
          "--group-add",
          socketGid,
          "-v",
          "/var/run/docker.sock:/var/run/docker.sock:ro",
          agent,
        );
        const agentIp = await containerIp(daemonSet);
        const task = new RegExp(
          `^task_cpu_usage_seconds\\{[^}]*task_id="/docker/${id}"[^}]*\\} [0-9.e+-]+$`,
          "m",
        );
        const metrics = await scrape(
          `http://${agentIp}:9192/metrics`,
          task,
          "the workload container's cgroup in the agent's metrics",
          60_000,
        ).catch(async (error) => {
          throw new Error(`${error.message}\nagent log:\n${(await docker("logs", daemonSet)).err}`);
        });
        const line = task.exec(metrics)![0];
        assert.match(line, new RegExp(`task_name="${workload}"`));
        assert.match(line, new RegExp(`container_name="${workload}"`));
        assert.match(line, new RegExp(`container_id="${id}"`));
        assert.match(line, new RegExp(`image="${stress}"`));
        assert.match(line, /com_example_team="perf"/);
        const user = await dockerOk("exec", daemonSet, "id", "-u");
        assert.equal(user, "65534", "the agent image runs as nobody by default");
      })
    )
  );
});
