/**
 * The README and docs/ pages link to each other and to files of the repository: every relative link names a
 * file that exists, and every #anchor a heading of that page (GitHub's slugs). The README's list of tags
 * (the unknown-tag example in docs/configuration.md) is the registry's.
 */
import assert from "node:assert/strict";
import { dirname, normalize } from "node:path";
import { BUILTIN_COMPONENTS } from "../../src/builtins.ts";
import { ROOT } from "../helpers/wca_process.ts";
import { documentationBlocks, documentationFiles } from "./markdown_blocks.ts";

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, "").replace(/ /g, "-");
}

function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading && !fenced) anchors.add(slug(heading[1]!));
  }
  return anchors;
}

Deno.test("slug follows GitHub's rules", () => {
  assert.equal(slug("TLS: `!SSL`"), "tls-ssl");
  assert.equal(slug("What `-r` trusts"), "what--r-trusts");
  assert.equal(slug("Nodes: where tasks come from"), "nodes-where-tasks-come-from");
});

Deno.test("every relative link in README and docs/ points at a file, and every anchor at a heading", () => {
  const broken: string[] = [];
  for (const file of documentationFiles()) {
    const text = Deno.readTextFileSync(`${ROOT}${file}`).replace(/```[\s\S]*?```/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, anchor] = target!.split("#", 2) as [string, string | undefined];
      const resolved = path ? normalize(`${dirname(`${ROOT}${file}`)}/${path}`) : `${ROOT}${file}`;
      let targetText: string;
      try {
        targetText = Deno.statSync(resolved).isFile ? Deno.readTextFileSync(resolved) : "";
      } catch {
        broken.push(`${file}: ${target} (no such file)`);
        continue;
      }
      if (anchor && !anchorsOf(targetText).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("the unknown-tag example lists exactly the registry's tags", () => {
  const block = documentationBlocks().find((b) => b.marker?.value === "config-mistakes");
  assert.ok(block, "docs/configuration.md has the config-mistakes block");
  const listed = /Available tags: ([^.]+)\./.exec(block.text)?.[1]?.split(", ");
  assert.ok(listed, "the block has the tag list");
  const tags = [...Object.keys(BUILTIN_COMPONENTS).sort(), "Env"].map((tag) => `!${tag}`);
  assert.deepEqual(listed, tags);
});
