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
