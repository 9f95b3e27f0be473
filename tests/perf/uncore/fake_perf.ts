/**
 * A stand-in for the perf system calls, for uncore tests of shapes no machine here has (two sockets,
 * six IMC channels): it records every perf_event_open, answers group reads with counts the test
 * chooses, and can fail an open with a chosen errno. Real-kernel behaviour is tested separately.
 */
import { ERRNO, ErrnoError } from "../../../ffi/mod.ts";
import type { PerfSyscalls } from "../../../src/perf/group.ts";

export interface OpenedEvent {
  readonly fd: number;
  readonly type: number;
  readonly config: bigint;
  readonly config1: bigint;
  readonly disabled: boolean;
  readonly pid: number;
  readonly cpu: number;
  readonly groupFd: number;
  readonly flags: number;
}

export type EventKey = Pick<OpenedEvent, "type" | "config" | "cpu">;

export class FakePerf implements PerfSyscalls {
  readonly opened: OpenedEvent[] = [];
  readonly open = new Set<number>();
  /** An errno name to fail this open with, or undefined to succeed. */
  reject: (event: EventKey, attempt: number) => keyof typeof ERRNO | undefined = () => undefined;
  /** The raw count of an event at the current read. */
  count: (event: EventKey) => number = () => 0;
  /** time_running as a share of time_enabled (0 = never ran). */
  running = 1;
  /** Leader fds whose read fails with EIO-like errors. */
  readonly failingReads = new Set<number>();
  #next = 100;
  #attempts = 0;

  perfEventOpen(attr: Uint8Array<ArrayBuffer>, pid: number, cpu: number, groupFd: number, flags: number) {
    const view = new DataView(attr.buffer);
    const event = {
      type: view.getUint32(0, true),
      config: view.getBigUint64(8, true),
      config1: view.getBigUint64(56, true),
      disabled: (view.getBigUint64(40, true) & 1n) === 1n,
      pid,
      cpu,
      groupFd,
      flags,
    };
    const code = this.reject(event, this.#attempts++);
    if (code !== undefined) throw new ErrnoError("perf_event_open", ERRNO[code], `fake ${code}`);
    const fd = this.#next++;
    this.opened.push({ fd, ...event });
    this.open.add(fd);
    return fd;
  }

  ioctl(fd: number): void {
    if (!this.open.has(fd)) throw new ErrnoError("ioctl", ERRNO.EBADF, "fake EBADF");
  }

  read(fd: number, buffer: Uint8Array<ArrayBuffer>): number {
    if (!this.open.has(fd) || this.failingReads.has(fd)) {
      throw new ErrnoError("read", ERRNO.EBADF, "fake read");
    }
    const members = this.opened.filter((e) => this.open.has(e.fd) && (e.fd === fd || e.groupFd === fd));
    const view = new DataView(buffer.buffer);
    const enabled = 1_000_000n;
    view.setBigUint64(0, BigInt(members.length), true);
    view.setBigUint64(8, enabled, true);
    view.setBigUint64(16, BigInt(Math.round(Number(enabled) * this.running)), true);
    members.forEach((e, i) => {
      view.setBigUint64(24 + 16 * i, BigInt(this.count(e)), true);
      view.setBigUint64(32 + 16 * i, BigInt(e.fd), true);
    });
    return 24 + 16 * members.length;
  }

  close(fd: number): void {
    if (!this.open.delete(fd)) throw new ErrnoError("close", ERRNO.EBADF, "fake EBADF");
  }
}

/** Xeon Gold 6248 × 2 (the uncore_clx_2s fixture): CPUs 0-19 and 40-59 on socket 0, the rest on 1. */
export const CLX_SOCKETS: ReadonlyMap<number, number> = new Map(
  [...Array(80).keys()].map((cpu) => [cpu, Math.floor(cpu / 20) % 2]),
);

/** A logger that keeps what it is told. */
export { RecordingLog } from "../../helpers/recording_log.ts";
