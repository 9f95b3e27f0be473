import denoJson from "../deno.json" with { type: "json" };

/** The agent's version, from deno.json so there is one place to bump it. */
export const WCA_VERSION: string = denoJson.version;
