/**
 * An optional cache of verified tokens, for clients that send the same token many times.
 *
 * Security trade-off (why it is off by default): a hit skips the signature check and the parsing
 * of a token whose exact bytes were verified before, under the keys in force then. So:
 * - a token stays accepted until it expires or is evicted even if its key is rotated out
 *   (call `jwt.clearVerifiedTokenCache()` when you rotate or revoke a key);
 * - a hit runs every time check of the full decode, with the leeway: `exp` not past, `iat` and
 *   `nbf` not in the future (a clock stepped back refuses a cached token as it refuses a new one);
 * - revocation, type, freshness, custom verification and user lookup still run on every request,
 *   and so does the CSRF comparison;
 * - memory is bounded (least recently used entries go first, approximately: see below);
 * - a payload served from the cache is frozen (shared by the requests that send the token).
 *
 * @module
 */
import type { ResolvedConfig } from './config.js';
import type { DecodedToken, DecodeOptions } from './decode.js';
import { constantTimeEquals } from './claims.js';
import { CsrfError, JwtDecodeError } from './errors.js';
import { chain } from './internal/promise.js';
import type { MaybePromise } from './types.js';

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
  // Keyed by a number made from a few characters of the signature, not by a string: every
  // request brings a new string, and hashing it for the Map (even just the 43-character
  // signature) was the largest part of a hit. Two tokens may share a key: a hit requires the
  // whole token to be equal to the one verified, and the later one replaces the earlier.
  const entries = new Map<number, CachedToken>();
  // Least recently used, approximately: the Map is in insertion order and the first entry is
  // evicted. Moving an entry to the end on every hit (delete + set) made the Map shrink and grow
  // its table on each request; a hit moves it only once it has drifted into the older half, so
  // an entry used within the last maxEntries / 2 insertions is never the one evicted.
  const refreshAfter = Math.max(1, maxEntries >> 1);
  let insertions = 0;
  return {
    get(token, decodeOptions) {
      if (typeof token !== 'string' || decodeOptions.allowExpired) return undefined;
      const key = keyOf(token);
      const cached = entries.get(key);
      if (cached === undefined || cached.token !== token) return undefined;
      // The time checks of the full decode (claims.ts), with its leeway, on every hit: `iat` and
      // `nbf` not in the future, `exp` not past. A token that fails one is dropped, so the full
      // decode runs and reports the exact error in flask's order.
      const now = config.clock() / 1000;
      const leeway = config.decodeLeeway;
      if (cached.validFrom > now + leeway || cached.expiresAt <= now - leeway) {
        entries.delete(key);
        return undefined;
      }
      if (insertions - cached.insertedAt >= refreshAfter) {
        entries.delete(key);
        entries.set(key, cached);
        cached.insertedAt = ++insertions;
      }
      const hit = cached.decoded;
      if (decodeOptions.csrfValue) checkCsrf(hit, decodeOptions.csrfValue);
      return hit;
    },
    set(token, decoded) {
      if (typeof token !== 'string') return;
      const key = keyOf(token);
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as number);
      // Frozen, not copied on every hit: requests share it, and none can change it for the others.
      const payload = Object.freeze({ ...decoded.payload });
      const frozen = { header: Object.freeze({ ...decoded.header }), payload };
      entries.set(key, {
        token,
        decoded: frozen,
        validFrom: Math.max(timeClaim(payload.iat, -Infinity), timeClaim(payload.nbf, -Infinity)),
        expiresAt: timeClaim(payload.exp, Infinity),
        insertedAt: ++insertions,
      });
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
  /** The later of `iat` and `nbf` (whole seconds, as the full decode truncates them), or -Infinity. */
  readonly validFrom: number;
  /** `exp` in whole seconds, or Infinity for a token that never expires. */
  readonly expiresAt: number;
  /** The insertion counter when the entry was last put at the end of the Map. */
  insertedAt: number;
}

/** A verified time claim (a finite number when present), truncated as `checkClaims` does. */
function timeClaim(value: unknown, absent: number): number {
  return typeof value === 'number' ? Math.trunc(value) : absent;
}

/**
 * A 30-bit number from the six characters before the last one (the last character of a
 * base64url signature carries only a few bits): FNV-1a over them. A signature is random to
 * whoever cannot sign, so keys spread evenly; a key shared by two tokens costs a miss, never a
 * wrong hit. Characters past the end (a token too short to be valid) count as 0.
 */
function keyOf(token: string): number {
  const end = token.length - 1;
  let hash = 0x811c9dc5;
  for (let i = end - 6; i < end; i++) hash = Math.imul(hash ^ (token.charCodeAt(i) | 0), 0x01000193);
  return hash & 0x3fffffff;
}

function checkCsrf(decoded: DecodedToken, csrfValue: string): void {
  if (!Object.hasOwn(decoded.payload, 'csrf')) throw new JwtDecodeError('Missing claim: csrf');
  if (!constantTimeEquals(decoded.payload.csrf, csrfValue))
    throw new CsrfError('CSRF double submit tokens do not match');
}

/**
 * A decoder with the cache in front: a hit is served from the cache, a miss decoded and remembered.
 *
 * @example
 * ```ts
 * const decodeCached = withVerifiedTokenCache(cache, (token, options) => decode(decoder, token, options))
 * ```
 */
export function withVerifiedTokenCache(
  cache: VerifiedTokenCache,
  decode: (token: unknown, options: DecodeOptions) => MaybePromise<DecodedToken>,
): (token: unknown, options: DecodeOptions) => MaybePromise<DecodedToken> {
  return (token, options) => {
    const hit = cache.get(token, options);
    if (hit !== undefined) return hit;
    return chain(decode(token, options), (decoded) => {
      cache.set(token, decoded);
      return decoded;
    });
  };
}
