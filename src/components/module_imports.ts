/**
 * The specifiers a module's code can load: static imports, `export … from`, `import()` and `new Worker()`
 * with a literal specifier, found by parsing the module (TypeScript, JSX, JavaScript) with @babel/parser, a full parser,
 * so that no import hides in what a pattern would take for a string, comment or regular expression.
 * Type-only imports are skipped: they are erased before the code runs.
 */
import type { ParserPlugin } from "@babel/parser";

export interface FoundImport {
  /** The specifier as written. */
  readonly specifier: string;
  readonly line: number;
  readonly col: number;
}

/** Something in the module that makes its imports impossible to know before it runs. */
export class UncheckableImport extends Error {
  constructor(message: string, readonly line: number, readonly col: number) {
    super(message);
    this.name = "UncheckableImport";
  }
}

interface AstNode {
  type: string;
  loc?: { start: { line: number; column: number } };
  [key: string]: unknown;
}

function pluginsFor(path: string): ParserPlugin[] {
  if (/\.(c|m)?js$/i.test(path)) return ["decorators"];
  if (/\.jsx$/i.test(path)) return ["jsx", "decorators"];
  if (/\.tsx$/i.test(path)) return ["typescript", "jsx", "decorators"];
  return ["typescript", "decorators"];
}

function where(node: AstNode): { line: number; col: number } {
  return { line: node.loc?.start.line ?? 0, col: (node.loc?.start.column ?? 0) + 1 };
}

function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as AstNode).type === "string";
}

/** The text of a string literal or of a template literal without substitutions; otherwise undefined. */
function literalText(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === "StringLiteral") return node.value as string;
  const quasis = node.quasis as Array<{ value: { cooked: string } }> | undefined;
  const expressions = node.expressions as unknown[] | undefined;
  if (node.type === "TemplateLiteral" && quasis?.length === 1 && expressions?.length === 0) {
    return quasis[0]!.value.cooked;
  }
  return undefined;
}

/**
 * The literal of `new URL("./w.ts", import.meta.url)`, the one form whose target is plain before the code
 * runs (a bare string is resolved by the runtime's rules for workers); anything else gives null, refused.
 */
function workerSpecifier(argument: unknown): unknown {
  if (
    isNode(argument) && argument.type === "NewExpression" && isNode(argument.callee) &&
    argument.callee.type === "Identifier" && argument.callee.name === "URL"
  ) {
    const [url, base] = argument.arguments as unknown[];
    const meta = isNode(base) && base.type === "MemberExpression" && isNode(base.object) &&
      base.object.type === "MetaProperty";
    if (meta) return url;
  }
  return null;
}

const SKIPPED_KEYS = new Set([
  "loc",
  "start",
  "end",
  "range",
  "extra",
  "leadingComments",
  "trailingComments",
]);

function visit(node: AstNode, found: FoundImport[]): void {
  const add = (source: unknown, at: AstNode) => {
    const text = literalText(source);
    if (text === undefined) {
      throw uncheckable(
        'import() with a computed specifier, or a Worker not made from new URL("…", import.meta.url): ' +
          "what it loads cannot be checked before it runs; use a literal path",
        at,
      );
    }
    found.push({ specifier: text, ...where(at) });
  };
  switch (node.type) {
    case "ImportDeclaration":
      if (node.importKind !== "type" && node.importKind !== "typeof") add(node.source, node);
      break;
    case "ExportNamedDeclaration":
    case "ExportAllDeclaration":
      if (node.source && node.exportKind !== "type") add(node.source, node);
      break;
    case "ImportExpression":
      add(node.source, node);
      break;
    case "CallExpression":
      if (isNode(node.callee) && node.callee.type === "Import") add((node.arguments as unknown[])[0], node);
      break;
    case "NewExpression":
      // A Worker loads a module when it starts: `new Worker(new URL("./w.ts", import.meta.url))`.
      if (isNode(node.callee) && node.callee.type === "Identifier" && node.callee.name === "Worker") {
        add(workerSpecifier((node.arguments as unknown[])[0]), node);
      }
      break;
    case "TSImportEqualsDeclaration":
      if (isNode(node.moduleReference) && node.moduleReference.type === "TSExternalModuleReference") {
        throw uncheckable("'import … = require()' is not an ES module import", node);
      }
      break;
    case "TSImportType":
      return; // import("x").T in a type: erased.
  }
  for (const [key, value] of Object.entries(node)) {
    if (SKIPPED_KEYS.has(key)) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item, found);
    } else if (isNode(value)) visit(value, found);
  }
}

function uncheckable(message: string, node: AstNode): UncheckableImport {
  const { line, col } = where(node);
  return new UncheckableImport(message, line, col);
}

/**
 * The imports in `text` (the module at `path`; its extension picks TypeScript, JSX or JavaScript).
 * Throws UncheckableImport for a computed import() and for text that does not parse.
 */
export async function findImports(path: string, text: string): Promise<FoundImport[]> {
  // Loaded only when a module is given with -r: the parser is not part of the agent's steady state.
  const { parse } = await import("@babel/parser");
  let program: AstNode;
  try {
    program = parse(text, {
      sourceType: "module",
      plugins: pluginsFor(path),
      sourceFilename: path,
    }).program as unknown as AstNode;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const reason = (error as Error).message.replace(/\s*\(\d+:\d+\)$/, "");
    throw new UncheckableImport(
      `cannot be parsed to find its imports: ${reason}`,
      loc?.line ?? 0,
      (loc?.column ?? 0) + 1,
    );
  }
  const found: FoundImport[] = [];
  visit(program, found);
  return found;
}
