import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseRegistration, registerFrom } from "../../src/components/registration.ts";
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
