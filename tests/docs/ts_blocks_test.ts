/**
 * Every TypeScript block in the README and docs/ type-checks. A block says which file it is
 * (`<!-- file: examples/http_storage.ts -->` before the fence): its relative imports are resolved from
 * there, and a block showing a file of this repository must be that file (its leading comment aside).
 */
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../helpers/wca_process.ts";
import { spawnUntil } from "../helpers/spawned.ts";
import { documentationBlocks } from "./markdown_blocks.ts";

const blocks = documentationBlocks().filter((block) => ["ts", "typescript"].includes(block.lang));

/** The file without its leading doc comment, as the documentation shows it. */
function withoutHeader(text: string): string {
  return text.replace(/^\/\*\*[\s\S]*?\*\/\n/, "").trim();
}

Deno.test("the documentation has TypeScript blocks, each naming the file it is", () => {
  assert.ok(blocks.length > 0);
  for (const block of blocks) {
    assert.equal(block.marker?.name, "file", `${block.where}: put <!-- file: path/in/repo.ts --> before it`);
  }
});

Deno.test("a TypeScript block that shows a file of this repository is that file", () => {
  for (const block of blocks) {
    const path = `${ROOT}${block.marker!.value}`;
    let file: string;
    try {
      file = Deno.readTextFileSync(path);
    } catch {
      continue; // a file the reader is to write (a new parser), type-checked below
    }
    assert.equal(
      block.text.trim(),
      withoutHeader(file),
      `${block.where} differs from ${block.marker!.value}`,
    );
  }
});

Deno.test("every TypeScript block type-checks where it says it lives", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wca_doc_ts_" });
  try {
    const files = blocks.map((block, index) => {
      const home = dirname(resolve(ROOT, block.marker!.value));
      const text = block.text.replace(
        /(from\s+|import\s*\(\s*)(["'])(\.{1,2}\/[^"']+)\2/g,
        (_, keyword, quote, relative) =>
          `${keyword}${quote}${pathToFileURL(resolve(home, relative)).href}${quote}`,
      );
      const file = `${dir}/block_${index}.ts`;
      Deno.writeTextFileSync(file, `// ${block.where}\n${text}\n`);
      return file;
    });
    // Type-checking the agent's whole graph takes half a minute on a busy 2-CPU host.
    const check = await spawnUntil(Deno.execPath(), ["check", "--config", `${ROOT}deno.json`, ...files], {
      cwd: ROOT,
      timeoutMs: 300_000,
    });
    assert.equal(check.code, 0, `${check.stderr}\n(the blocks: ${blocks.map((b) => b.where).join(", ")})`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
