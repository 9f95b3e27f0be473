/**
 * StaticAllocator's rules file: a YAML list of rules (configs/extra/static_allocator_config.yaml). Parsing
 * is pure and reports the first problem as `file:line:col: …`; reading applies the config file's trust
 * rule, because the file decides what the agent writes into cgroups.
 */
import { isNode, type Node, visit } from "yaml";
import { ConfigError } from "../config/errors.ts";
import type { FileOwner } from "../config/file_checks.ts";
import { openTrustedFile } from "../config/trusted_open.ts";
import { describeIssue } from "../config/issues.ts";
import { significantTag, tagText, YamlSource } from "../config/yaml_source.ts";
import { nearest } from "../config/suggest.ts";
import {
  allocationsSchema,
  type CompiledRule,
  compileRules,
  ruleSchema,
  rulesSchema,
} from "./static_rules.ts";

/** Known fields by the mapping that holds them (the last path segment; "" for a rule). */
const KNOWN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(ruleSchema.shape),
  allocations: Object.keys(allocationsSchema.shape),
  rdt: ["name", "l3", "mb"],
};

const MAX_RULES_BYTES = 1024 * 1024;

/** Rules from the text of a rules file; throws a ConfigError naming file, line, column, rule and field. */
export function parseRulesText(file: string, text: string): CompiledRule[] {
  const source = new YamlSource(file, text);
  visit(source.doc, {
    Node: (_key, node) => {
      const tag = significantTag(node);
      if (tag) {
        throw new ConfigError(
          `A rules file holds plain data; tag ${tagText(tag)} is not allowed`,
          source.position(node),
        );
      }
    },
  });
  const value = source.doc.toJS({ maxAliasCount: 1000 });
  // An empty file is an empty list of rules; WCA crashed on it.
  if (value === null || value === undefined) return [];
  const parsed = rulesSchema.safeParse(value);
  if (parsed.success) return compileRules(parsed.data);
  const issue = parsed.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const node = nearestNode(source, path);
  const index = typeof path[0] === "number" ? path[0] : undefined;
  const rule = index === undefined ? "" : ruleLabel(value, index);
  const field = path.slice(1).map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join(
    "",
  );
  const missing = path.length > 0 && !source.doc.hasIn(path);
  const where = field === "" ? "" : missing ? ` is missing field '${field}'` : ` field '${field}'`;
  const expected = missing && field === "allocations"
    ? "expected a mapping of allocations, e.g. { cpu_quota: 0.5 } ({} for none)"
    : issue.code === "unrecognized_keys"
    ? unknownField(
      issue.keys[0]!,
      KNOWN_FIELDS[typeof path.at(-1) === "string" ? String(path.at(-1)) : ""] ?? [],
    )
    : describeIssue(issue);
  throw new ConfigError(
    `${rule === "" ? "rules" : rule}${where}: ${expected}`,
    node ? source.position(node) : undefined,
  );
}

function unknownField(key: string, known: readonly string[]): string {
  const guess = nearest(key, known);
  const hint = guess ? ` (did you mean '${guess}'?)` : "";
  return `unknown field '${key}'${hint}; known fields: ${known.join(", ")}`;
}

function ruleLabel(value: unknown, index: number): string {
  const rule = Array.isArray(value) ? value[index] : undefined;
  const name = rule && typeof rule === "object" && typeof rule.name === "string" ? ` '${rule.name}'` : "";
  return `rule ${index + 1}${name}`;
}

/** The node at `path`, or at its longest existing prefix (a missing field points at its mapping). */
function nearestNode(source: YamlSource, path: readonly (string | number)[]): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? source.doc.contents : source.doc.getIn(path.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

/** Reads a rules file's text; every problem is a ConfigError (missing, untrusted, too big, not UTF-8). */
export function readRulesText(path: string, owner: FileOwner = {}): string {
  // Opened once: the checks apply to the descriptor the text is read from.
  const { bytes } = openTrustedFile(`Rules file ${path}`, path, { owner, maxBytes: MAX_RULES_BYTES });
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(`Rules file ${path} cannot be read: it is not valid UTF-8`);
  }
}
