/**
 * JsonItems against JSON.parse: every document of a table, cut into chunks at every position, gives the
 * same envelope and the same list elements, and every malformed one is refused as JSON.parse refuses it.
 * A 300,000-element list and nesting far past the limit are read without recursion.
 */
import assert from "node:assert/strict";
import { JsonBody, WHOLE_BELOW } from "../../src/nodes/json_body.ts";
import { handOver, JsonItems, JsonSyntaxError, MAX_DEPTH } from "../../src/nodes/json_items.ts";
import { pod, podList } from "../helpers/k8s_docs.ts";

function read(chunks: readonly string[], path?: readonly string[], maxItemChars?: number) {
  const items: unknown[] = [];
  const reader = new JsonItems({
    ...(path ? { path } : {}),
    each: (item) => items.push(item),
    ...(maxItemChars ? { maxItemChars } : {}),
  });
  for (const chunk of chunks) reader.write(chunk);
  return { envelope: reader.end(), items };
}

/** Every way of cutting `text` in two, plus one character at a time. */
function cuts(text: string): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

const POD_LIST = JSON.stringify(podList([
  pod({ uid: "u-1", name: "a", qos: "Burstable", containers: [{ name: "c", id: "containerd://1" }] }),
  pod({ uid: "u-2", name: 'b\u00e9\\"\n', qos: "BestEffort", containers: [] }),
]));

const VALID: ReadonlyArray<[string, string, string[] | undefined]> = [
  ["a PodList", POD_LIST, ["items"]],
  [
    "GET_STATE",
    '{"type":"GET_STATE","get_state":{"get_tasks":{"launched_tasks":[{"a":1},2,"x",null,[[]]]},"get_executors":{"e":[1,2]}}}',
    ["get_state", "get_tasks", "launched_tasks"],
  ],
  [
    "scalars of every kind",
    '{"items":[0,-0,1.5e-5,-2.5E+3,1e999,true,false,null,"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t"],"n":-12.25e2}',
    ["items"],
  ],
  ["items null", '{"kind":"PodList","items":null}', ["items"]],
  ["no items", '{"kind":"Status","status":"Failure","details":{"x":[1]}}', ["items"]],
  ["items an object", '{"items":{"a":1}}', ["items"]],
  ["a whole document", ' {"a":[1,{"b":[true,{"c":null}]}],"d":"e"} \n', undefined],
  ["a bare number", "42", undefined],
  ["a bare string", '"x"', undefined],
  ["an empty list", '{"items":[ ]}', ["items"]],
  ["a root array off the path", '[1,{"items":[1]}]', ["items"]],
  ["a repeated key (the last wins, as JSON.parse)", '{"items":[1],"items":[2]}', ["items"]],
];

/** JSON.parse's view: the envelope with the list emptied and containers off the path emptied. */
function expected(text: string, path: readonly string[] | undefined) {
  const whole = JSON.parse(text);
  if (path === undefined) return { envelope: whole, items: [] };
  const items: unknown[] = [];
  const beside = (child: unknown) =>
    child !== null && typeof child === "object" ? (Array.isArray(child) ? [] : {}) : child;
  const shape = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
      if (depth !== path.length) return value.map(beside);
      for (const item of value) items.push(item);
      return [];
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = key === path[depth] && depth < path.length ? shape(child, depth + 1) : beside(child);
    }
    return out;
  };
  // A repeated key: only the last value counts, and its elements alone were handed over last.
  return { envelope: shape(whole, 0), items };
}

Deno.test("JsonItems reads each document as JSON.parse does, however it is cut into chunks", () => {
  for (const [name, text, path] of VALID) {
    const want = expected(text, path);
    for (const chunks of cuts(text)) {
      const got = read(chunks, path);
      assert.deepEqual(got.envelope, want.envelope, `${name} cut as ${JSON.stringify(chunks.slice(0, 2))}`);
      if (!name.startsWith("a repeated key")) assert.deepEqual(got.items, want.items, name);
    }
  }
});

const INVALID: readonly string[] = [
  "",
  " ",
  "{",
  "[1,]",
  "[1 2]",
  '{"a":1,}',
  '{"a" 1}',
  "{a:1}",
  "{'a':1}",
  '{"items":[{"a":1} {"b":2}]}',
  '{"items":[1}',
  '{"items":[1]]',
  '{"a":1}x',
  '{"a":1}{"b":2}',
  "01",
  "1.",
  ".5",
  "-",
  "1e",
  "+1",
  "0x1F",
  "NaN",
  "Infinity",
  "tru",
  "nul",
  "True",
  '"\\x41"',
  '"\\u12G4"',
  '"a\nb"',
  '"a\tb"',
  '"abc',
  '{"items":["abc]}',
  "<html><body>Welcome to nginx!</body></html>",
];

