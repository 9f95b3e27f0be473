/** A user's mistake in a config file or on the command line: shown as one clean line, no stack trace. */

import { escapeControl } from "../logging/escape.ts";

export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export function formatPosition(position: SourcePosition): string {
  return `${position.file}:${position.line}:${position.col}`;
}

export class ConfigError extends Error {
  /** Where the first problem is; undefined when it is about the file as a whole. */
  position: SourcePosition | undefined;

  constructor(message: string, position?: SourcePosition, options?: ErrorOptions) {
    super(position ? `${formatPosition(position)}: ${message}` : message, options);
    this.name = "ConfigError";
    this.position = position;
  }
}

/** Several problems found in one pass; the message lists each on its own line. */
export class ConfigErrors extends ConfigError {
  readonly errors: readonly ConfigError[];

  constructor(errors: readonly ConfigError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "ConfigErrors";
    this.position = errors[0]?.position;
    this.errors = errors;
  }
}

export function isUserError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

/** Config text quoted in a message, escaped as log lines are, so a key cannot forge lines or escapes. */
export function printable(text: string): string {
  return escapeControl(text);
}

/**
 * A value from the config in double quotes, as messages show what was written: control characters escaped
 * as in log lines (`\x1b`, `\n`), backslashes as written, so a pattern reads `"(\d+)"` as in the file.
 */
export function quoted(text: string): string {
  return `"${escapeControl(text)}"`;
}

/**
 * Thrown by a component's constructor when a parameter is well-formed but unusable on this host (a
 * directory that does not exist, a port in use). The config loader reports it at that field, in the
 * same words as a schema error: `file:line:col: Invalid value "…" for field 'x' in !Class: <message>`.
 */
export class FieldError extends Error {
  /** The parameter's path, as a zod issue path: `["output_filename"]`, `["storages", 0]`. */
  readonly field: readonly (string | number)[];

  constructor(field: string | readonly (string | number)[], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FieldError";
    this.field = typeof field === "string" ? [field] : field;
  }
}

/** Structural, because a component loaded with -r may throw its own copy of FieldError. */
export function isFieldError(error: unknown): error is FieldError {
  return error instanceof Error && error.name === "FieldError" &&
    Array.isArray((error as { field?: unknown }).field);
}
