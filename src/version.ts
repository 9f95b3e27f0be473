import denoJson from "../deno.json" with { type: "json" };

/** The agent's version, from deno.json so there is one place to bump it. */
export const WCA_VERSION: string = denoJson.version;

/** What `wca --version` prints: `wca 0.1.0 (deno 2.9.6, v8 14.x, typescript 5.x)`. */
export function versionLine(): string {
  const { deno, v8, typescript } = Deno.version;
  return `wca ${WCA_VERSION} (deno ${deno}, v8 ${v8}, typescript ${typescript})`;
}
