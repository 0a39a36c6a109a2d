/**
 * The revocation store contract: what the request pipeline and the refresh rotation ask of a
 * store, whichever backend holds the data.
 *
 * @module
 */
import type { MaybePromise } from '../types.js';

/**
 * The parts of a verified token a store needs to decide whether it is refused.
 *
 * Built by the core from a payload whose signature and expiry already checked out; the store
 * never sees the encoded token.
 *
 * @example
 * ```ts
 * const record: TokenRecord = { jti: payload.jti, identity: 'alice', iat: payload.iat, exp: payload.exp, family: payload.fam };
 * if (await store.isRevoked(record)) throw new RevokedTokenError('Token has been revoked');
 * ```
 */
export interface TokenRecord {
  /** The token's `jti`; `null` when the token has none, in which case only the other checks apply. */
  jti: string | null;
  /** The identity as a string (the core stringifies `sub`); keys the "log out everywhere" cut-off. */
  identity: string;
  /** Issued-at, epoch seconds (may be fractional). A token without `iat` is refused once its identity has a cut-off. */
  iat: number | undefined;
  /** Expiry, epoch seconds. Stores do not read it (the caller turns it into a TTL); kept for custom stores. */
  exp: number | undefined;
  /** Refresh family (claim `fam`), shared by every token one login rotated into. */
  family?: string | undefined;
}

/**
 * How long a record must be kept, in seconds (fractions allowed), or `null` to keep it for good.
 *
 * The caller computes it (`exp + leeway - now` for one token, the refresh lifetime for a cut-off);
 * stores only honour it. Two rules every store follows, so that backends behave the same:
 * - a TTL below one second is raised to one second (a record never vanishes before the next
 *   request can see it, and a refresh claim stays exclusive);
 * - writing a record again never shortens how long it is kept (revocation only ever widens).
 *
 * @example
 * ```ts
 * const ttl: TtlSeconds = payload.exp === undefined ? null : payload.exp + leeway - Date.now() / 1000;
 * ```
 */
export type TtlSeconds = number | null;

/**
 * A revocation store: jti blocklist, per-identity "log out everywhere" cut-off, refresh-family
 * revocation and single-use refresh claims. Methods may answer synchronously (memory) or with a
 * promise (Redis); the core awaits either.
 *
 * Failure contract: a store that cannot answer throws (or rejects with) `StoreUnavailableError`,
 * which the core maps to 503. It never answers `false` because it failed, unless the
 * application opted into failing open.
 *
 * @example
 * ```ts
 * const store: RevocationStore = createMemoryStore();
 * store.revoke({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }, 900);
 * store.isRevoked({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }); // true
 * ```
 */
export interface RevocationStore {
  /**
   * The hot path, one call (one round trip on Redis) per protected request. True when any holds:
   * the token's `jti` was revoked; its identity has a cut-off `T` and the token's `iat < T`
   * (or it has no `iat`); its `family` was revoked.
   */
  isRevoked(token: TokenRecord): MaybePromise<boolean>;
  /** Revokes one token by `jti` (a token without `jti` cannot be revoked alone: no-op). */
  revoke(token: TokenRecord, ttlSeconds: TtlSeconds): MaybePromise<void>;
  /**
   * "Log out everywhere": refuses every token of `identity` whose `iat` is strictly below
   * `beforeEpochSeconds` (compared exactly, fractions included). The cut-off only moves forward:
   * an earlier value than the stored one is ignored.
   *
   * Tokens carry whole-second `iat`, so the caller's choice of instant decides the logout's own
   * second: `Math.floor(now)` keeps every token stamped with that second (a login right after the
   * logout works, but a token minted just before it in the same second survives); the exact
   * `Date.now() / 1000` refuses them all (fail safe, but a login in that same second is refused too).
   */
  revokeAllFor(identity: string, beforeEpochSeconds: number, ttlSeconds: TtlSeconds): MaybePromise<void>;
  /** Revokes a whole refresh family (every access and refresh token carrying `fam: family`). */
  revokeFamily(family: string, ttlSeconds: TtlSeconds): MaybePromise<void>;
  /**
   * Refresh rotation: atomically marks this refresh `jti` as used. Resolves `true` for the first
   * caller only, `false` for every later (or concurrent) caller while the mark lives. The mark is
   * separate from {@link RevocationStore.revoke}: a used refresh token is not "revoked", so the
   * core can tell reuse (and revoke the family) from revocation.
   */
  claimRefreshToken(jti: string, ttlSeconds: TtlSeconds): MaybePromise<boolean>;
  /** Releases what the store owns (timers, its own connections). Never closes a client the app passed in. */
  close?(): MaybePromise<void>;
}
