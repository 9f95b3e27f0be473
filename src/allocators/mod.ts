export { checkAllocationResult, checkTaskAllocations, PluginResultError } from "./check_result.ts";
export { NOPAllocator } from "./nop.ts";
export { NUMAAllocator } from "./numa_allocator.ts";
export { StaticAllocator } from "./static_allocator.ts";
export { allocationsFromRules, compileRules, type Rule, ruleMatches } from "./static_rules.ts";
export { parseRulesText, readRulesText } from "./static_rules_file.ts";
