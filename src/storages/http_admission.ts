/**
 * Who may hold a connection to BoundedHttpServer. Two limits: connections per peer address, and
 * connections in all. A peer at its limit is refused further connections: that costs the server a
 * 503 and a close, where admitting them would cost a read, a buffer and a timer each, all kept until the
 * connection ends (a reconnecting flood made RSS grow by more than 20 MiB that way). When the server is
 * full, the oldest connection that is waiting for a request head (new, or kept alive between requests)
 * is shed to admit the newcomer, so many addresses that trickle their heads or send none cannot lock
 * out a scraper that sends its head at once; only when every connection is busy with a request is the
 * newcomer refused.
 */

export type ConnectionLimit = "max_connections" | "max_connections_per_address";

/** What happened to a new connection. */
export type Admission<C> =
  | { readonly admitted: true; readonly limit?: undefined; readonly shed?: undefined }
  | { readonly admitted: true; readonly limit: "max_connections"; readonly shed: C }
  | { readonly admitted: false; readonly limit: ConnectionLimit; readonly shed?: undefined };

/** Connections dropped: `shed` to admit a newcomer to a full server, newcomers `refused` by each limit. */
export interface DroppedConnections {
  readonly shed: number;
  readonly refused: Readonly<Record<ConnectionLimit, number>>;
}

/**
 * The key a peer is counted by: its IPv4 address, or the /64 prefix of an IPv6 address (a host is
 * usually given a whole /64, so counting single IPv6 addresses would bound nothing). An IPv4-mapped
 * IPv6 address (a dual-stack listener) counts as its IPv4 address.
 */
export function peerKey(hostname: string): string {
  const address = hostname.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase();
  if (!address.includes(":")) return address;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  const [head = "", tail] = address.split("::");
  const front = head === "" ? [] : head.split(":");
  const back = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = Math.max(0, 8 - front.length - back.length);
  const groups = tail === undefined ? front : [...front, ...Array(missing).fill("0"), ...back];
  const prefix = groups.slice(0, 4).map((group) => (parseInt(group, 16) || 0).toString(16));
  while (prefix.length < 4) prefix.push("0");
  return `${prefix.join(":")}::/64`;
}

/** The open connections, by peer, with those waiting for a head in the order they began to wait. */
export class ConnectionTable<C> {
  readonly #maxConnections: number;
  readonly #maxPerAddress: number;
  readonly #peer = new Map<C, string>();
  readonly #perPeer = new Map<string, number>();
  /** Insertion-ordered: the first is the one that has waited longest. */
  readonly #waiting = new Set<C>();
  #shed = 0;
  readonly #refused: Record<ConnectionLimit, number> = { max_connections: 0, max_connections_per_address: 0 };

  constructor(limits: { maxConnections: number; maxConnectionsPerAddress: number }) {
    this.#maxConnections = limits.maxConnections;
    this.#maxPerAddress = limits.maxConnectionsPerAddress;
  }

  get size(): number {
    return this.#peer.size;
  }

  get dropped(): DroppedConnections {
    return { shed: this.#shed, refused: { ...this.#refused } };
  }

  connections(): IterableIterator<C> {
    return this.#peer.keys();
  }

  /**
   * Admits `conn` from peer `key` as waiting for its head; refuses it when its peer is at the per-address
   * limit; when the server is full, sheds the oldest waiting connection for it (the caller closes that
   * one) or, with none waiting, refuses it.
   */
  admit(conn: C, key: string): Admission<C> {
    if ((this.#perPeer.get(key) ?? 0) >= this.#maxPerAddress) {
      this.#refused.max_connections_per_address++;
      return { admitted: false, limit: "max_connections_per_address" };
    }
    let admission: Admission<C> = { admitted: true };
    if (this.#peer.size >= this.#maxConnections) {
      const oldest = this.#waiting.values().next().value;
      if (oldest === undefined) {
        this.#refused.max_connections++;
        return { admitted: false, limit: "max_connections" };
      }
      this.remove(oldest);
      this.#shed++;
      admission = { admitted: true, limit: "max_connections", shed: oldest };
    }
    this.#peer.set(conn, key);
    this.#perPeer.set(key, (this.#perPeer.get(key) ?? 0) + 1);
    this.waiting(conn);
    return admission;
  }

  /** `conn` waits for a (next) request head from now on: it becomes the youngest to shed. */
  waiting(conn: C): void {
    if (!this.#peer.has(conn)) return;
    this.#waiting.delete(conn);
    this.#waiting.add(conn);
  }

  /** `conn` has sent a whole head: it is served, not shed. */
  busy(conn: C): void {
    this.#waiting.delete(conn);
  }

  /** Forgets `conn`; safe to call again for a connection already removed or shed. */
  remove(conn: C): void {
    const key = this.#peer.get(conn);
    if (key === undefined) return;
    this.busy(conn);
    this.#peer.delete(conn);
    const count = this.#perPeer.get(key)! - 1;
    if (count === 0) this.#perPeer.delete(key);
    else this.#perPeer.set(key, count);
  }
}
