/**
 * The core's contracts with the outside: a request reader and a response writer, which hide
 * every framework (an adapter implements them in a few lines), and the revocation store, which
 * hides every backend (`jwt-extended/stores/memory`, `/redis`, or your own).
 *
 * @module
 */
import type { MaybePromise } from './types.js';

/**
 * What the core reads from a request. Cookies and the query string are parsed by the core from
 * the raw `cookie` header and URL, so every framework reads them the same way.
 *
 * @example
 * ```ts
 * const port: RequestPort = {
 *   method: req.method, url: req.url,
 *   header: (name) => req.headers[name] as string | undefined,
 *   jsonBody: () => req.body,
 * }
 * ```
 */
export interface RequestPort {
  /** The HTTP method, in any case. */
  readonly method: string;
  /** The request target: path and query string (`/p?jwt=...`), or a full URL. */
  readonly url: string;
  /** A header's value by lower-case name; the first value when it was sent several times. */
  header(lowerCaseName: string): string | undefined;
  /**
   * Whether the header came on more than one line (Node keeps only the first `Authorization` and
   * joins others with ", "). The core refuses a repeated token or CSRF header, so a second line can
   * never decide what the first one meant. Leave it out where the framework cannot tell (fetch's
   * `Headers` joins repeats into one value, which the core then parses as one).
   */
  headerRepeated?(lowerCaseName: string): boolean;
  /**
   * The parsed JSON body, or `undefined` when there is none or it did not parse. Only called for
   * the `json` location, after the core checked the content type.
   */
  jsonBody?(): unknown;
  /** A field of a parsed form body (`application/x-www-form-urlencoded`), for `csrfCheckForm`. */
  formField?(name: string): string | undefined;
}

/**
 * What the core writes to a response: only cookies. Errors leave the core as plain
 * `{ status, headers, body }` objects the adapter sends itself.
 */
export interface ResponsePort {
  /** Appends one `Set-Cookie` header line, keeping those already set. */
  appendSetCookie(line: string): void;
}

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
  /**
   * Issue time, epoch seconds: fractional when the exact millisecond is known (tokens minted by
   * jwt-extended), the whole-second `iat` otherwise. A token without `iat` is refused once its
   * identity (or the store) has a cut-off.
   */
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
 * What {@link RevocationStore.claimRefreshToken} answers.
 *
 * @example
 * ```ts
 * const claim: RefreshClaim = await store.claimRefreshToken(record, 86_400, 10);
 * if (claim === 'reuse') await store.revokeFamily(record.family, 86_400, record.identity);
 * ```
 */
export type RefreshClaim = 'first' | 'repeat' | 'reuse';

/**
 * Reported when a store refuses more than was revoked rather than less (never the opposite): the
 * memory store had to drop a record to stay within its bounds, or Redis lost, rolled back or
 * evicted data. Export it
 * as a metric: each event logs some users out (see `scope`).
 *
 * @example
 * ```ts
 * const onOverRevocation = (e: OverRevocation) => metrics.increment('jwt.over_revocations', { reason: e.reason, scope: e.scope });
 * ```
 */
export interface OverRevocation {
  /**
   * `'store-full'`: the memory store reached `maxEntries`; `'data-loss'`: Redis lost its keys;
   * `'rollback'`: Redis went back in time (a failover to a lagging replica, an older snapshot);
   * `'eviction'`: the Redis server evicted keys (any key: its counter is server-wide).
   */
  reason: 'store-full' | 'data-loss' | 'rollback' | 'eviction';
  /**
   * Who must log in again: `'identity'`, every token of `identity` issued at or before `cutoff`;
   * `'global'`, every token of every user issued at or before `cutoff`.
   */
  scope: 'identity' | 'global';
  /** The identity concerned (scope `'identity'`); an identifier, never a token. */
  identity?: string | undefined;
  /** Epoch seconds: tokens issued before this instant are refused. */
  cutoff: number;
  /** What was dropped, for `'store-full'`. */
  dropped?: 'jti' | 'identity' | 'family' | 'refresh-claim' | undefined;
}

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
   * "Log out everywhere": refuses every token of `identity` whose issue time (`TokenRecord.iat`)
   * is strictly below `beforeEpochSeconds` (compared exactly, fractions included). The cut-off
   * only moves forward: an earlier value than the stored one is ignored.
   *
   * The core passes half a millisecond past the logout's millisecond: tokens with an exact issue
   * time are refused iff minted at or before that millisecond, whole-second (flask) tokens iff
   * minted in the logout's second or earlier (over-revoked, never under-revoked).
   */
  revokeAllFor(identity: string, beforeEpochSeconds: number, ttlSeconds: TtlSeconds): MaybePromise<void>;
  /**
   * Revokes a whole refresh family (every access and refresh token carrying `fam: family`).
   * `identity`, when given, is the family's owner: a store that must drop the record folds it
   * into that identity's cut-off instead of a global one.
   */
  revokeFamily(family: string, ttlSeconds: TtlSeconds, identity?: string): MaybePromise<void>;
  /**
   * Refresh rotation: atomically marks this refresh token (`token.jti`, never `null` here) as
   * used, and answers what the use is:
   * - `'first'`: nobody used it before; the mark is written (and, with a `family`, this token
   *   becomes the family's latest used token);
   * - `'repeat'`: it was used less than `reuseIntervalSeconds` ago and is still its family's latest
   *   used token (a second tab, a retry after a lost response): not theft, the mark is unchanged;
   * - `'reuse'`: anything else, theft as far as anyone can tell.
   *
   * The mark is separate from {@link RevocationStore.revoke}: a used refresh token is not
   * "revoked", so the core can tell reuse (and revoke the family) from revocation.
   */
  claimRefreshToken(
    token: TokenRecord,
    ttlSeconds: TtlSeconds,
    reuseIntervalSeconds: number,
  ): MaybePromise<RefreshClaim>;
  /** Releases what the store owns (timers, its own connections). Never closes a client the app passed in. */
  close?(): MaybePromise<void>;
}
