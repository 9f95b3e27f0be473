import assert from "node:assert/strict";
import { MissingToolError, runTool } from "./peer_tools.ts";

Deno.test("peer tools: a missing program fails and says which Debian package to install", async () => {
  await assert.rejects(
    () => runTool("wca-no-such-program-4711", "wca-pkg", [], ""),
    (error: unknown) => {
      assert.ok(error instanceof MissingToolError);
      assert.equal(
        error.message,
        "wca-no-such-program-4711 not found on PATH: install the Debian package 'wca-pkg' (apt-get install wca-pkg)",
      );
      return true;
    },
  );
});
