import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkModule, parseRegistration, registerFrom } from "../../src/components/registration.ts";
import { Registry, RegistryError } from "../../src/components/registry.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/components/", import.meta.url));

class BuiltinStorage {
  store() {}
}

function registry(): Registry {
  return new Registry({ BuiltinStorage });
}

Deno.test("argument forms: path:Class, file URL:Class, module specifier, bare module", () => {
  const cwd = "/work/project";
  assert.deepEqual(parseRegistration("examples/hello.ts:Hello", cwd), {
    specifier: "file:///work/project/examples/hello.ts",
    className: "Hello",
  });
  assert.deepEqual(parseRegistration("/opt/my dir/m.ts:M", cwd), {
    specifier: "file:///opt/my%20dir/m.ts",
    className: "M",
  });
  assert.deepEqual(parseRegistration("file:///opt/m.ts:M", cwd), {
    specifier: "file:///opt/m.ts",
    className: "M",
  });
  assert.deepEqual(parseRegistration("npm:some-pkg@1.0.0:Thing", cwd), {
    specifier: "npm:some-pkg@1.0.0",
    className: "Thing",
  });
  assert.deepEqual(parseRegistration("npm:some-pkg", cwd), {
    specifier: "npm:some-pkg",
    className: undefined,
  });
  assert.deepEqual(parseRegistration("./m.ts", cwd), {
    specifier: "file:///work/project/m.ts",
    className: undefined,
  });
  assert.throws(() => parseRegistration("m.ts:", cwd), { message: "-r m.ts:: missing class name after ':'" });
});

Deno.test("-r module:Class registers that class under its export name", async () => {
  const reg = registry();
  assert.deepEqual(await registerFrom(reg, `${FIXTURES}plain_components.ts:PlainStorage`), ["PlainStorage"]);
  assert.equal(typeof reg.get("PlainStorage"), "function");
  assert.deepEqual(reg.names(), ["BuiltinStorage", "PlainStorage"]);
});

Deno.test("-r module registers every export marked with register(), as decorator or call", async () => {
  const reg = registry();
  const url = pathToFileURL(`${FIXTURES}marked_components.ts`).href;
  assert.deepEqual((await registerFrom(reg, url)).sort(), ["MarkedRunner", "MarkedStorage"]);
  assert.equal(reg.get("UnmarkedHelper"), undefined);
});

Deno.test("clear errors: missing module, missing export, not a class, nothing marked, built-in name", async () => {
  const plain = `${FIXTURES}plain_components.ts`;
  const plainUrl = pathToFileURL(plain).href;
  const cases: Array<[string, RegExp]> = [
    [`${FIXTURES}nope.ts:X`, /^-r .*nope\.ts:X: cannot import file:\/\/.*nope\.ts: Module not found/],
    [`${plain}:Missing`, new RegExp(`has no export 'Missing' \\(it exports: PlainStorage\\)$`)],
    [`${plain}:notAClass`, /export 'notAClass' is not a class$/],
    [plain, new RegExp(`^-r ${plain}: ${plainUrl} exports no class marked with register\\(\\)`)],
  ];
  for (const [argument, pattern] of cases) {
    await assert.rejects(registerFrom(registry(), argument), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.match(error.message, pattern);
      return true;
    });
  }
  const reg = registry();
  assert.throws(() => reg.add("BuiltinStorage", class {}, "-r x.ts:BuiltinStorage"), {
    message:
      "Cannot register 'BuiltinStorage' from -r x.ts:BuiltinStorage: a built-in component has that name; rename the class",
  });
});

const IS_ROOT = Deno.uid() === 0;

