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
 * - memory is bounded (least recently used entries go first);
 * - a payload served from the cache is frozen (shared by the requests that send the token).
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
  // Keyed by the signature segment (43 characters for HS256), not the whole token: hashing a
  // fresh 400-character string on every request was most of a hit's cost. A hit still requires
  // the whole token to be equal to the one verified.
  const entries = new Map<string, CachedToken>();
  return {
    get(token, decodeOptions) {
      if (typeof token !== 'string' || decodeOptions.allowExpired) return undefined;
      const key = signatureOf(token);
      const cached = entries.get(key);
      if (cached === undefined || cached.token !== token) return undefined;
      const hit = cached.decoded;
      const exp = hit.payload.exp;
      if (typeof exp === 'number' && Math.trunc(exp) <= config.clock() / 1000 - config.decodeLeeway) {
        // Expired since it was cached: forget it, and let the full decode report the expiry.
        entries.delete(key);
        return undefined;
      }
      entries.delete(key); // re-insert: a Map keeps insertion order, the oldest is evicted first
      entries.set(key, cached);
      if (decodeOptions.csrfValue) checkCsrf(hit, decodeOptions.csrfValue);
      return hit;
    },
    set(token, decoded) {
      if (typeof token !== 'string') return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      // Frozen, not copied on every hit: requests share it, and none can change it for the others.
      const frozen = { header: Object.freeze({ ...decoded.header }), payload: Object.freeze({ ...decoded.payload }) };
      entries.set(signatureOf(token), { token, decoded: frozen });
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

interface CachedToken {
  readonly token: string;
  readonly decoded: DecodedToken;
}

function signatureOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}

function checkCsrf(decoded: DecodedToken, csrfValue: string): void {
  if (!Object.hasOwn(decoded.payload, 'csrf')) throw new JwtDecodeError('Missing claim: csrf');
  if (!constantTimeEquals(decoded.payload.csrf, csrfValue))
    throw new CsrfError('CSRF double submit tokens do not match');
}
