/** A parsed YAML file with the means to say where a node is, how it was written, and what a mapping holds. */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
  visit,
} from "yaml";
import { ConfigError, ConfigErrors, printable, quoted, type SourcePosition } from "./errors.ts";

const YAML_TAG = "tag:yaml.org,2002:";
/** The standard tags a config may spell out (`!!str 5`); the rest (`!!python/object:…`, `!!binary`) are refused. */
const CORE_TAGS = ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `${YAML_TAG}${t}`);
const MERGE_KEY = "<<";

/** One key of a mapping with its value, after merge keys (`<<: *defaults`) are applied. */
export interface Entry {
  readonly name: string;
  readonly key: Node;
  readonly value: Node | null;
}

/** How a tag is written in a file: `!!str` for the standard ones, `!Name` for the rest. */
export function tagText(tag: string): string {
  return tag.startsWith(YAML_TAG) ? `!!${tag.slice(YAML_TAG.length)}` : tag;
}

/** A tag that names something (a component, !Env, an unknown type); undefined for none or a core tag. */
export function significantTag(node: Node | null | undefined): string | undefined {
  const tag = node?.tag;
  return tag && !CORE_TAGS.includes(tag) ? tag : undefined;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === MERGE_KEY && (key.type === undefined || key.type === Scalar.PLAIN) &&
    !key.tag;
}

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly #lines: LineCounter;
  /** Entries per mapping, so merges of merges cost one pass per mapping, not one per path to it. */
  readonly #entriesOf = new Map<Node, Entry[]>();

  /**
   * Parses `text`. YAML syntax errors, aliases without an anchor, tags on keys and standard-looking tags
   * wca does not know (`!!python/object:…`) become ConfigErrors pointing at the offending place.
   */
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
    const problems = this.#checkNodes();
    if (problems.length) throw problems.length === 1 ? problems[0]! : new ConfigErrors(problems);
  }

  #checkNodes(): ConfigError[] {
    const problems: ConfigError[] = [];
    visit(this.doc, {
      Alias: (_key, alias) => {
        if (alias.resolve(this.doc) === undefined) {
          problems.push(
            new ConfigError(
              `Undefined alias *${alias.source}: no anchor &${alias.source} is defined before it`,
              this.position(alias),
            ),
          );
        }
      },
      Node: (key, node) => {
        const tag = node.tag;
        if (!tag) return;
        if (key === "key" && !CORE_TAGS.includes(tag)) {
          problems.push(
            new ConfigError(`A mapping key cannot have the tag ${tagText(tag)}`, this.position(node)),
          );
        } else if (tag.startsWith(YAML_TAG) && !CORE_TAGS.includes(tag)) {
          problems.push(
            new ConfigError(
              `Unsupported YAML tag ${tagText(tag)}: a config may use component tags (!ClassName), !Env ` +
                `and the standard tags ${CORE_TAGS.map(tagText).join(", ")}`,
              this.position(node),
            ),
          );
        }
      },
    });
    return problems;
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
      for (const written of new Set([tagText(node.tag), node.tag])) {
        const tagAt = this.text.lastIndexOf(written, start);
        if (tagAt >= 0 && /^[\s&\w-]*$/.test(this.text.slice(tagAt + written.length, start))) {
          return this.positionOf(tagAt);
        }
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
    const tag = significantTag(node);
    if (tag) {
      const scalarText = isScalar(node) && node.source ? ` ${printable(String(node.source))}` : "";
      return `${tagText(tag)}${scalarText}`;
    }
    if (isMap(node)) return "a mapping";
    if (isSeq(node)) return "a list";
    if (isScalar(node)) {
      if (node.value === null) return "(empty)";
      const text = typeof node.source === "string" ? node.source : String(node.value);
      const short = text.length > 60 ? text.slice(0, 57) + "..." : text;
      return typeof node.value === "string" ? quoted(short) : printable(short);
    }
    return "a value";
  }

  /**
   * The keys of a mapping (through aliases) with their values. `<<: *a` and `<<: [*a, *b]` add the keys
   * of those mappings that the mapping does not set itself; earlier sources win over later ones (YAML 1.1).
   */
  entries(map: Node | null | undefined): Entry[] {
    return this.#entries(this.resolve(map), new Set());
  }

  #entries(map: Node | null | undefined, merging: Set<Node>): Entry[] {
    if (!isMap(map)) return [];
    const known = this.#entriesOf.get(map);
    if (known) return known;
    this.checkUniqueKeys(map);
    const own: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items) {
      const key = pair.key as Node;
      const value = (pair.value ?? null) as Node | null;
      if (isMergeKey(key)) {
        for (const entry of this.#mergeSources(value, key, merging)) merged.push(entry);
      } else own.push({ name: isScalar(key) ? String(key.value) : "", key, value });
    }
    const seen = new Set(own.map((entry) => entry.name));
    for (const entry of merged) {
      if (seen.has(entry.name)) continue;
      seen.add(entry.name);
      own.push(entry);
    }
    this.#entriesOf.set(map, own);
    return own;
  }

  #mergeSources(value: Node | null, key: Node, merging: Set<Node>): Entry[] {
    const target = this.resolve(value);
    const sources = isSeq(target) ? (target.items as Node[]) : [value];
    const entries: Entry[] = [];
    for (const source of sources) {
      const map = this.resolve(source);
      if (!isMap(map)) {
        throw new ConfigError(
          `Invalid value ${this.describe(source)} for the merge key <<: expected a mapping or a list of ` +
            `mappings, e.g. <<: *defaults or <<: [*a, *b]`,
          this.position(source ?? key),
        );
      }
      if (merging.has(map)) {
        throw new ConfigError("A merge key refers to the mapping that contains it", this.position(source));
      }
      merging.add(map);
      for (const entry of this.#entries(map, merging)) entries.push(entry);
      merging.delete(map);
    }
    return entries;
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
        const entry = this.entries(current).find((item) => item.name === String(segment));
        next = entry ? entry.value ?? entry.key : undefined;
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
          `Duplicate key '${printable(name)}' (first given at line ${line})`,
          this.position(pair.key),
        );
      }
      seen.set(name, pair.key);
    }
  }

  /** The key node of `field` in a mapping (merged keys included), for errors about the key itself. */
  keyNode(map: Node | null | undefined, field: string): Node | undefined {
    return this.entries(map).find((entry) => entry.name === field)?.key;
  }
}
