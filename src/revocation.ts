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
import { RefreshTokenReuseError } from './errors.js';
import { isPromiseLike } from './internal/promise.js';
import type { RevocationStore, TokenRecord, TtlSeconds } from './stores/types.js';
import type { JwtHeader, JwtPayload, MaybePromise } from './types.js';

/** The claim that ties the tokens of one login together under refresh-token rotation. */
export const FAMILY_CLAIM = 'fam';

/**
 * Binds a store to a configuration.
 *
 * @example
 * ```ts
 * const revocation = createRevocation(store, config)
 * await revocation.revoke(payload)
 * ```
 */
export function createRevocation(store: RevocationStore, config: ResolvedConfig) {
  const nowSeconds = () => config.clock() / 1000;
  const record = (payload: JwtPayload): TokenRecord => ({
    jti: payload.jti,
    identity: identityKey(payload[config.identityClaim]),
    iat: typeof payload.iat === 'number' ? payload.iat : undefined,
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
     * Refuses every token of `identity` issued before the current second. A token issued in the
     * current second stays valid, so a user who logs out everywhere can log in again at once.
     */
    revokeAllFor: (identity: unknown): MaybePromise<void> =>
      store.revokeAllFor(identityKey(identity), Math.floor(nowSeconds()), longestLifetime()),
    /**
     * Marks a refresh token used. On a second use (a replay, or a race with a thief) the whole
     * family is revoked and {@link RefreshTokenReuseError} is thrown.
     */
    claimRefresh(header: JwtHeader, payload: JwtPayload): MaybePromise<void> {
      const jti = payload.jti;
      if (jti === null) return undefined;
      const first = store.claimRefreshToken(jti, ttlOf(payload));
      const onClaim = (isFirst: boolean): MaybePromise<void> => {
        if (isFirst) return undefined;
        const family = record(payload).family;
        const reuse = new RefreshTokenReuseError('Refresh token reuse detected', { header, payload });
        if (family === undefined) throw reuse;
        const revoked = store.revokeFamily(family, longestLifetime());
        if (isPromiseLike(revoked)) {
          return Promise.resolve(revoked).then(() => {
            throw reuse;
          });
        }
        throw reuse;
      };
      return isPromiseLike<boolean>(first) ? Promise.resolve(first).then(onClaim) : onClaim(first);
    },
  };
}

/** What {@link createRevocation} returns. */
export type Revocation = ReturnType<typeof createRevocation>;

/** The identity as the string key a store uses: strings as they are, anything else as JSON. */
function identityKey(identity: unknown): string {
  return typeof identity === 'string' ? identity : JSON.stringify(identity ?? null);
}
