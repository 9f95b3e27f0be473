/** Test-only components that exercise every parameter type of src/config/schema.ts. */
import {
  absolutePath,
  boolean,
  component,
  hostPort,
  integer,
  listOf,
  mapOf,
  number,
  oneOf,
  params,
  path,
  text,
  url,
  z,
} from "../../src/config/schema.ts";
import { type Storage, StorageInterface } from "../../src/components/interfaces.ts";
import { Registry } from "../../src/components/registry.ts";

const sinkSchema = params({
  path: absolutePath().optional(),
  file: path().optional(),
  url: url(["http", "https"]).optional(),
  address: hostPort().optional(),
  name: text(12).optional(),
  level: oneOf(["low", "high"]).default("low"),
  ratio: number(0, 1).default(0.5),
  count: integer(1, 10).default(1),
  tags: listOf(text(16)).default([]),
  labels: mapOf(text(32)).default({}),
  mode: z.union([boolean(), oneOf(["auto"])]).default("auto"),
});

export class TestSink {
  static readonly schema = sinkSchema;
  readonly params: z.infer<typeof sinkSchema>;
  constructor(params: z.infer<typeof sinkSchema>) {
    this.params = params;
  }
  store(): void {}
}

export class TestValue {
  static readonly scalarParam = "value";
  static readonly schema = params({ value: text() });
  readonly value: string;
  constructor(params: { value: string }) {
    this.value = params.value;
  }
}

const loopSchema = params({
  storage: component<Storage>(StorageInterface),
  storages: listOf(component<Storage>(StorageInterface)).default([]),
  value: z.custom<TestValue>((v) => v instanceof TestValue, { error: "expected a !TestValue" }).optional(),
  interval: number(0.001, 3600).default(1),
});

export class TestLoop {
  static readonly schema = loopSchema;
  readonly params: z.infer<typeof loopSchema>;
  constructor(params: z.infer<typeof loopSchema>) {
    this.params = params;
  }
  run(): void {}
}

/** A runner that declares no schema, like the hello world example. */
export class HelloLikeRunner {
  run(): void {}
}

export function testRegistry(): Registry {
  return new Registry({ TestLoop, TestSink, TestValue, HelloLikeRunner });
}
