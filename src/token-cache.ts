/**
 * An optional cache of verified tokens, for clients that send the same token many times.
 *
 * Security trade-off (why it is off by default): a hit skips the signature check and the parsing
 * of a token whose exact bytes were verified before, under the keys in force then. So:
 * - a token stays accepted until it expires or is evicted even if its key is rotated out
 *   (call `jwt.clearVerifiedTokenCache()` when you rotate or revoke a key);
 * - a hit never outlives the token: `exp` (with the leeway) is checked on every hit;
 * - revocation, type, freshness, custom verification and user lookup still run on every request,
 *   and so does the CSRF comparison;
 * - memory is bounded (least recently used entries go first).
 *
 * @module
 */
import type { ResolvedConfig } from './config.js';
import type { DecodedToken, DecodeOptions } from './decode.js';
import { constantTimeEquals } from './claims.js';
import { CsrfError, JwtDecodeError } from './errors.js';

/** Options of `verifiedTokenCache`. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens kept; the least recently used go first. Default 10 000. */
  maxEntries?: number;
}

/** The cache: `get` answers a hit (a fresh copy) or `undefined`; `set` remembers a verified token. */
export interface VerifiedTokenCache {
  get(token: unknown, options: DecodeOptions): DecodedToken | undefined;
  set(token: unknown, decoded: DecodedToken): void;
  clear(): void;
  readonly size: number;
}

/**
 * Creates the cache for one manager.
 *
 * @example
 * ```ts
 * const cache = createVerifiedTokenCache(config, { maxEntries: 50_000 })
 * ```
 */
export function createVerifiedTokenCache(
  config: ResolvedConfig,
  options: VerifiedTokenCacheOptions,
): VerifiedTokenCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, DecodedToken>();
  return {
    get(token, decodeOptions) {
      if (typeof token !== 'string' || decodeOptions.allowExpired) return undefined;
      const hit = entries.get(token);
      if (hit === undefined) return undefined;
      const exp = hit.payload.exp;
      if (typeof exp === 'number' && Math.trunc(exp) <= config.clock() / 1000 - config.decodeLeeway) {
        // Expired since it was cached: forget it, and let the full decode report the expiry.
        entries.delete(token);
        return undefined;
      }
      entries.delete(token); // re-insert: a Map keeps insertion order, the oldest is evicted first
      entries.set(token, hit);
      if (decodeOptions.csrfValue) checkCsrf(hit, decodeOptions.csrfValue);
      return { header: { ...hit.header }, payload: { ...hit.payload } };
    },
    set(token, decoded) {
      if (typeof token !== 'string') return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(token, { header: { ...decoded.header }, payload: { ...decoded.payload } });
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

function checkCsrf(decoded: DecodedToken, csrfValue: string): void {
  if (!Object.hasOwn(decoded.payload, 'csrf')) throw new JwtDecodeError('Missing claim: csrf');
  if (!constantTimeEquals(decoded.payload.csrf, csrfValue))
    throw new CsrfError('CSRF double submit tokens do not match');
}
