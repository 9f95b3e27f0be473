/** A parsed YAML file with the means to say where a node is and how it was written. */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { ConfigError, ConfigErrors, type SourcePosition } from "./errors.ts";

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly #lines: LineCounter;

  /** Parses `text`; YAML syntax errors become ConfigErrors pointing at the offending place. */
  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.#lines = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.#lines, uniqueKeys: false, prettyErrors: false });
    if (this.doc.errors.length) {
      throw new ConfigErrors(this.doc.errors.map((error) => {
        const { line, col } = this.#lines.linePos(error.pos[0]);
        const reason = error.message.split(" at line ")[0]!;
        return new ConfigError(`YAML syntax error: ${reason}`, { file, line, col });
      }));
    }
  }

  positionOf(offset: number): SourcePosition {
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Where a node starts; for a tagged node, where its tag is written (a map's range begins after it). */
  position(node: Node | undefined | null): SourcePosition {
    if (!node?.range) return this.positionOf(0);
    const start = node.range[0];
    if (node.tag) {
      const tagAt = this.text.lastIndexOf(node.tag, start);
      if (tagAt >= 0 && /^[\s&\w-]*$/.test(this.text.slice(tagAt + node.tag.length, start))) {
        return this.positionOf(tagAt);
      }
    }
    return this.positionOf(start);
  }

  /** The node an alias points at, or the node itself. */
  resolve(node: Node | null | undefined): Node | null | undefined {
    return isAlias(node) ? this.resolve(node.resolve(this.doc) as Node | undefined) : node;
  }

  /** How a value was written, for "Invalid value X" in messages. */
  describe(node: Node | null | undefined): string {
    if (node === null || node === undefined) return "(nothing)";
    if (isAlias(node)) return `*${node.source}`;
    if (node.tag && !node.tag.startsWith("tag:yaml.org")) {
      const scalarText = isScalar(node) && node.source ? ` ${node.source}` : "";
      return `${node.tag}${scalarText}`;
    }
    if (isMap(node)) return "a mapping";
    if (isSeq(node)) return "a list";
    if (isScalar(node)) {
      if (node.value === null) return "(empty)";
      const text = typeof node.source === "string" ? node.source : String(node.value);
      const short = text.length > 60 ? text.slice(0, 57) + "..." : text;
      return typeof node.value === "string" ? JSON.stringify(short) : short;
    }
    return "a value";
  }

  /** Follows a zod issue path (keys and indexes) from `node`; stops at the deepest node that exists. */
  locate(
    node: Node | null | undefined,
    path: readonly PropertyKey[],
  ): { node: Node | null | undefined; found: boolean } {
    let current = this.resolve(node);
    for (const segment of path) {
      let next: Node | null | undefined;
      if (isMap(current)) {
        const pair = current.items.find((item) =>
          isScalar(item.key) && String(item.key.value) === String(segment)
        );
        next = pair ? (pair.value as Node | null) ?? (pair.key as Node) : undefined;
      } else if (isSeq(current) && typeof segment === "number") {
        next = current.items[segment] as Node | undefined;
      }
      if (next === undefined) return { node: current, found: false };
      current = this.resolve(next);
    }
    return { node: current, found: true };
  }

  /** Duplicate keys are errors, reported at the second occurrence (the parser's own check points elsewhere). */
  checkUniqueKeys(map: Node): void {
    if (!isMap(map)) return;
    const seen = new Map<string, Node>();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const first = seen.get(name);
      if (first) {
        const line = this.position(first).line;
        throw new ConfigError(
          `Duplicate key '${name}' (first given at line ${line})`,
          this.position(pair.key),
        );
      }
      seen.set(name, pair.key);
    }
  }

  /** The key node of `field` in a mapping, for errors about the key itself. */
  keyNode(map: Node | null | undefined, field: string): Node | undefined {
    const resolved = this.resolve(map);
    if (!isMap(resolved)) return undefined;
    const pair = resolved.items.find((item) => isScalar(item.key) && String(item.key.value) === field);
    return pair?.key as Node | undefined;
  }
}
