/**
 * The TTL and cut-off rules every store shares, so memory and Redis answer the same way.
 *
 * @module
 */
import type { TtlSeconds } from './types.js';

/**
 * Shortest time a record is kept, in seconds. A caller's `exp + leeway - now` may reach zero or
 * go negative for a token in its last instant; keeping the record a little longer than the token
 * can live is harmless, while dropping it at once would let a concurrent request through.
 */
export const MIN_TTL_SECONDS = 1;

/**
 * Validates a TTL and applies the one-second floor; `null` (keep for good) passes through.
 * A non-number is a bug in the caller, so it throws rather than guessing.
 *
 * @example
 * ```ts
 * normalizeTtl(0.2); // 1
 * normalizeTtl(null); // null
 * ```
 */
export function normalizeTtl(ttlSeconds: TtlSeconds): number | null {
  if (ttlSeconds === null) return null;
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds)) {
    throw new TypeError('ttlSeconds must be a finite number of seconds or null');
  }
  return Math.max(ttlSeconds, MIN_TTL_SECONDS);
}

/**
 * Validates a "log out everywhere" cut-off (epoch seconds, fractions allowed).
 *
 * @example
 * ```ts
 * checkCutoff(Date.now() / 1000);
 * ```
 */
export function checkCutoff(beforeEpochSeconds: number): number {
  if (typeof beforeEpochSeconds !== 'number' || !Number.isFinite(beforeEpochSeconds)) {
    throw new TypeError('beforeEpochSeconds must be a finite number of epoch seconds');
  }
  return beforeEpochSeconds;
}

/**
 * The cut-off rule: refused when issued strictly before the cut-off, or when the token has no
 * `iat` at all (nothing proves it came after the logout).
 *
 * @example
 * ```ts
 * issuedBeforeCutoff(1_700_000_000, 1_700_000_000.4); // true: same second, refused (fail safe)
 * issuedBeforeCutoff(1_700_000_001, 1_700_000_000.4); // false
 * ```
 */
export function issuedBeforeCutoff(iat: number | undefined, cutoff: number): boolean {
  // NaN on either side (a corrupted stored value) must refuse, hence the negated comparison.
  return iat === undefined || !(iat >= cutoff);
}

/**
 * Validates a refresh reuse interval (seconds, `0` for strict single use).
 *
 * @example
 * ```ts
 * checkInterval(10); // 10
 * ```
 */
export function checkInterval(reuseIntervalSeconds: number): number {
  if (typeof reuseIntervalSeconds !== 'number' || !(reuseIntervalSeconds >= 0) || reuseIntervalSeconds === Infinity) {
    throw new TypeError('reuseIntervalSeconds must be a finite number of seconds >= 0');
  }
  return reuseIntervalSeconds;
}
