/** Loads allocator and detector components from YAML the way the agent does, under a minimal runner. */
import { NOPAllocator } from "../../src/allocators/nop.ts";
import { NUMAAllocator } from "../../src/allocators/numa_allocator.ts";
import { StaticAllocator } from "../../src/allocators/static_allocator.ts";
import { type Allocator, AllocatorInterface } from "../../src/components/interfaces.ts";
import { Registry } from "../../src/components/registry.ts";
import { buildRunner, parseConfigText } from "../../src/config/loader.ts";
import { component, params, type z } from "../../src/config/schema.ts";
import { NOPAnomalyDetector } from "../../src/detectors/nop.ts";

const holderSchema = params({ allocator: component<Allocator>(AllocatorInterface) });

/** A runner that only holds its allocator, so tests can reach the constructed component. */
export class AllocatorHolder {
  static readonly schema = holderSchema;
  readonly allocator: Allocator;
  constructor(p: z.infer<typeof holderSchema>) {
    this.allocator = p.allocator;
  }
  run(): void {}
}

export const registry = () =>
  new Registry({ AllocatorHolder, NOPAllocator, NUMAAllocator, StaticAllocator, NOPAnomalyDetector });

/** The allocator `yaml` (indented under `allocator:`) builds, or the ConfigError it causes. */
export function loadAllocator(yaml: string, file = "/etc/wca/config.yaml"): Allocator {
  const text = `runner: !AllocatorHolder\n  allocator: ${yaml}`;
  const runner = buildRunner(parseConfigText(file, text), {
    components: registry(),
  }) as unknown as AllocatorHolder;
  return runner.allocator;
}
