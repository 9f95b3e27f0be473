/**
 * Builds the component graph from a YAML document: `!ClassName` on mappings, empty nodes and scalars
 * constructs components; `!Env NAME` reads an environment variable; an alias yields the very instance its
 * anchor built. Every parameter is validated against the component's schema before construction.
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
// deno-lint-ignore no-import-prefix -- fully specified, so a plugin outside this repository (another deno.json) resolves it
import type { z } from "npm:zod@4.6.7";
import type { ComponentClass, ComponentContext } from "../components/component.ts";
import { ConfigError, ConfigErrors, isFieldError, printable, quoted } from "./errors.ts";
import { describeIssue } from "./issues.ts";
import { nearest } from "./suggest.ts";
import { significantTag, tagText, type YamlSource } from "./yaml_source.ts";

export interface ComponentLookup {
  get(tag: string): ComponentClass | undefined;
  names(): readonly string[];
}

export interface GraphOptions {
  components: ComponentLookup;
  env: (name: string) => string | undefined;
  context: ComponentContext;
}

const ENV_TAG = "!Env";
const MAX_DEPTH = 64;

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((seg, i) =>
    typeof seg === "number" ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`
  )
    .join("");
}

export class GraphBuilder {
  readonly #source: YamlSource;
  readonly #options: GraphOptions;
  /** Built values by node identity, so an alias shares the anchor's instance. */
  readonly #built = new Map<Node, unknown>();
  readonly #building = new Set<Node>();

  constructor(source: YamlSource, options: GraphOptions) {
    this.#source = source;
    this.#options = options;
  }

  build(node: Node | null | undefined, depth = 0): unknown {
    if (node === null || node === undefined) return null;
    if (depth > MAX_DEPTH) throw this.#error(node, `Nesting deeper than ${MAX_DEPTH} levels`);
    const target = this.#source.resolve(node);
    if (target === null || target === undefined) return null;
    if (this.#built.has(target)) return this.#built.get(target);
    if (this.#building.has(target)) {
      throw this.#error(node, "An alias refers to the mapping that contains it");
    }
    this.#building.add(target);
    try {
      const value = this.#buildNode(target, depth);
      this.#built.set(target, value);
      return value;
    } finally {
      this.#building.delete(target);
    }
  }

  #buildNode(node: Node, depth: number): unknown {
    const tag = significantTag(node);
    if (tag === ENV_TAG) return this.#buildEnv(node);
    if (tag) return this.#buildComponent(node, tag, depth);
    if (isMap(node)) return this.#buildMapping(node, depth);
    if (isSeq(node)) return node.items.map((item) => this.build(item as Node, depth + 1));
    if (isScalar(node)) return node.value;
    throw this.#error(node, "Unsupported YAML node");
  }

  #buildMapping(node: Node, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    if (!isMap(node)) return result;
    for (const { name, key, value } of this.#source.entries(node)) {
      if (!isScalar(key) || (typeof key.value !== "string" && typeof key.value !== "number")) {
        throw this.#error(key, "Mapping keys must be plain strings");
      }
      if (name === "__proto__" || name === "constructor" || name === "prototype") {
        throw this.#error(key, `Reserved key '${printable(name)}' is not allowed`);
      }
      result[name] = this.build(value, depth + 1);
    }
    return result;
  }

  #buildEnv(node: Node): string {
    const name = isScalar(node) && typeof node.value === "string" ? node.value.trim() : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw this.#error(
        node,
        `!Env expects an environment variable name, got ${this.#source.describe(node)}`,
      );
    }
    const value = this.#options.env(name);
    if (value === undefined) throw this.#error(node, `Environment variable ${name} (from !Env) is not set`);
    return value;
  }

  #buildComponent(node: Node, tag: string, depth: number): object {
    const name = tag.slice(1);
    const cls = tag.startsWith("!") ? this.#options.components.get(name) : undefined;
    if (!cls) {
      const tags = [...this.#options.components.names().map((n) => `!${n}`), ENV_TAG];
      const guess = nearest(tagText(tag), tags);
      const hint = guess ? `; did you mean ${guess}?` : ".";
      throw this.#error(
        node,
        `Unknown tag ${tagText(tag)}${hint} Available tags: ${tags.join(", ")}. ` +
          `External components are added with -r path/to/module.ts:ClassName`,
      );
    }
    const params = this.#componentParams(node, cls, tag, depth);
    const parsed = this.#validate(node, cls, tag, params);
    try {
      const instance = new cls(parsed, this.#options.context);
      this.#options.context.lifecycle?.track(instance);
      return instance;
    } catch (error) {
      if (isFieldError(error)) throw this.#fieldError(node, tag, error.field, error.message, error);
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Cannot create ${tag}: ${reason}`, this.#source.position(node), { cause: error });
    }
  }

  #componentParams(node: Node, cls: ComponentClass, tag: string, depth: number): Record<string, unknown> {
    if (isMap(node)) return this.#buildMapping(node, depth);
    if (isScalar(node)) {
      if (node.value === null || node.value === "") return {};
      if (cls.scalarParam) return { [cls.scalarParam]: node.value };
      const written = quoted(String(node.source ?? node.value));
      throw this.#error(node, `${tag} takes a mapping of parameters, not the value ${written}`);
    }
    throw this.#error(node, `${tag} takes a mapping of parameters, not a list`);
  }

  #validate(node: Node, cls: ComponentClass, tag: string, params: Record<string, unknown>): unknown {
    if (!cls.schema) {
      const given = Object.keys(params);
      if (given.length) {
        const key = this.#source.keyNode(node, given[0]!) ?? node;
        throw this.#error(key, `${tag} takes no parameters, but '${given[0]}' was given`);
      }
      return {};
    }
    const result = (cls.schema as z.ZodType).safeParse(params);
    if (result.success) return result.data;
    const errors = result.error.issues.flatMap((issue) => this.#issueErrors(node, tag, issue));
    throw errors.length === 1 ? errors[0]! : new ConfigErrors(errors);
  }

  #issueErrors(node: Node, tag: string, issue: z.core.$ZodIssue): ConfigError[] {
    const source = this.#source;
    if (issue.code === "unrecognized_keys") {
      const { node: owner } = source.locate(node, issue.path);
      const known = this.#knownFields(issue.path, tag);
      return issue.keys.map((key) => {
        const at = source.keyNode(owner, key) ?? owner ?? node;
        const where = issue.path.length ? `in '${formatPath(issue.path)}' of ${tag}` : `in ${tag}`;
        const guess = nearest(key, known);
        const hint = guess ? `; did you mean '${guess}'?` : "";
        const list = known.length ? `${guess ? " Known" : "; known"} fields: ${known.join(", ")}` : "";
        return new ConfigError(
          `Unknown field '${printable(key)}' ${where}${hint}${list}`,
          source.position(at),
        );
      });
    }
    const field = formatPath(issue.path);
    const { node: at, found } = source.locate(node, issue.path);
    const expected = describeIssue(issue);
    if (!found) {
      return [
        new ConfigError(`Missing field '${field}' in ${tag}: ${expected}`, source.position(at ?? node)),
      ];
    }
    const given = source.describe(at);
    const subject = field ? `for field '${field}' in ${tag}` : `for ${tag}`;
    return [new ConfigError(`Invalid value ${given} ${subject}: ${expected}`, source.position(at))];
  }

  /** A parameter the constructor found unusable, reported at the parameter's value. */
  #fieldError(
    node: Node,
    tag: string,
    path: readonly PropertyKey[],
    message: string,
    cause: unknown,
  ): ConfigError {
    const { node: at, found } = this.#source.locate(node, path);
    const subject = `for field '${formatPath(path)}' in ${tag}`;
    const given = found ? this.#source.describe(at) : "(default)";
    return new ConfigError(
      `Invalid value ${given} ${subject}: ${message}`,
      this.#source.position(found ? at : node),
      {
        cause,
      },
    );
  }

  #knownFields(path: readonly PropertyKey[], tag: string): string[] {
    if (path.length) return [];
    const cls = this.#options.components.get(tag.slice(1));
    const shape = (cls?.schema as { shape?: Record<string, unknown> } | undefined)?.shape;
    return shape ? Object.keys(shape) : [];
  }

  #error(node: Node | null | undefined, message: string): ConfigError {
    return new ConfigError(message, this.#source.position(node));
  }
}
