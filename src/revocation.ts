/**
 * Revocation on top of a {@link RevocationStore}: the pipeline's check, revoking one token,
 * "log out everywhere", and refresh-token rotation with reuse detection.
 *
 * Every TTL is computed here, once, from the configuration: a record lives as long as the token
 * it refuses could still be accepted (`exp + leeway - now`).
 *
 * @module
 */
import type { ResolvedConfig } from './config.js';
import { JwtConfigError, JwtNotVerifiedError, RefreshTokenReuseError } from './errors.js';
import { isPromiseLike } from './internal/promise.js';
import { cutoffAfter, issueTimeOf } from './issue-time.js';
import type { RefreshClaim, RevocationStore, TokenRecord, TtlSeconds } from './ports.js';
import type { JwtHeader, JwtPayload, MaybePromise } from './types.js';

/** The claim that ties the tokens of one login together under refresh-token rotation. */
export const FAMILY_CLAIM = 'fam';

/**
 * Default `refreshReuseInterval`, in seconds: long enough for a second tab or a client's retry
 * after a lost response or a store timeout, short enough that a thief replaying a stolen,
 * already-used refresh token later still trips reuse detection.
 */
export const DEFAULT_REFRESH_REUSE_INTERVAL = 10;

/** Longest wait for the clock to leave the logout's millisecond (a frozen test clock never does). */
const CUTOFF_SETTLE_TRIES = 3;

/**
 * Binds a store to a configuration.
 *
 * @example
 * ```ts
 * const revocation = createRevocation(store, config)
 * await revocation.revoke(payload)
 * ```
 */
