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

let runner: ScopeRunner | null = null;
let enterer: ScopeEnterer | null = null;

/**
 * Called by `jwt-extended/context` when imported. Not for applications.
 *
 * @example
 * ```ts
 * installRequestScope((carrier, next) => storage.run(carrier, next), (carrier) => storage.enterWith(carrier))
 * ```
 */
export function installRequestScope(run: ScopeRunner, enter: ScopeEnterer): void {
  runner = run;
  enterer = enter;
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
  return runner === null ? next() : runner(carrier, next);
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
  enterer?.(carrier);
}