/** A module whose top-level code leaves a mark, so a test can tell whether importing it ran anything. */
async function markingModule(dir: string, mode: number): Promise<{ path: string; marker: string }> {
  const path = `${dir}/component.ts`;
  const marker = `${dir}/ran`;
  await Deno.writeTextFile(
    path,
    `Deno.writeTextFileSync(${JSON.stringify(marker)}, "top-level code ran");\n` +
      "export class Thing { store() {} }\n",
  );
  await Deno.chmod(path, mode);
  return { path, marker };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function refusedBeforeImport(
  argument: string,
  marker: string,
  pattern: RegExp,
  cwd?: string,
): Promise<void> {
  await assert.rejects(registerFrom(registry(), argument, { cwd }), (error: unknown) => {
    assert.ok(error instanceof RegistryError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
  assert.equal(exists(marker), false, "the module's top-level code must not have run");
}

Deno.test("-r refuses a world-writable module owned by another user before running any of it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { path, marker } = await markingModule(dir, 0o666);
    if (IS_ROOT) await Deno.chown(path, 65534, 65534);
    const owner = IS_ROOT ? "uid 65534" : `uid ${Deno.uid()}`;
    // As root the file belongs to nobody; otherwise it is ours but writable by everyone.
    const pattern = IS_ROOT
      ? new RegExp(
        `^-r ${path}:Thing: Module ${path} is owned by ${owner}; it must be owned by the user running wca`,
      )
      : new RegExp(
        `^-r ${path}:Thing: Module ${path} is writable by others \\(mode 666\\); run 'chmod go-w ${path}'`,
      );
    await refusedBeforeImport(`${path}:Thing`, marker, pattern);
    // The class need not exist: the refusal comes before anything could look.
    await refusedBeforeImport(`${path}:Missing`, marker, /it was not imported$/);
    if (IS_ROOT) await Deno.chown(path, 0, 0);
    await refusedBeforeImport(
      path,
      marker,
      new RegExp(
        `^-r ${path}: Module ${path} is writable by others \\(mode 666\\); run 'chmod go-w ${path}' .*it was not imported$`,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-r refuses a module writable by a group other than root's, and accepts it once fixed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { path, marker } = await markingModule(dir, 0o664);
    const gid = IS_ROOT ? 65534 : Deno.gid()!;
    await Deno.chown(path, null, gid);
    await refusedBeforeImport(
      `${path}:Thing`,
      marker,
      new RegExp(
        `Module ${path} is writable by its group \\(gid ${gid}, mode 664\\); run 'chmod go-w ${path}'`,
      ),
    );
    await Deno.chmod(path, 0o644);
    const reg = registry();
    assert.deepEqual(await registerFrom(reg, `${path}:Thing`), ["Thing"]);
    assert.equal(exists(marker), true, "a trusted module is imported");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-r: a relative path is checked where it resolves; a missing file says so", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { marker } = await markingModule(dir, 0o646);
    await refusedBeforeImport(
      "./component.ts:Thing",
      marker,
      new RegExp(`^-r \\./component\\.ts:Thing: Module ${dir}/component\\.ts is writable by others`),
      dir,
    );
    await assert.rejects(
      registerFrom(registry(), "./component.ts:Thing", { cwd: "/nonexistent-dir" }),
      {
        message:
          /^-r \.\/component\.ts:Thing: cannot import file:\/\/\/nonexistent-dir\/component\.ts: Module not found/,
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-r: anything but a local file is refused, saying why", async () => {
  const cases: Array<[string, RegExp]> = [
    ["npm:some-pkg@1.0.0", /was not imported: registry packages are not loaded by -r/],
    ["jsr:@std/fs", /was not imported: registry packages are not loaded by -r/],
    ["https://example.com/m.ts", /was not imported: code from the network is not loaded/],
    ["http://example.com/m.ts", /was not imported: code from the network is not loaded/],
    ["data:text/javascript,export{}", /was not imported: inline code is not loaded/],
    ["blob:null/1234", /was not imported: inline code is not loaded/],
    ["node:fs", /was not imported: -r loads local files only/],
  ];
  for (const [specifier, pattern] of cases) {
    await assert.rejects(checkModule(specifier, specifier), { message: pattern }, specifier);
  }
  await assert.rejects(checkModule("x", "file:///nonexistent/m.ts"), {
    message: "-r x: cannot import file:///nonexistent/m.ts: Module not found (no file /nonexistent/m.ts)",
  });
});
