/**
 * Who closes what. The config graph constructs components; the lifecycle remembers every one that has a
 * `close()` and closes each once, in reverse order of construction (a runner before the storage and node
 * it was given), on every exit path of the entry point. A component closes only what it made itself.
 */

interface Closable {
  close(): unknown;
}

function isClosable(value: unknown): value is Closable {
  return value !== null && typeof value === "object" && typeof (value as Closable).close === "function";
}

export class Lifecycle {
  readonly #components: Closable[] = [];
  readonly #seen = new WeakSet<object>();
  #closed = false;

  /** Remembers `component` if it has close(); an alias of one instance is remembered once. */
  track(component: unknown): void {
    if (!isClosable(component) || this.#seen.has(component)) return;
    this.#seen.add(component);
    if (this.#closed) throw new Error("a component was constructed after shutdown");
    this.#components.push(component);
  }

  /** Whether the lifecycle closes `component` (so whoever was handed it must not). */
  owns(component: unknown): boolean {
    return component !== null && typeof component === "object" && this.#seen.has(component);
  }

  get size(): number {
    return this.#components.length;
  }

  /** Closes every component once, newest first; a failure is reported and the others still close. */
  async closeAll(onError: (component: object, error: unknown) => void): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const component of this.#components.splice(0).reverse()) {
      try {
        await component.close();
      } catch (error) {
        onError(component, error);
      }
    }
  }
}
