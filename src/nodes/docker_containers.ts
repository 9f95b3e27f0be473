/**
 * Containers as their users know them: the name, image and labels of a Docker container, asked of the
 * Docker Engine API on its unix socket once per container (GET /containers/<id>/json) and kept while the
 * container's cgroup is listed. Only that read-only request is ever sent; the socket itself grants root,
 * so the agent must be the one trusted with it.
 */
import { getLogger, OnceLog } from "../logging/mod.ts";
import { JsonClient, RequestFailure } from "./http_json.ts";
import { sanitizeLabelName } from "./cgroup_tree.ts";

const log = getLogger("wca.nodes.cgroup");

export interface ContainerInfo {
  readonly id: string;
  /** Without Docker's leading '/'. */
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The container id in a cgroup path a container runtime made: a 64-hex-digit leaf, as in `/docker/<id>`
 * (cgroupfs driver) or `/system.slice/docker-<id>.scope` (systemd driver); undefined for other cgroups.
 */
export function containerIdOf(cgroupPath: string): string | undefined {
  const last = cgroupPath.slice(cgroupPath.lastIndexOf("/") + 1);
  return /^(?:docker-)?([0-9a-f]{64})(?:\.scope)?$/.exec(last)?.[1];
}

/** The fields we use of the Engine API's ContainerInspectResponse; throws RequestFailure("malformed"). */
export function parseContainerInspect(body: unknown): ContainerInfo {
  const doc = body as { Id?: unknown; Name?: unknown; Config?: { Image?: unknown; Labels?: unknown } };
  if (typeof doc !== "object" || doc === null || typeof doc.Id !== "string" || typeof doc.Name !== "string") {
    throw new RequestFailure("malformed", "the answer has no container Id and Name");
  }
  const labels: Record<string, string> = {};
  const raw = doc.Config?.Labels;
  if (typeof raw === "object" && raw !== null) {
    for (const [key, value] of Object.entries(raw)) if (typeof value === "string") labels[key] = value;
  }
  return Object.freeze({
    id: doc.Id,
    name: doc.Name.replace(/^\//, ""),
    image: typeof doc.Config?.Image === "string" ? doc.Config.Image : "",
    labels: Object.freeze(labels),
  });
}

/**
 * A task's labels for a container: its own labels with names sanitised for Prometheus
 * (`com.example.team` → `com_example_team`), then container_id, container_name and image, which win.
 */
export function containerLabels(info: ContainerInfo): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(info.labels)) labels[sanitizeLabelName(key)] = value;
  return { ...labels, container_id: info.id, container_name: info.name, image: info.image };
}

/** Engine API version: 1.41 is Docker 20.10, answered by every later daemon too. */
const API = "/v1.41";

export class DockerContainers {
  readonly #socketPath: string;
  readonly #client: JsonClient;
  readonly #known = new Map<string, ContainerInfo>();
  readonly #once = new OnceLog(log);

  constructor(socketPath: string, timeoutMs = 2000) {
    this.#socketPath = socketPath;
    this.#client = new JsonClient({ baseUrl: "http://docker", socketPath, timeoutMs, maxBytes: 4 << 20 });
  }

  /** Whether the socket is there at all: without it names stay cgroup paths, silently. */
  available(): boolean {
    try {
      return Deno.statSync(this.#socketPath).isSocket === true;
    } catch {
      return false;
    }
  }

  /**
   * The containers with these ids, asking the daemon only about ids not seen before; a container it
   * cannot describe now is asked about again next time. Forgets ids no longer listed.
   */
  async describe(ids: readonly string[]): Promise<ReadonlyMap<string, ContainerInfo>> {
    const listed = new Set(ids);
    for (const id of this.#known.keys()) if (!listed.has(id)) this.#known.delete(id);
    this.#once.retain(new Set([this.#socketPath]));
    const fresh = ids.filter((id) => !this.#known.has(id));
    if (fresh.length && this.available()) {
      await Promise.all(fresh.map((id) => this.#ask(id)));
    }
    return this.#known;
  }

  async #ask(id: string): Promise<void> {
    try {
      const info = parseContainerInspect(await this.#client.request(`${API}/containers/${id}/json`));
      if (info.id !== id) throw new RequestFailure("malformed", `the answer describes container ${info.id}`);
      this.#known.set(id, info);
      this.#once.clear(this.#socketPath);
    } catch (error) {
      if (!(error instanceof RequestFailure)) throw error;
      // A container gone between listing and asking is not worth a warning.
      if (error.status === 404) return;
      this.#once.warn(
        this.#socketPath,
        `CgroupNode: cannot read container names from ${this.#socketPath} (${error.message}); ` +
          "those tasks keep their cgroup paths as names",
      );
    }
  }

  close(): void {
    this.#client.close();
  }
}
