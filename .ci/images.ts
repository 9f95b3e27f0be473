/**
 * `deno task images [NAME…]`: the container images, built from what `deno task package` produces.
 *
 *   wca-debian:12           the base: the registry's debian:12-slim where one answers, else made from the
 *                           Debian mirror with mmdebstrap and `docker import`
 *   wca-agent:<hash>        deploy/docker/Dockerfile, the agent for a DaemonSet (also tagged :latest and
 *                           :<version>, the tag deploy/kubernetes/wca.yaml names)
 *   wca-<workload>:<hash>   workloads/<workload>/Dockerfile, each workload with its wrapper
 *
 * The tag is a hash of the build context (Dockerfile, packaged executables, files) and the base image:
 * an unchanged image is not rebuilt, a changed one always is.
 */
import denoJson from "../deno.json" with { type: "json" };
import { packageInto, WORKLOADS } from "./package.ts";
import { sha256Hex } from "./self_extracting.ts";

export const BASE_IMAGE = "wca-debian:12";
const REGISTRY_BASE = "debian:12-slim";
const SUITE = "bookworm";

export interface ImageSpec {
  /** Repository name of the image (`wca-agent`, `wca-stress-ng` …), also what `deno task images` takes. */
  readonly name: string;
  readonly dockerfile: string;
  /** Packaged executables the Dockerfile copies from dist/. */
  readonly packaged: readonly string[];
  /** Repository files the Dockerfile copies, at the same paths in the context. */
  readonly files: readonly string[];
}

export const IMAGES: readonly ImageSpec[] = [
  {
    name: "wca-agent",
    dockerfile: "deploy/docker/Dockerfile",
    packaged: ["wca"],
    files: ["deploy/docker/wca.yaml"],
  },
  ...WORKLOADS.map((workload) => ({
    name: `wca-${workload.replaceAll("_", "-")}`,
    dockerfile: `workloads/${workload}/Dockerfile`,
    packaged: [`wrapper-${workload}`],
    files: [],
  })),
];

const decoder = new TextDecoder();

