/** Tag name → component class: the built-in list plus what `-r` registered. */
import type { ComponentClass } from "./component.ts";

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryError";
  }
}

const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class Registry {
  readonly #builtins: ReadonlyMap<string, ComponentClass>;
  readonly #external = new Map<string, { cls: ComponentClass; origin: string }>();

  /** `builtins` maps tag names to classes; tags come from the keys, not from `class.name` (bundlers rename). */
  constructor(builtins: Readonly<Record<string, ComponentClass>>) {
    this.#builtins = new Map(Object.entries(builtins));
  }

  /** Adds an external component under `tag`; `origin` is named in messages (e.g. the -r argument). */
  add(tag: string, cls: ComponentClass, origin: string): void {
    if (!TAG_NAME.test(tag)) {
      throw new RegistryError(`Cannot register '${tag}' from ${origin}: not a valid tag name`);
    }
    if (typeof cls !== "function") {
      throw new RegistryError(`Cannot register '${tag}' from ${origin}: it is not a class`);
    }
    if (this.#builtins.has(tag) || tag === "Env") {
      throw new RegistryError(
        `Cannot register '${tag}' from ${origin}: a built-in component has that name; rename the class`,
      );
    }
    const existing = this.#external.get(tag);
    if (existing && existing.cls !== cls) {
      throw new RegistryError(
        `Cannot register '${tag}' from ${origin}: already registered from ${existing.origin}`,
      );
    }
    this.#external.set(tag, { cls, origin });
  }

  get(tag: string): ComponentClass | undefined {
    return this.#builtins.get(tag) ?? this.#external.get(tag)?.cls;
  }

  names(): string[] {
    return [...this.#builtins.keys(), ...this.#external.keys()].sort();
  }

  isBuiltin(tag: string): boolean {
    return this.#builtins.has(tag);
  }
}
