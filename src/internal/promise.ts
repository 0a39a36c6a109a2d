/**
 * Helpers for callbacks that may be synchronous or asynchronous: the pipeline awaits only what
 * is really a promise, so synchronous apps pay for no extra ticks.
 *
 * @module
 */

/** True for promises and other thenables. */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Applies `next` to a value that may be a promise, staying synchronous when it is not: the
 * pipeline's steps chain through this so a fully synchronous app never allocates a promise.
 * (Not named `then`: a module exporting `then` is itself a thenable to `import()`.)
 *
 * @example
 * ```ts
 * return chain(store.isRevoked(record), (revoked) => (revoked ? refuse() : accept()))
 * ```
 */
export function chain<T, R>(value: T | PromiseLike<T>, next: (resolved: T) => R | PromiseLike<R>): R | Promise<R> {
  return isPromiseLike<T>(value) ? Promise.resolve(value).then(next) : (next(value) as R | Promise<R>);
}
