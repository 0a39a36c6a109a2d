/**
 * The options of `new JwtManager(...)`: flask's `JWT_*` options, the loaders and callbacks, and
 * jwt-extended's revocation and cache settings.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import type { JwtOptions } from './config.js';
import type { RevocationStore } from './ports.js';
import type { VerifiedTokenCacheOptions } from './token-cache.js';

/**
 * Everything a manager is configured with: flask's `JWT_*` options in camelCase, and the loaders
 * and callbacks (which can also be registered later with the methods of the same name).
 */
export interface JwtManagerOptions<
  TInput = unknown,
  TIdentity = unknown,
  TClaims = Record<string, unknown>,
  TUser = unknown,
>
  extends JwtOptions, ManagerCallbacks<TInput, TIdentity, TClaims, TUser> {
  /**
   * The revocation store the pipeline consults (`jwt-extended/stores/memory` or `/redis`). Without
   * one, a memory store is created the first time a token is revoked. A registered
   * `tokenInBlocklistLoader` wins over the store.
   */
  blocklist?: RevocationStore;
  /**
   * Refresh-token rotation with reuse detection: a refresh token is accepted once at a refresh
   * route; presenting it again revokes its whole family (401 `Refresh token reuse detected`).
   * Needs `blocklist`. Default `false`.
   */
  refreshTokenRotation?: boolean;
  /**
   * Under `refreshTokenRotation`: seconds during which the refresh token just used may be
   * presented again (a second tab, a retry after a lost response or a store timeout) and gets a
   * new pair of the same family, revoking nothing. An older generation, or the same token after
   * the interval, is reuse. `0` is strict single use. Default
   * `DEFAULT_REFRESH_REUSE_INTERVAL` (10 s).
   */
  refreshReuseInterval?: number;
  /**
   * Cache verified tokens for clients that send the same token many times (off by default). A hit
   * skips the signature check but runs every time check (`exp`, `nbf`, `iat`, with the leeway),
   * and revocation, CSRF and every other check still run on each request. Trade-off: a cached token survives the rotation of its key until it
   * expires or `clearVerifiedTokenCache()` is called. `true` for the defaults (10 000 tokens, LRU).
   */
  verifiedTokenCache?: boolean | VerifiedTokenCacheOptions;
}
