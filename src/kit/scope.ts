/**
 * The hook through which `jwt-extended/context` makes the zero-argument getters work. Until that
 * module is imported, `runInRequestScope` just calls the handler: apps that do not opt in pay
 * nothing for AsyncLocalStorage.
 *
 * @module
 */

/** Runs `next` with `carrier` as the current request (installed by `jwt-extended/context`). */
export type ScopeRunner = <T>(carrier: object, next: () => T) => T;

/** Makes `carrier` the current request for the code that runs from now on in this async flow. */
export type ScopeEnterer = (carrier: object) => void;

/**
 * The installed hooks live on `globalThis` under a registered symbol, not in module variables: the
 * CommonJS and ESM builds are two copies of this module, and `jwt-extended/context` imported from
 * one must make the adapters of the other enter the request scope too.
 */
interface ScopeHooks {
  run: ScopeRunner | null;
  enter: ScopeEnterer | null;
}

const HOOKS_KEY = Symbol.for('jwt-extended.request-scope');
const globalHooks = globalThis as typeof globalThis & { [HOOKS_KEY]?: ScopeHooks };
const hooks: ScopeHooks = (globalHooks[HOOKS_KEY] ??= { run: null, enter: null });

/**
 * Called by `jwt-extended/context` when imported. Not for applications.
 *
 * @example
 * ```ts
 * installRequestScope((carrier, next) => storage.run(carrier, next), (carrier) => storage.enterWith(carrier))
 * ```
 */
export function installRequestScope(run: ScopeRunner, enter: ScopeEnterer): void {
  hooks.run = run;
  hooks.enter = enter;
}

/**
 * Adapters call the rest of the request (`next()`) through this, after a successful verification.
 *
 * @example
 * ```ts
 * return runInRequestScope(req, next)
 * ```
 */
export function runInRequestScope<T>(carrier: object, next: () => T): T {
  const run = hooks.run;
  return run === null ? next() : run(carrier, next);
}

/**
 * For frameworks whose handler does not run inside the middleware's call (Fastify hooks): marks
 * `carrier` as current for the rest of this async flow.
 *
 * @example
 * ```ts
 * enterRequestScope(request)
 * ```
 */
export function enterRequestScope(carrier: object): void {
  hooks.enter?.(carrier);
}
