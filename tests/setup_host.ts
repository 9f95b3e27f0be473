/**
 * Run by `deno task test` before the tests: makes sure the real peers the tests use are installed.
 * Installs missing Debian packages when running as root; otherwise fails with what to install.
 * It never lets a test skip for want of a tool.
 */
const REQUIRED: ReadonlyArray<{ command: string; pkg: string; why: string }> = [
  { command: "promtool", pkg: "prometheus", why: "checks our Prometheus text; a real server scrapes us" },
  {
    command: "prometheus-node-exporter",
    pkg: "prometheus-node-exporter",
    why: "reads our textfile-collector output",
  },
  { command: "stress-ng", pkg: "stress-ng", why: "a real workload whose CPU and memory the agent measures" },
  {
    command: "gcc",
    pkg: "gcc",
    why: "compiles the kernel-header program perf_event_attr bytes are checked against",
  },
  {
    command: "openssl",
    pkg: "openssl",
    why: "makes the throw-away PKI of the TLS tests (!SSL, kubelet, API server, Mesos agent)",
  },
  {
    command: "dockerd",
    pkg: "docker.io",
    why: "builds and runs the agent and workload images (tests/deploy/docker_test.ts) and names containers",
  },
  {
    command: "systemd-analyze",
    pkg: "systemd",
    why: "verifies the systemd unit and scores its exposure (tests/deploy/systemd_unit_test.ts)",
  },
  {
    command: "mmdebstrap",
    pkg: "mmdebstrap",
    why: "makes the Debian base image from the mirror when no container registry answers",
  },
  {
    command: "strace",
    pkg: "strace",
    why: "lists the system calls the agent makes, against the systemd unit's SystemCallFilter",
  },
  {
    command: "kcat",
    pkg: "kcat",
    why: "reads back what KafkaStorage sent and produces for the Kafka consumer",
  },
];

/** Headers the tests compile against, by file: gcc alone does not bring the kernel's uapi headers. */
const REQUIRED_FILES: ReadonlyArray<{ path: string; pkg: string; why: string }> = [
  {
    path: "/usr/include/linux/perf_event.h",
    pkg: "linux-libc-dev",
    why: "kernel header for the perf_event_attr byte test",
  },
  {
    path: "/usr/include/librdkafka/rdkafka_mock.h",
    pkg: "librdkafka-dev",
    why: "librdkafka's mock cluster: the Kafka broker of the tests (tests/helpers/kafka_mock.c)",
  },
];

function has(command: string): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${command}`).isFile) return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

async function apt(args: string[]): Promise<boolean> {
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const { code } = await new Deno.Command("apt-get", { args, env, stdout: "null", stderr: "inherit" })
    .output();
  return code === 0;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

const missing = [
  ...REQUIRED.filter((tool) => !has(tool.command)),
  ...REQUIRED_FILES.filter((file) => !exists(file.path)).map((file) => ({
    command: file.path,
    pkg: file.pkg,
    why: file.why,
  })),
];
if (missing.length) {
  const packages = [...new Set(missing.map((tool) => tool.pkg))];
  const list = missing.map((tool) => `  ${tool.command} (Debian package ${tool.pkg}): ${tool.why}`).join(
    "\n",
  );
  if (Deno.uid() !== 0) {
    console.error(
      `The tests need these tools, and installing them needs root:\n${list}\n` +
        `Install them with: sudo apt-get install ${packages.join(" ")}`,
    );
    Deno.exit(1);
  }
  console.error(`Installing ${packages.join(", ")} for the tests...`);
  const ok = await apt(["update", "-qq"]) &&
    await apt(["install", "-y", "-qq", "--no-install-recommends", ...packages]);
  const still = [
    ...REQUIRED.filter((tool) => !has(tool.command)),
    ...REQUIRED_FILES.filter((file) => !exists(file.path)),
  ];
  if (!ok || still.length) {
    console.error(`Could not install the tools the tests need:\n${list}`);
    Deno.exit(1);
  }
}
