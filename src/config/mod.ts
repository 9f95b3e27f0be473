export {
  ConfigError,
  ConfigErrors,
  FieldError,
  isFieldError,
  isUserError,
  type SourcePosition,
} from "./errors.ts";
export { checkTrustedFile, readTrustedConfig } from "./file_checks.ts";
export { type ComponentLookup, GraphBuilder } from "./graph.ts";
export {
  type BuildOptions,
  buildRunner,
  parseConfigText,
  type ParsedConfig,
  readConfigFile,
} from "./loader.ts";
export * from "./schema.ts";