export function createRevocation(
  store: RevocationStore,
  config: ResolvedConfig,
  reuseIntervalSeconds: number = DEFAULT_REFRESH_REUSE_INTERVAL,
) {
  const nowSeconds = () => config.clock() / 1000;
  const record = (payload: JwtPayload): TokenRecord => ({
    jti: payload.jti,
    identity: identityKey(payload[config.identityClaim]),
    // The exact millisecond for our own tokens, the whole-second iat for flask's.
    iat: issueTimeOf(payload),
    exp: typeof payload.exp === 'number' ? payload.exp : undefined,
    family: typeof payload[FAMILY_CLAIM] === 'string' ? (payload[FAMILY_CLAIM] as string) : undefined,
  });
  const ttlOf = (payload: JwtPayload): TtlSeconds =>
    typeof payload.exp === 'number' ? payload.exp + config.decodeLeeway - nowSeconds() : null;
  const longestLifetime = (): TtlSeconds => {
    const { accessTokenExpires: access, refreshTokenExpires: refresh } = config;
    if (access === false || refresh === false) return null;
    return Math.max(access, refresh) + config.decodeLeeway;
  };

  return {
    store,
    /** The pipeline's check: one store call per request. */
    isRevoked: (_header: JwtHeader, payload: JwtPayload): MaybePromise<boolean> => store.isRevoked(record(payload)),
    /** Refuses one token from now on, for as long as it could otherwise be accepted. */
    revoke: (payload: JwtPayload): MaybePromise<void> => store.revoke(record(payload), ttlOf(payload)),
    /**
     * "Log out everywhere": refuses every token of `identity` issued up to the current
     * millisecond, on every instance sharing the store. Exact for tokens minted by jwt-extended
     * (their issue millisecond is in the `jti`); a flask-minted token of the logout's own second
     * is refused too (its `iat` cannot say which side of the logout it falls). Resolves once the
     * clock has left that millisecond, so a token minted afterwards in this process is accepted.
     */
    async revokeAllFor(identity: unknown): Promise<void> {
      const cutoffMs = Math.floor(config.clock());
      await store.revokeAllFor(identityKey(identity), cutoffAfter(cutoffMs), longestLifetime());
      for (let i = 0; i < CUTOFF_SETTLE_TRIES && Math.floor(config.clock()) <= cutoffMs; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    /**
     * Marks a refresh token used. A repeat within the reuse interval (a second tab, a retry) is
     * let through; any other second use (a replay, a race with a thief, an older generation)
     * revokes the whole family and throws {@link RefreshTokenReuseError}.
     */
    claimRefresh(header: JwtHeader, payload: JwtPayload): MaybePromise<void> {
      if (payload.jti === null) return undefined;
      const token = record(payload);
      const claim = store.claimRefreshToken(token, ttlOf(payload), reuseIntervalSeconds);
      const onClaim = (outcome: RefreshClaim): MaybePromise<void> => {
        if (outcome !== 'reuse') return undefined;
        const reuse = new RefreshTokenReuseError('Refresh token reuse detected', { header, payload });
        if (token.family === undefined) throw reuse;
        const revoked = store.revokeFamily(token.family, longestLifetime(), token.identity);
        if (isPromiseLike(revoked)) {
          return Promise.resolve(revoked).then(() => {
            throw reuse;
          });
        }
        throw reuse;
      };
      return isPromiseLike<RefreshClaim>(claim) ? Promise.resolve(claim).then(onClaim) : onClaim(claim);
    },
  };
}

/** What {@link createRevocation} returns. */
export type Revocation = ReturnType<typeof createRevocation>;

/** The identity as the string key a store uses: strings as they are, anything else as JSON. */
function identityKey(identity: unknown): string {
  return typeof identity === 'string' ? identity : JSON.stringify(identity ?? null);
}

/**
 * The manager's revocation wiring: the store in use (none until one is given or a token is
 * revoked), and whether refresh-token rotation is on. The pipeline reads {@link isRevoked} and
 * {@link claimRefresh} on each request, so a store plugged in later needs no rewiring.
 */
export class RevocationWiring {
  readonly #config: ResolvedConfig;
  readonly #rotation: boolean;
  readonly #reuseInterval: number;
  #revocation: Revocation | null = null;

  constructor(
    config: ResolvedConfig,
    store: RevocationStore | undefined,
    rotation: boolean,
    reuseInterval: number = DEFAULT_REFRESH_REUSE_INTERVAL,
  ) {
    this.#config = config;
    this.#rotation = rotation;
    this.#reuseInterval = reuseInterval;
    if (!(typeof reuseInterval === 'number' && reuseInterval >= 0 && Number.isFinite(reuseInterval))) {
      throw new JwtConfigError('refreshReuseInterval must be a number of seconds >= 0 (0 = strict single use)');
    }
    if (rotation && !store) {
      throw new JwtConfigError(
        'refreshTokenRotation needs a revocation store: pass blocklist: createMemoryStore() from jwt-extended/stores/memory (one process) or createRedisStore(redis) from jwt-extended/stores/redis',
      );
    }
    if (store) this.use(store);
  }

  /** Whether refresh-token rotation is on. */
  get rotation(): boolean {
    return this.#rotation;
  }

  /** Plugs a store in (replacing the one in use). */
  use(store: RevocationStore): void {
    this.#revocation = createRevocation(store, this.#config, this.#reuseInterval);
  }

  /** The store's check, or `null` while there is no store. */
  get isRevoked(): Revocation['isRevoked'] | null {
    return this.#revocation?.isRevoked ?? null;
  }

  /** Marks a refresh token used, or `null` when rotation is off. */
  get claimRefresh(): Revocation['claimRefresh'] | null {
    return this.#rotation ? (this.#revocation?.claimRefresh ?? null) : null;
  }

  /**
   * The revocation in use, creating the default memory store on first need. Loaded on demand, so
   * an app that never revokes (or brings Redis) does not load the memory store.
   */
  async current(): Promise<Revocation> {
    if (this.#revocation !== null) return this.#revocation;
    const { createMemoryStore } = await import('./stores/memory.js');
    this.#revocation ??= createRevocation(createMemoryStore(), this.#config, this.#reuseInterval);
    return this.#revocation;
  }

  /**
   * `jwt.revokeToken`: revokes an encoded token (decoded by `decodeExpired`, which accepts an
   * expired one) or a verified payload; refuses a payload without a `jti` (`getJwt(req)`'s `{}`
   * on an optional route without a token): there is no token to revoke.
   */
  async revokeOne(
    tokenOrPayload: string | JwtPayload | Record<string, never>,
    decodeExpired: (token: string) => Promise<JwtPayload>,
  ): Promise<void> {
    const payload = typeof tokenOrPayload === 'string' ? await decodeExpired(tokenOrPayload) : tokenOrPayload;
    if (typeof payload.jti !== 'string') {
      throw new JwtNotVerifiedError('revokeToken needs a token or its verified payload: this one has no jti');
    }
    await (await this.current()).revoke(payload as JwtPayload);
  }
}
