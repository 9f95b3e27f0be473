export { type ComponentClass, type ComponentContext, isRegisteredClass, register } from "./component.ts";
export * from "./interfaces.ts";
export { parseRegistration, registerFrom, type RegistrationSpec } from "./registration.ts";
export { Registry, RegistryError } from "./registry.ts";
export * from "./decisions.ts";
export type * from "./snapshot.ts";
export { Lifecycle } from "./lifecycle.ts";
export { SSL, type TlsOptions } from "./ssl.ts";
