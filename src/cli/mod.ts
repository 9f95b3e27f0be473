export { type CliOptions, parseCli, parseLogLevel, UsageError } from "./args.ts";
export { checkPrivileges, ROOT_REFUSAL } from "./privileges.ts";
export { USAGE } from "./usage.ts";
