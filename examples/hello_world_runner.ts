/**
 * The smallest external component: a runner that prints a greeting and exits.
 *
 *   deno task wca -- -c configs/extending/hello_world.yaml -r examples/hello_world_runner.ts:HelloWorldRunner
 *
 * A component is a plain class; a runner is one with run(). It needs nothing from wca to be imported.
 */
export class HelloWorldRunner {
  run(): void {
    console.log("Hello world!");
  }
}
