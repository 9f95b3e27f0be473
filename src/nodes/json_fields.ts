/** Reading fields of a JSON document an orchestrator sent: nothing is assumed about its shape. */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const str = (value: unknown): string | undefined => typeof value === "string" ? value : undefined;

/** What an orchestrator node makes of one listed item (a pod, a Mesos task). */
export type ItemVerdict<T> =
  | { readonly kind: "ok"; readonly key: string; readonly item: T }
  /** Not ours or not running yet: normal, worth a debug line. */
  | { readonly kind: "ignored"; readonly reason: string }
  /** Something the operator should know (malformed, unknown runtime): one warning per item. */
  | { readonly kind: "invalid"; readonly key: string; readonly reason: string };
