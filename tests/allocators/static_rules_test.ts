import assert from "node:assert/strict";
import {
  allocationsFromRules,
  compileRules,
  type Rule,
  ruleSchema,
  type RuleTask,
} from "../../src/allocators/static_rules.ts";
import { parseRulesText } from "../../src/allocators/static_rules_file.ts";
import { ConfigError } from "../../src/config/errors.ts";

const TASKS: RuleTask[] = [
  { taskId: "task1", labels: { foo: "bar", app: "memcached", job_uniq_id: "1" } },
  { taskId: "task2", labels: { app: "stress-ng", job_uniq_id: "22" } },
];

function allocate(rules: unknown[]): Record<string, unknown> {
  const parsed = rules.map((r) => ruleSchema.parse(r)) as Rule[];
  return Object.fromEntries(allocationsFromRules(compileRules(parsed), TASKS));
}

/** WCA's own table (tests/extra/test_static_allocator.py) first, then start anchoring, AND and overrides. */
const CASES: [string, unknown[], Record<string, unknown>][] = [
  ["no rules", [], {}],
  ["a rule without conditions matches every task", [{ allocations: { cpu_quota: 2 } }], {
    task1: { cpu_quota: 2 },
    task2: { cpu_quota: 2 },
  }],
  ["task_id narrows; later rules override", [
    { allocations: { cpu_quota: 2 } },
    { task_id: "task2", allocations: { cpu_quota: 3 } },
  ], { task1: { cpu_quota: 2 }, task2: { cpu_quota: 3 } }],
  ["labels narrow", [
    { allocations: { cpu_quota: 2 } },
    { task_id: "task2", allocations: { cpu_quota: 3 } },
    { labels: { foo: "bar" }, allocations: { cpu_quota: 1 } },
  ], { task1: { cpu_quota: 1 }, task2: { cpu_quota: 3 } }],
  ["rdt for one task", [{ task_id: "task1", allocations: { rdt: { l3: "somevalue" } } }], {
    task1: { rdt: { l3: "somevalue" } },
  }],
  ["rdt with an explicit name", [{ task_id: "task1", allocations: { rdt: { name: "foo", l3: "x" } } }], {
    task1: { rdt: { name: "foo", l3: "x" } },
  }],
  ["a regex matches at the start of the value (re.match), not anywhere", [
    { labels: { app: "mem" }, allocations: { cpu_shares: 5 } },
    { labels: { app: "cached" }, allocations: { cpu_shares: 7 } },
  ], { task1: { cpu_shares: 5 } }],
  ["a regex need not match the whole value", [{
    labels: { job_uniq_id: "[01]" },
    allocations: { cpu_shares: 1 },
  }], {
    task1: { cpu_shares: 1 },
  }],
  ["an anchored end restricts to whole values", [{
    labels: { job_uniq_id: "2$" },
    allocations: { cpu_shares: 1 },
  }], {}],
  ["Python named groups are understood", [
    { labels: { app: "(?P<kind>stress)-(?P=kind)?" }, allocations: { cpu_shares: 2 } },
  ], { task2: { cpu_shares: 2 } }],
  ["all listed labels must match (WCA: any)", [
    { labels: { app: "memcached", job_uniq_id: "2" }, allocations: { cpu_quota: 0.5 } },
  ], {}],
  ["a label the task lacks does not match", [{ labels: { foo: ".*" }, allocations: { cpu_quota: 0.5 } }], {
    task1: { cpu_quota: 0.5 },
  }],
  ["task_id and labels must both hold (WCA ignored labels then)", [
    { task_id: "task2", labels: { app: "memcached" }, allocations: { cpu_quota: 0.5 } },
  ], {}],
  ["a task_id of no current task allocates nothing (WCA allocated for it)", [
    { task_id: "gone", allocations: { cpu_quota: 0.5 } },
  ], {}],
  ["overrides are per key: earlier keys stay, rdt is replaced whole", [
    { allocations: { cpu_quota: 1, cpu_shares: 10, rdt: { name: "be", l3: "L3:0=f" } } },
    { labels: { app: "memcached" }, allocations: { cpu_quota: 0.3, rdt: { mb: "MB:0=50" } } },
  ], {
    task1: { cpu_quota: 0.3, cpu_shares: 10, rdt: { mb: "MB:0=50" } },
    task2: { cpu_quota: 1, cpu_shares: 10, rdt: { name: "be", l3: "L3:0=f" } },
  }],
  ["empty allocations change nothing", [{ allocations: { cpu_quota: 1 } }, { allocations: {} }], {
    task1: { cpu_quota: 1 },
    task2: { cpu_quota: 1 },
  }],
  ["numbers as label patterns and 0/1 for memory migrate, as WCA configs wrote them", [
    { labels: { job_uniq_id: 22 }, allocations: { cpuset_memory_migrate: 1, cpuset_mems: "0" } },
  ], { task2: { cpuset_memory_migrate: true, cpuset_mems: "0" } }],
];

