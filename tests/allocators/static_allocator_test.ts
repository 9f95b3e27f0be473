import assert from "node:assert/strict";
import { StaticAllocator } from "../../src/allocators/static_allocator.ts";
import type { TaskAllocations } from "../../src/components/decisions.ts";
import { captureLogLines } from "../helpers/log_capture.ts";
import { GB, platformWith, tasksDataOf } from "../helpers/snapshots.ts";
import { loadAllocator } from "./_config.ts";

const PLATFORM = platformWith([{ cpus: [0, 1], freeBytes: 8 * GB, usedBytes: 8 * GB }]);
const TASKS = tasksDataOf({
  task1: { labels: { app: "memcached", tier: "lc" } },
  task2: { labels: { app: "stress-ng", tier: "be" } },
});

async function allocations(allocator: StaticAllocator): Promise<Record<string, TaskAllocations>> {
  const result = await allocator.allocate(PLATFORM, TASKS);
  return Object.fromEntries(result.allocations as Map<string, TaskAllocations>);
}

async function withRulesFile(body: (file: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "wca-rules-" });
  try {
    await body(`${dir}/rules.yaml`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Writes a new version of the rules file (a rename, as editors and config managers do). */
function writeRules(file: string, text: string): void {
  Deno.writeTextFileSync(`${file}.tmp`, text);
  Deno.chmodSync(`${file}.tmp`, 0o644);
  Deno.renameSync(`${file}.tmp`, file);
}

Deno.test("StaticAllocator: inline rules from the config; the labels regex matches at the start", async () => {
  const allocator = loadAllocator(`!StaticAllocator
    rules:
      - name: everyone
        allocations: {cpu_quota: 1.0, cpu_shares: 10}
      - name: best effort
        labels: {tier: "b"}
        allocations: {cpu_quota: 0.25}
      - labels: {app: "cached"}
        allocations: {cpu_quota: 0.1}
`) as StaticAllocator;
  assert.deepEqual(await allocations(allocator), {
    task1: { cpu_quota: 1, cpu_shares: 10 },
    task2: { cpu_quota: 0.25, cpu_shares: 10 },
  });
});

Deno.test("StaticAllocator: config errors point at the line and name the field", () => {
  const cases: [string, RegExp][] = [
    [
      "!StaticAllocator {}",
      /^ConfigError: \/etc\/wca\/config.yaml:2:14: .*expected rules \(a list of rules\), config \(a rules file\), or both/,
    ],
    [
      "!StaticAllocator\n    rules:\n      - allocations: {cpu_quota: -1}\n",
      /^ConfigError: \/etc\/wca\/config.yaml:4:34: Invalid value -1 for field 'rules\[0\].allocations.cpu_quota' in !StaticAllocator: expected a number >= 0$/,
    ],
    [
      "!StaticAllocator\n    rules:\n      - labels: {app: '(x'}\n        allocations: {}\n",
      /^ConfigError: \/etc\/wca\/config.yaml:4:23: Invalid value "\(x" for field 'rules\[0\].labels.app' in !StaticAllocator: expected a regular expression/,
    ],
  ];
  for (const [yaml, message] of cases) assert.throws(() => loadAllocator(yaml), message);
});

Deno.test("StaticAllocator: the rules file is re-read every iteration; its rules follow the inline ones", async () => {
  await withRulesFile(async (file) => {
    writeRules(file, "- allocations: {cpu_quota: 0.5}\n");
    const allocator = new StaticAllocator({
      rules: [{ allocations: { cpu_quota: 1, cpu_shares: 2 } }],
      config: file,
    });
    assert.deepEqual(await allocations(allocator), {
      task1: { cpu_quota: 0.5, cpu_shares: 2 },
      task2: { cpu_quota: 0.5, cpu_shares: 2 },
    });
    writeRules(file, "- labels: {app: memcached}\n  allocations: {cpuset_cpus: '0'}\n");
    assert.deepEqual(await allocations(allocator), {
      task1: { cpu_quota: 1, cpu_shares: 2, cpuset_cpus: "0" },
      task2: { cpu_quota: 1, cpu_shares: 2 },
    });
  });
});

Deno.test("StaticAllocator: a bad rules file is one error per change; the last good rules stay in use", async () => {
  await withRulesFile(async (file) => {
    writeRules(file, "- allocations: {cpu_quota: 0.5}\n");
    const allocator = new StaticAllocator({ config: file });
    const good = { task1: { cpu_quota: 0.5 }, task2: { cpu_quota: 0.5 } };
    const { lines } = await captureLogLines(async () => {
      assert.deepEqual(await allocations(allocator), good);
      writeRules(file, "- allocations: {cpu_quota: lots}\n");
      for (let i = 0; i < 3; i++) assert.deepEqual(await allocations(allocator), good);
      writeRules(file, "- allocations: {cpu_quota: [\n");
      for (let i = 0; i < 2; i++) assert.deepEqual(await allocations(allocator), good);
      writeRules(file, "- allocations: {cpu_quota: 0.75}\n");
      assert.deepEqual(await allocations(allocator), {
        task1: { cpu_quota: 0.75 },
        task2: { cpu_quota: 0.75 },
      });
    });
    const errors = lines.filter((l) => l.includes("ERROR"));
    assert.equal(errors.length, 2, lines.join("\n"));
    assert.match(
      errors[0]!,
      new RegExp(
        `${file}:1:28: rule 1 field 'allocations.cpu_quota': expected a number; the 1 rules read from it before stay in use until it is fixed`,
      ),
    );
    assert.match(errors[1]!, /YAML syntax error/);
    assert.equal(lines.filter((l) => l.includes("1 rules in use")).length, 2, "loaded, and recovered");
  });
});

Deno.test("StaticAllocator: a missing or untrusted rules file is reported once, and nothing comes from it", async () => {
  await withRulesFile(async (file) => {
    const allocator = new StaticAllocator({
      rules: [{ task_id: "task2", allocations: { cpu_shares: 3 } }],
      config: file,
    });
    const { lines } = await captureLogLines(async () => {
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(await allocations(allocator), { task2: { cpu_shares: 3 } });
      }
      writeRules(file, "- allocations: {cpu_quota: 0.5}\n");
      Deno.chmodSync(file, 0o666);
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(await allocations(allocator), { task2: { cpu_shares: 3 } });
      }
    });
    const errors = lines.filter((l) => l.includes("ERROR"));
    assert.equal(errors.length, 2, lines.join("\n"));
    assert.match(
      errors[0]!,
      new RegExp(`Rules file ${file} does not exist; no rules from it are used until it is fixed`),
    );
    assert.match(errors[1]!, /is writable by others \(mode 666\); run 'chmod go-w/);
  });
});

Deno.test("StaticAllocator: no rules at all warns once and allocates nothing", async () => {
  await withRulesFile(async (file) => {
    writeRules(file, "# nothing yet\n");
    const allocator = new StaticAllocator({ config: file });
    const { lines } = await captureLogLines(async () => {
      for (let i = 0; i < 3; i++) assert.deepEqual(await allocations(allocator), {});
    });
    assert.equal(
      lines.filter((l) => l.includes("no rules; nothing is allocated")).length,
      1,
      lines.join("\n"),
    );
  });
});