async function docker(
  args: string[],
  input?: ReadableStream<Uint8Array>,
): Promise<{ code: number; out: string; err: string }> {
  const child = new Deno.Command("docker", {
    args,
    stdin: input ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input) await input.pipeTo(child.stdin);
  const output = await child.output();
  return {
    code: output.code,
    out: decoder.decode(output.stdout).trim(),
    err: decoder.decode(output.stderr).trim(),
  };
}

async function imageId(reference: string): Promise<string | undefined> {
  const inspect = await docker(["image", "inspect", "--format", "{{.Id}}", reference]);
  return inspect.code === 0 ? inspect.out : undefined;
}

/** The base image's id: present already, pulled from a registry, or made from the Debian mirror. */
export async function ensureBaseImage(log: (line: string) => void = console.log): Promise<string> {
  // One maker at a time on this machine: a second build (a parallel test) waits and then finds it.
  const lock = await Deno.open("/tmp/wca-base-image.lock", { create: true, write: true });
  try {
    await lock.lock(true);
    return await ensureBaseImageLocked(log);
  } finally {
    lock.close();
  }
}

async function ensureBaseImageLocked(log: (line: string) => void): Promise<string> {
  const present = await imageId(BASE_IMAGE);
  if (present) return present;
  const pull = await docker(["pull", REGISTRY_BASE]);
  if (pull.code === 0) {
    await docker(["tag", REGISTRY_BASE, BASE_IMAGE]);
    log(`${BASE_IMAGE}: ${REGISTRY_BASE} from the registry`);
  } else {
    log(`${BASE_IMAGE}: no registry (${pull.err.split("\n").at(-1)}); making it from the Debian mirror`);
    await importFromMirror();
  }
  const id = await imageId(BASE_IMAGE);
  if (!id) throw new Error(`${BASE_IMAGE} was not created`);
  return id;
}

/** mmdebstrap's minbase (apt, dpkg, coreutils, gzip) without docs, streamed into `docker import`. */
async function importFromMirror(): Promise<void> {
  const mirror = Deno.env.get("WCA_DEBIAN_MIRROR") ?? "http://deb.debian.org/debian";
  const security = Deno.env.get("WCA_DEBIAN_SECURITY_MIRROR") ?? "http://deb.debian.org/debian-security";
  const strap = new Deno.Command("mmdebstrap", {
    args: [
      "--quiet",
      "--variant=minbase",
      "--include=ca-certificates",
      "--dpkgopt=path-exclude=/usr/share/doc/*",
      "--dpkgopt=path-include=/usr/share/doc/*/copyright",
      "--dpkgopt=path-exclude=/usr/share/man/*",
      "--dpkgopt=path-exclude=/usr/share/locale/*",
      SUITE,
      "-",
      `deb ${mirror} ${SUITE} main`,
      `deb ${mirror} ${SUITE}-updates main`,
      `deb ${security} ${SUITE}-security main`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(strap.stderr).text();
  const imported = docker(
    [
      "import",
      "--change",
      'CMD ["bash"]',
      "--message",
      `mmdebstrap ${SUITE} from ${mirror}`,
      "-",
      BASE_IMAGE,
    ],
    strap.stdout,
  );
  const [status, result] = await Promise.all([strap.status, imported]);
  if (!status.success) throw new Error(`mmdebstrap failed (exit ${status.code}): ${await stderr}`);
  if (result.code !== 0) throw new Error(`docker import failed: ${result.err}`);
}

export interface BuiltImage {
  readonly tag: string;
  /** False when an image with this content hash existed already. */
  readonly built: boolean;
  readonly seconds: number;
  readonly bytes: number;
}

/** Builds `spec` from a context holding only what its Dockerfile copies, tagged by the context's hash. */
export async function buildImage(spec: ImageSpec, packagedDir: string, root: string): Promise<BuiltImage> {
  const baseId = await ensureBaseImage();
  const context = await Deno.makeTempDir({ prefix: `${spec.name}-context-` });
  try {
    const entries: Array<[string, string]> = [
      [spec.dockerfile, `${root}/${spec.dockerfile}`],
      ...spec.files.map((file): [string, string] => [file, `${root}/${file}`]),
      ...spec.packaged.map((name): [string, string] => [`dist/${name}`, `${packagedDir}/${name}`]),
    ];
    const hashes = [`base ${baseId}`];
    for (const [inContext, source] of entries) {
      const target = `${context}/${inContext}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.copyFile(source, target);
      hashes.push(`${inContext} ${await sha256Hex(await Deno.readFile(target))}`);
    }
    const tag = `${spec.name}:${(await sha256Hex(new TextEncoder().encode(hashes.join("\n")))).slice(0, 16)}`;
    const started = performance.now();
    let built = false;
    if (!(await imageId(tag))) {
      const build = await docker([
        "build",
        "--quiet",
        "-f",
        `${context}/${spec.dockerfile}`,
        "-t",
        tag,
        context,
      ]);
      if (build.code !== 0) throw new Error(`docker build of ${spec.name} failed:\n${build.err}`);
      built = true;
    }
    const seconds = (performance.now() - started) / 1000;
    const size = await docker(["image", "inspect", "--format", "{{.Size}}", tag]);
    return { tag, built, seconds, bytes: Number(size.out) };
  } finally {
    await Deno.remove(context, { recursive: true });
  }
}

if (import.meta.main) {
  const names = Deno.args;
  const specs = IMAGES.filter((spec) => names.length === 0 || names.includes(spec.name));
  const unknown = names.filter((name) => !IMAGES.some((spec) => spec.name === name));
  if (unknown.length) {
    console.error(`unknown image ${unknown.join(", ")}; known: ${IMAGES.map((spec) => spec.name).join(" ")}`);
    Deno.exit(2);
  }
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const started = performance.now();
  await ensureBaseImage();
  console.log(`${BASE_IMAGE} ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const packaged = await packageInto(specs.flatMap((spec) => spec.packaged));
  let failed = 0;
  for (const spec of specs) {
    try {
      const image = await buildImage(spec, packaged, root);
      const how = image.built ? `built in ${image.seconds.toFixed(0)} s` : "unchanged";
      console.log(`${image.tag} ${how}, ${(image.bytes / 1e6).toFixed(0)} MB`);
      // The version tag is what deploy/kubernetes/wca.yaml names.
      for (const tag of ["latest", denoJson.version]) await docker(["tag", image.tag, `${spec.name}:${tag}`]);
    } catch (error) {
      failed++;
      console.error(`${spec.name}: ${(error as Error).message}`);
    }
  }
  await Deno.remove(packaged, { recursive: true });
  Deno.exit(failed ? 1 : 0);
}