for (const [what, rules, expected] of CASES) {
  Deno.test(`allocationsFromRules: ${what}`, () => assert.deepEqual(allocate(rules), expected));
}

const FILE = "/etc/wca/rules.yaml";

Deno.test("parseRulesText: WCA's sample file; an empty file is no rules", () => {
  const rules = parseRulesText(
    FILE,
    `# As labels is not defined, this rule applies to all tasks.
- name: default rule for all
  allocations:
    cpu_quota: 1.0
    cpu_shares: 10
    cpuset_cpus: "1-3"
`,
  );
  assert.deepEqual(rules.map((r) => [r.name, r.allocations]), [
    ["default rule for all", { cpu_quota: 1, cpu_shares: 10, cpuset_cpus: "1-3" }],
  ]);
  assert.deepEqual(parseRulesText(FILE, ""), []);
  assert.deepEqual(parseRulesText(FILE, "# all commented out\n"), []);
});

/** A bad rules file and the one line the agent logs for it. */
const BAD: [string, string, string][] = [
  ["not a list", "name: x\n", `${FILE}:1:1: rules: expected a list`],
  ["yaml syntax", "- name: [unclosed\n", `${FILE}:2:1: YAML syntax error:`],
  [
    "a field of the wrong type, named with the rule",
    "- name: ok\n  allocations: {}\n- name: be\n  allocations:\n    cpu_quota: lots\n",
    `${FILE}:5:16: rule 2 'be' field 'allocations.cpu_quota': expected a number`,
  ],
  [
    "a negative quota",
    "- allocations:\n    cpu_quota: -1\n",
    `${FILE}:2:16: rule 1 field 'allocations.cpu_quota': expected a number >= 0`,
  ],
  [
    "missing allocations",
    "- name: lazy\n",
    `${FILE}:1:3: rule 1 'lazy' is missing field 'allocations': expected a mapping of allocations, e.g. { cpu_quota: 0.5 } ({} for none)`,
  ],
  [
    "unknown allocation",
    "- allocations:\n    cpu_set: '0'\n",
    `${FILE}:2:5: rule 1 field 'allocations': unknown field 'cpu_set'; known fields: cpu_quota, cpu_shares, ` +
    "cpuset_cpus, cpuset_mems, cpuset_memory_migrate, migrate_pages, rdt",
  ],
  [
    "a regex that does not compile",
    "- labels:\n    app: '(unclosed'\n  allocations: {}\n",
    `${FILE}:2:10: rule 1 field 'labels.app': expected a regular expression (`,
  ],
  [
    "a tag",
    "- allocations: !Env X\n",
    `${FILE}:1:16: A rules file holds plain data; tag !Env is not allowed`,
  ],
];

for (const [what, text, start] of BAD) {
  Deno.test(`parseRulesText: ${what}`, () => {
    assert.throws(() => parseRulesText(FILE, text), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.ok(error.message.startsWith(start), `${error.message}\n  does not start with\n${start}`);
      return true;
    });
  });
}
