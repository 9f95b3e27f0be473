/** The fenced blocks of the README and docs/ pages, with the marker comment a test reads before each. */
import { ROOT } from "../helpers/wca_process.ts";

export interface Block {
  /** e.g. "docs/measuring.md:44" (the opening fence). */
  readonly where: string;
  /** The info string: "ts", "sh", "" … */
  readonly lang: string;
  readonly text: string;
  /** `<!-- NAME: VALUE -->` on the line before the fence (blank lines allowed between). */
  readonly marker: { readonly name: string; readonly value: string } | undefined;
}

/** README.md and every page under docs/ but the generated and measured ones. */
export function documentationFiles(): string[] {
  const pages = [...Deno.readDirSync(`${ROOT}docs`)].map((e) => `docs/${e.name}`).filter((name) =>
    name.endsWith(".md")
  );
  return ["README.md", ...pages.sort()];
}

/** Parses the fenced blocks of one Markdown text; indented fences (inside list items) count too. */
export function parseBlocks(file: string, source: string): Block[] {
  const lines = source.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== fence) end++;
    const body = lines.slice(i + 1, end).map((line) =>
      line.startsWith(indent!) ? line.slice(indent!.length) : line
    );
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === "") before--;
    const comment = before >= 0 ? /^\s*<!--\s*([\w-]+):\s*(.+?)\s*-->\s*$/.exec(lines[before]!) : null;
    blocks.push({
      where: `${file}:${i + 1}`,
      lang: lang!,
      text: body.join("\n"),
      marker: comment ? { name: comment[1]!, value: comment[2]! } : undefined,
    });
    i = end;
  }
  return blocks;
}

export function documentationBlocks(): Block[] {
  return documentationFiles().flatMap((file) => parseBlocks(file, Deno.readTextFileSync(`${ROOT}${file}`)));
}