Deno.test("JsonItems refuses what JSON.parse refuses, naming the position", () => {
  for (const text of INVALID) {
    assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse accepts ${JSON.stringify(text)}`);
    for (const chunks of cuts(text)) {
      assert.throws(() => read(chunks, ["items"]), JsonSyntaxError, JSON.stringify(chunks));
    }
  }
  assert.throws(() => read(["[1 2]"]), /expected ',' or '\]' at character 3, got "2"/);
  assert.throws(() => read(["{"]), /ends early/);
});

Deno.test("JsonItems hands over 300,000 elements one at a time and keeps none", () => {
  const count = 300_000;
  const text = `{"kind":"PodList","items":[${Array.from({ length: count }, () => "{}").join(",")}]}`;
  let seen = 0;
  const reader = new JsonItems({ path: ["items"], each: () => seen++ });
  for (let at = 0; at < text.length; at += 65536) reader.write(text.slice(at, at + 65536));
  assert.deepEqual(reader.end(), { kind: "PodList", items: [] });
  assert.equal(seen, count);
});

Deno.test("JsonItems refuses nesting deeper than MAX_DEPTH and elements larger than the limit", () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  assert.throws(() => read([deep]), new RegExp(`nested deeper than ${MAX_DEPTH} levels`));
  assert.throws(() => read([`{"items":[${deep}]}`], ["items"]), /nested deeper/);
  const big = JSON.stringify({ items: [{ a: "x".repeat(1000) }] });
  assert.throws(() => read([big], ["items"], 500), /a list element is larger than 500 characters/);
  assert.equal(read([big], ["items"], 2000).items.length, 1);
});

Deno.test("handOver gives from a parsed document what JsonItems gives from its text", () => {
  for (const [name, text, path] of VALID) {
    if (path === undefined) continue;
    const items: unknown[] = [];
    const envelope = handOver(JSON.parse(text), path, (item) => items.push(item));
    const streamed = read([text], path);
    assert.deepEqual(envelope, streamed.envelope, name);
    if (!name.startsWith("a repeated key")) assert.deepEqual(items, streamed.items, name);
  }
  const proto = handOver(JSON.parse('{"__proto__":{"items":[1]},"items":[2]}'), ["items"], () => {});
  assert.deepEqual(Object.keys(proto as object), ["__proto__", "items"]);
  assert.equal(Object.getPrototypeOf(proto), Object.prototype, "a __proto__ key is an own property");
});

Deno.test("JsonBody: parsed whole below WHOLE_BELOW, streamed above it, with the same result", () => {
  const encoder = new TextEncoder();
  const run = (text: string) => {
    const items: unknown[] = [];
    const body = new JsonBody({
      items: { path: ["items"], each: (item) => items.push(item) },
      maxItemChars: 1e9,
      parse: true,
    });
    const bytes = encoder.encode(text);
    // Cut inside multi-byte characters too.
    for (let at = 0; at < bytes.length; at += 65_531) body.push(bytes.subarray(at, at + 65_531));
    return { envelope: body.end(), items: items.length, head: body.head };
  };
  const element = JSON.stringify({ name: "\u00e9t\u00e9 \ud83d\ude00", pad: "x".repeat(200) });
  const list = (count: number) => `{"kind":"PodList","items":[${Array(count).fill(element).join(",")}]}`;
  const small = run(list(100));
  assert.deepEqual(small.envelope, { kind: "PodList", items: [] });
  assert.equal(small.items, 100);
  const count = Math.ceil(WHOLE_BELOW / element.length) * 2;
  const large = run(list(count));
  assert.deepEqual(large.envelope, { kind: "PodList", items: [] });
  assert.equal(large.items, count);
  assert.ok(large.head.startsWith('{"kind":"PodList"'));
  assert.throws(() => run(list(count) + "x"), JsonSyntaxError);
  assert.throws(() => run(list(10) + "x"), JsonSyntaxError);
  const error = new JsonBody({ maxItemChars: 1e9, parse: false });
  error.push(encoder.encode("Service Unavailable"));
  assert.equal(error.end(), undefined);
  assert.equal(error.head, "Service Unavailable");
});
