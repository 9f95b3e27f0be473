import assert from "node:assert/strict";
import { formatLine, LogHub } from "../../src/logging/hub.ts";

function hubWithLines(): { hub: LogHub; lines: string[] } {
  const lines: string[] = [];
  const hub = new LogHub({
    write: (line) => lines.push(line),
    now: () => new Date(2018, 6, 13, 14, 51, 32, 829),
  });
  return { hub, lines };
}

Deno.test("lines have the seed's format", () => {
  assert.equal(
    formatLine(new Date(2018, 6, 13, 14, 51, 32, 829), 10, "wca.main", "started PID=30048"),
    "2018-07-13 14:51:32,829 DEBUG    {MainThread} [wca.main] started PID=30048",
  );
});

Deno.test("defaults: wca at INFO, everything else at WARNING", () => {
  const { hub, lines } = hubWithLines();
  hub.getLogger("wca.storage").info("kept");
  hub.getLogger("wca.storage").debug("dropped");
  hub.getLogger("example").info("dropped");
  hub.getLogger("example").warning("kept too");
  assert.deepEqual(lines.map((l) => l.slice(24)), [
    "INFO     {MainThread} [wca.storage] kept",
    "WARNING  {MainThread} [example] kept too",
  ]);
});

Deno.test("levels are inherited by child modules; the nearest configured ancestor wins", () => {
  const { hub } = hubWithLines();
  hub.configure([["wca", "ERROR"], ["wca.storage", "DEBUG"], ["", "TRACE"]]);
  assert.equal(hub.effectiveLevel("wca.storage.kafka"), 10);
  assert.equal(hub.effectiveLevel("wca.runner"), 40);
  assert.equal(hub.effectiveLevel("thirdparty.lib"), 5);
});

Deno.test("later configuration wins, so the command line can override the config file", () => {
  const { hub } = hubWithLines();
  hub.configure([["wca", "ERROR"]]); // from the file
  hub.configure([["wca", "DEBUG"]]); // from -l debug
  assert.equal(hub.effectiveLevel("wca"), 10);
});

Deno.test("warnings and errors are counted per module even when filtered out by level", () => {
  const { hub, lines } = hubWithLines();
  hub.setLevel("wca", "CRITICAL");
  const log = hub.getLogger("wca.perf");
  log.warning("a");
  log.warning("b");
  log.error("c");
  log.critical("d");
  hub.getLogger("example").error("e");
  assert.deepEqual(hub.counts(), [
    { module: "example", warnings: 0, errors: 1 },
    { module: "wca.perf", warnings: 2, errors: 2 },
  ]);
  assert.equal(lines.length, 2, "only CRITICAL from wca.perf and ERROR from example are printed");
});

Deno.test("details are appended; errors show their stack", () => {
  const { hub, lines } = hubWithLines();
  hub.getLogger("wca").warning("failed:", new Error("boom"), { a: 1 });
  // One line: the stack's line breaks are escaped like any other control character.
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /failed: Error: boom\\n\s+at .*\{ a: 1 \}$/);
  assert.doesNotMatch(lines[0]!, /\n/);
});

Deno.test("text from the host or the config cannot forge a line or reach the terminal raw", () => {
  const { hub, lines } = hubWithLines();
  const cgroup = "/docker/x\n2018-07-13 14:51:32,829 ERROR    {MainThread} [wca] forged\x1b[2J\r";
  hub.getLogger("wca.nodes").warning(`cgroup ${cgroup} is gone`, { path: "a\x1bb" }, "c\u2028d");
  hub.getLogger("bad\nmodule\x1b").error("e");
  assert.equal(lines.length, 2);
  assert.equal(
    lines[0]!.slice(24),
    "WARNING  {MainThread} [wca.nodes] cgroup /docker/x\\n2018-07-13 14:51:32,829 ERROR    {MainThread} " +
      '[wca] forged\\x1b[2J\\r is gone { path: "a\\x1bb" } c\\u2028d',
  );
  assert.equal(lines[1]!.slice(24), "ERROR    {MainThread} [bad\\nmodule\\x1b] e");
});

Deno.test("dump escapes logger names from the config", () => {
  const { hub } = hubWithLines();
  hub.setLevel("evil\nname\x1b[31m", "DEBUG");
  assert.ok(hub.dump().split("\n").includes("  evil\\nname\\x1b[31m: DEBUG (set)"), hub.dump());
});

Deno.test("dump lists configured and created loggers as a tree with effective levels", () => {
  const { hub } = hubWithLines();
  hub.setLevel("example.external_package", "DEBUG");
  hub.getLogger("wca.storage");
  assert.equal(
    hub.dump(),
    [
      "<root>: WARNING (set)",
      "  example: WARNING (inherited)",
      "    example.external_package: DEBUG (set)",
      "  wca: INFO (set)",
      "    wca.storage: INFO (inherited)",
    ].join("\n"),
  );
});
