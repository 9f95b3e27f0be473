/** The libc bindings against the real kernel: software perf events on this process, errno, fds. */
import assert from "node:assert/strict";
import {
  archConstants,
  decodeGroupRead,
  encodePerfEventAttr,
  ERRNO,
  ErrnoError,
  errnoName,
  groupReadSize,
  Libc,
  PERF_COUNT_HW,
  PERF_COUNT_SW,
  PERF_EVENT_IOC,
  PERF_FLAG,
  PERF_FORMAT,
  PERF_IOC_FLAG_GROUP,
  PERF_TYPE,
} from "../../ffi/mod.ts";

const FORMAT = PERF_FORMAT.GROUP | PERF_FORMAT.ID | PERF_FORMAT.TOTAL_TIME_ENABLED |
  PERF_FORMAT.TOTAL_TIME_RUNNING;

function software(config: number, leader: boolean) {
  return encodePerfEventAttr({
    type: PERF_TYPE.SOFTWARE,
    config: BigInt(config),
    readFormat: FORMAT,
    flags: leader ? ["disabled"] : [],
  });
}

Deno.test("a software event group on this process counts task clock while enabled", () => {
  const libc = new Libc();
  try {
    const leader = libc.perfEventOpen(
      software(PERF_COUNT_SW.TASK_CLOCK, true),
      0,
      -1,
      -1,
      PERF_FLAG.FD_CLOEXEC,
    );
    const member = libc.perfEventOpen(
      software(PERF_COUNT_SW.PAGE_FAULTS, false),
      0,
      -1,
      leader,
      PERF_FLAG.FD_CLOEXEC,
    );
    const buffer = new Uint8Array(groupReadSize(2));
    try {
      const before = decodeGroupRead(buffer, libc.read(leader, buffer));
      assert.equal(before.values[0]!.value, 0, "a disabled leader counts nothing");
      libc.ioctl(leader, PERF_EVENT_IOC.RESET, PERF_IOC_FLAG_GROUP);
      libc.ioctl(leader, PERF_EVENT_IOC.ENABLE, PERF_IOC_FLAG_GROUP);
      // Busy until this thread's task clock passes 20 ms: on a loaded machine that takes longer than
      // 20 ms of wall time, never less.
      const started = performance.now();
      const pages: Uint8Array[] = [];
      let clock = 0;
      while (clock < 20e6 && performance.now() - started < 10_000) {
        pages.push(new Uint8Array(4096).fill(1));
        clock = decodeGroupRead(buffer, libc.read(leader, buffer)).values[0]!.value;
      }
      const wallMs = performance.now() - started;
      libc.ioctl(leader, PERF_EVENT_IOC.DISABLE, PERF_IOC_FLAG_GROUP);
      const after = decodeGroupRead(buffer, libc.read(leader, buffer));
      assert.equal(after.values.length, 2);
      const taskClockMs = after.values[0]!.value / 1e6;
      assert.ok(taskClockMs >= 20, `the task clock reached 20 ms (${taskClockMs} ms after ${wallMs} ms)`);
      assert.ok(
        taskClockMs <= wallMs + 1,
        `one thread: task clock ${taskClockMs} ms within ${wallMs} ms of wall time`,
      );
      assert.ok(after.values[1]!.value > 0, "touching new pages faults");
      assert.ok(after.timeEnabled >= after.timeRunning && after.timeRunning > 0);
      assert.notEqual(after.values[0]!.id, after.values[1]!.id);
    } finally {
      libc.close(member);
      libc.close(leader);
    }
  } finally {
    libc.unload();
  }
});

Deno.test("errno comes back as a named ErrnoError with the C library's text", () => {
  const libc = new Libc();
  try {
    const hardware = encodePerfEventAttr({
      type: PERF_TYPE.HARDWARE,
      config: BigInt(PERF_COUNT_HW.INSTRUCTIONS),
    });
    // This machine has no hardware PMU (ENOENT); a machine with one opens it. Either answer is real.
    try {
      libc.close(libc.perfEventOpen(hardware, 0, -1, -1, PERF_FLAG.FD_CLOEXEC));
    } catch (error) {
      assert.ok(error instanceof ErrnoError);
      assert.ok(["ENOENT", "EOPNOTSUPP", "ENODEV"].includes(error.code), error.message);
    }
    assert.throws(() => libc.open("/nonexistent/wca"), (e: unknown) => {
      assert.ok(e instanceof ErrnoError);
      assert.equal(e.errno, ERRNO.ENOENT);
      assert.equal(e.message, "open /nonexistent/wca: ENOENT (No such file or directory)");
      return true;
    });
    assert.throws(() => libc.close(987654), /close: EBADF \(Bad file descriptor\)/);
    assert.throws(
      () => libc.perfEventOpen(encodePerfEventAttr({ type: 999_999, config: 0n }), 0, -1, -1, 0),
      (e: unknown) => e instanceof ErrnoError && e.code === "ENOENT",
    );
  } finally {
    libc.unload();
  }
});

Deno.test("open with directory: an O_DIRECTORY fd, refused for a file", () => {
  const libc = new Libc();
  try {
    libc.close(libc.open("/tmp", { directory: true }));
    assert.throws(() => libc.open("/etc/hostname", { directory: true }), /ENOTDIR/);
  } finally {
    libc.unload();
  }
});

Deno.test("architecture constants: x86-64 and arm64 known, others refused", () => {
  assert.equal(archConstants("x86_64").perfEventOpenSyscall, 298);
  assert.equal(archConstants("aarch64").perfEventOpenSyscall, 241);
  assert.equal(archConstants("x86_64").migratePagesSyscall, 256);
  assert.equal(archConstants("aarch64").migratePagesSyscall, 238);
  assert.notEqual(archConstants("x86_64").O_DIRECTORY, archConstants("aarch64").O_DIRECTORY);
  assert.throws(() => archConstants("riscv64"), /not supported on riscv64/);
  assert.equal(errnoName(ERRNO.EMFILE), "EMFILE");
  assert.equal(errnoName(4242), "errno 4242");
});

Deno.test("migrate_pages: a real process's pages to an online node; an offline node and a gone pid refused", async () => {
  const libc = new Libc();
  const child = new Deno.Command("sleep", { args: ["30"], stdout: "null", stderr: "null" }).spawn();
  try {
    const online = Deno.readTextFileSync("/sys/devices/system/node/online").trim();
    const last = Number(online.split(/[,-]/).at(-1));
    // Pages on any node to node 0 (always online): the kernel returns the pages it could not move.
    const notMoved = libc.migratePages(child.pid, [0], [0]);
    assert.ok(Number.isInteger(notMoved) && notMoved >= 0, `pages not moved: ${notMoved}`);
    assert.throws(
      () => libc.migratePages(child.pid, [0], [last + 1]),
      (e: unknown) =>
        e instanceof ErrnoError && e.code === "EINVAL" && /migrate_pages pid \d+/.test(e.message),
    );
    child.kill("SIGKILL");
    await child.status;
    assert.throws(
      () => libc.migratePages(child.pid, [0], [0]),
      (e: unknown) => e instanceof ErrnoError && e.code === "ESRCH",
    );
    assert.throws(() => libc.migratePages(1, [-1], [0]), /NUMA node -1 is not a node id/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    libc.unload();
  }
});
