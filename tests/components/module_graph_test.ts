/**
 * -r's trust rule over the whole import graph, on real files with real owners and modes: a module whose
 * graph reaches an untrusted file never runs any of it, and nothing but local files is loaded (a local
 * listener proves that no connection was even tried).
 */
import assert from "node:assert/strict";
import { registerFrom } from "../../src/components/registration.ts";
import { Registry, RegistryError } from "../../src/components/registry.ts";
import { AGENT_NPM_SPECIFIERS } from "../../src/components/module_graph.ts";

const IS_ROOT = Deno.uid() === 0;
/** Another user's uid: nobody's as root; as a normal user the file stays ours and only its mode is wrong. */
const OTHER = 65534;

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A module source whose top-level code leaves `marker` behind, so a test sees whether it ran. */
function marking(marker: string, body = ""): string {
  return `Deno.writeTextFileSync(${JSON.stringify(marker)}, "ran");\n${body}`;
}

async function write(path: string, text: string, mode = 0o644): Promise<void> {
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, mode);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function refused(argument: string, pattern: RegExp): Promise<void> {
  await assert.rejects(registerFrom(new Registry({}), argument), (error: unknown) => {
    assert.ok(error instanceof RegistryError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

/** A TCP listener that counts connections: a refused remote import must never reach it. */
function countingListener(): { port: number; connections: () => number; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let count = 0;
  (async () => {
    for await (const conn of listener) {
      count++;
      conn.close();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    connections: () => count,
    close: () => listener.close(),
  };
}

Deno.test("a trusted module importing a world-writable helper: refused, and neither file runs", async () => {
  await withDir(async (dir) => {
    await write(
      `${dir}/m.ts`,
      marking(`${dir}/main-ran`, `import "./helper.ts";\nexport class Thing { store() {} }\n`),
    );
    await write(`${dir}/helper.ts`, marking(`${dir}/helper-ran`), 0o666);
    if (IS_ROOT) await Deno.chown(`${dir}/helper.ts`, OTHER, OTHER);
    const why = IS_ROOT ? "is owned by uid 65534" : "is writable by others \\(mode 666\\)";
    await refused(
      `${dir}/m.ts:Thing`,
      new RegExp(`Module ${dir}/helper\\.ts \\(imported by ${dir}/m\\.ts\\) ${why}.*it was not imported$`),
    );
    assert.equal(exists(`${dir}/helper-ran`), false, "the helper's top-level code ran");
    assert.equal(exists(`${dir}/main-ran`), false, "the module's top-level code ran");
  });
});

Deno.test("imports deeper in the graph, re-exports and literal import() are checked too", async () => {
  for (const link of ['export * from "./b.ts";', 'export { x } from "./b.ts";', 'await import("./b.ts");']) {
    await withDir(async (dir) => {
      await write(`${dir}/m.ts`, `import "./a.ts";\nexport class Thing { store() {} }\n`);
      await write(`${dir}/a.ts`, `${link}\n`);
      await write(`${dir}/b.ts`, marking(`${dir}/b-ran`, "export const x = 1;\n"), 0o646);
      await refused(`${dir}/m.ts:Thing`, new RegExp(`Module ${dir}/b\\.ts \\(imported by ${dir}/a\\.ts\\)`));
      assert.equal(exists(`${dir}/b-ran`), false, link);
    });
  }
});

Deno.test("a helper in a directory others can write is refused (they could replace it)", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/shared`);
    await Deno.chmod(`${dir}/shared`, 0o777);
    await write(`${dir}/m.ts`, `import "./shared/helper.ts";\nexport class Thing { store() {} }\n`);
    await write(`${dir}/shared/helper.ts`, marking(`${dir}/helper-ran`));
    await refused(
      `${dir}/m.ts:Thing`,
      new RegExp(
        `Directory ${dir}/shared \\(on the path to Module ${dir}/shared/helper\\.ts \\(imported by ` +
          `${dir}/m\\.ts\\)\\) is writable by others \\(mode 777\\)`,
      ),
    );
    assert.equal(exists(`${dir}/helper-ran`), false);
    // A sticky directory (as /tmp) is fine: others cannot replace entries they do not own.
    await Deno.chmod(`${dir}/shared`, 0o1777);
    assert.deepEqual(await registerFrom(new Registry({}), `${dir}/m.ts:Thing`), ["Thing"]);
    assert.equal(exists(`${dir}/helper-ran`), true, "a trusted graph runs");
  });
});

Deno.test("remote, inline and registry imports are refused before any connection is tried", async () => {
  const server = countingListener();
  try {
    const remote = `http://127.0.0.1:${server.port}/m.ts`;
    await withDir(async (dir) => {
      // As a -r argument.
      await refused(`${remote}:Thing`, /was not imported: code from the network is not loaded/);
      await refused(
        `data:application/javascript,${encodeURIComponent(marking(`${dir}/data-ran`))}`,
        /was not imported: inline code is not loaded/,
      );
      // Imported by a trusted local module, statically or dynamically.
      const imports: Array<[string, RegExp]> = [
        [`import "${remote}";`, /code from the network is not loaded/],
        [`await import("${remote}");`, /code from the network is not loaded/],
        [`import "https://127.0.0.1:${server.port}/m.ts";`, /code from the network is not loaded/],
        [`import "data:text/javascript,export default 1";`, /inline code is not loaded/],
        [`import "npm:left-pad@1.3.0";`, /registry packages are not loaded by -r/],
        [`import "jsr:@std/path";`, /registry packages are not loaded by -r/],
        [`import "left-pad";`, /neither a path nor one of the agent's dependencies/],
        [`const where = "${remote}";\nawait import(where);`, /import\(\) with a computed specifier/],
      ];
      for (const [line, pattern] of imports) {
        await write(
          `${dir}/m.ts`,
          marking(`${dir}/main-ran`, `${line}\nexport class Thing { store() {} }\n`),
        );
        await refused(`${dir}/m.ts:Thing`, pattern);
        assert.equal(exists(`${dir}/main-ran`), false, line);
      }
      assert.equal(exists(`${dir}/data-ran`), false);
    });
    // Give a connection that was tried time to be accepted before counting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(server.connections(), 0, "a refused import reached the network");
  } finally {
    server.close();
  }
});

Deno.test("the agent's own dependencies and node: built-ins may be imported; a parse error names the line", async () => {
  await withDir(async (dir) => {
    await write(
      `${dir}/m.ts`,
      'import { z } from "zod";\nimport { join } from "node:path";\n' +
        "export class Thing { store() { return [z, join]; } }\n",
    );
    assert.deepEqual(await registerFrom(new Registry({}), `${dir}/m.ts:Thing`), ["Thing"]);
    await write(`${dir}/bad.ts`, "export class Thing {\n  store( {}\n");
    await refused(
      `${dir}/bad.ts:Thing`,
      new RegExp(`${dir}/bad\\.ts:\\d+:\\d+: cannot be parsed to find its imports`),
    );
  });
});

Deno.test("a symbolic link in a directory others can write is refused even when its target is trusted", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/open`);
    await Deno.chmod(`${dir}/open`, 0o777);
    await write(`${dir}/real.ts`, "export class Thing { store() {} }\n");
    await Deno.symlink(`${dir}/real.ts`, `${dir}/open/link.ts`);
    await refused(`${dir}/open/link.ts:Thing`, new RegExp(`Directory ${dir}/open .*is writable by others`));
  });
});

Deno.test("a Worker's module is checked too; a Worker the check cannot follow is refused", async () => {
  await withDir(async (dir) => {
    await write(`${dir}/w.ts`, marking(`${dir}/worker-ran`), 0o666);
    const worker = 'new Worker(new URL("./w.ts", import.meta.url), { type: "module" });';
    await write(`${dir}/m.ts`, `export class Thing { store() { ${worker} } }\n`);
    await refused(`${dir}/m.ts:Thing`, new RegExp(`Module ${dir}/w\\.ts \\(imported by ${dir}/m\\.ts\\)`));
    await write(`${dir}/m.ts`, 'export class Thing { store() { new Worker("./w.ts"); } }\n');
    await refused(`${dir}/m.ts:Thing`, /a Worker not made from new URL/);
    assert.equal(exists(`${dir}/worker-ran`), false);
  });
});

Deno.test("the agent's own npm specifiers are exactly deno.json's npm imports (no others pass -r)", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const npm = Object.values(config.imports as Record<string, string>)
    .filter((target) => target.startsWith("npm:") && !target.endsWith("/"));
  assert.deepEqual([...AGENT_NPM_SPECIFIERS].sort(), npm.sort());
});
