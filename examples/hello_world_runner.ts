/**
 * The smallest external component: a runner that prints a greeting and exits.
 *
 *   npx -y deno@2.9.6 task wca -- -c configs/extending/hello_world.yaml \
 *     -r examples/hello_world_runner.ts:HelloWorldRunner --root
 *
 * A component is a plain class; a runner is one with run(). It needs nothing from wca to be imported.
 */
export class HelloWorldRunner {
  run(): void {
    console.log("Hello world!");
  }
}
