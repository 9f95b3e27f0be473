export type { Runner } from "../components/interfaces.ts";
export { type LoopOptions, runLoop, sleep } from "./loop.ts";
