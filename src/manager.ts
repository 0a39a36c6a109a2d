/**
 * `JwtManager`: the configuration and callbacks, validated once, and every operation that uses
 * them (create and decode tokens, verify a request, build cookies, build error responses).
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import { type JwtOptions, type ResolvedConfig, resolveConfig } from './config.js';
import { type CookieKind, type CookieOptions, setCookieLines, unsetCookieLines } from './cookies.js';
import { type DecodedToken, type DecodeOptions, type DecoderContext, decode, decodeSync } from './decode.js';
import {
  type AccessTokenOptions,
  type RefreshTokenOptions,
  type TokenEncoder,
  type TokenParts,
  createTokenEncoder,
} from './encode.js';
import { JwtConfigError, JwtDecodeError } from './errors.js';
import { checkOptions } from './option-table.js';
import * as getters from './getters.js';
import { isPromiseLike, chain } from './internal/promise.js';
import { randomUUID } from './internal/random.js';
import { type Keyring, createKeyring } from './keyring.js';
import type { JwkSet } from './keys/jwk.js';
import type { KeyringKey, KidKeyring } from './keys/kid-keyring.js';
import type { RequestPort, ResponsePort } from './ports.js';
import { createRequestView } from './request-view.js';
import { errorResponse } from './responses.js';
import { DEFAULT_REFRESH_REUSE_INTERVAL, FAMILY_CLAIM, type Revocation, createRevocation } from './revocation.js';
import { type JwtState, saveJwtState } from './state.js';
import { type VerifiedTokenCache, type VerifiedTokenCacheOptions, createVerifiedTokenCache } from './token-cache.js';
import { createMemoryStore } from './stores/memory.js';
import type { RevocationStore } from './stores/types.js';
import type { JwtHeader, JwtPayload, JwtResponse, MaybePromise } from './types.js';
import { type CompiledRoute, type PipelineContext, type RouteOptions, compileRoute, runPipeline } from './verify.js';

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
   * {@link DEFAULT_REFRESH_REUSE_INTERVAL} (10 s).
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

/** Saves a verified state for the getters (not the `null` of an OPTIONS request) and returns it. */
function saveState(carrier: object, state: JwtState | null): JwtState | null {
  if (state !== null) saveJwtState(carrier, state);
  return state;
}

/**
 * A manager of any identity, claims and user types: what adapters and stores accept.
 *
 * @example
 * ```ts
 * function jwtRequired(jwt: AnyJwtManager) { ... }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJwtManager = JwtManager<any, any, any, any>;

/** An access token and a refresh token of the same login (and, under rotation, the same family). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

const CALLBACK_NAMES = [
  'userIdentityLoader',
  'additionalClaimsLoader',
  'additionalHeadersLoader',
  'encodeKeyLoader',
  'decodeKeyLoader',
  'tokenInBlocklistLoader',
  'tokenVerificationLoader',
  'userLookupLoader',
  'expiredTokenLoader',
  'invalidTokenLoader',
  'unauthorizedLoader',
  'needsFreshTokenLoader',
  'revokedTokenLoader',
  'tokenVerificationFailedLoader',
  'userLookupErrorLoader',
  'refreshTokenReusedLoader',
] as const;

/**
 * The manager, configured once (flask's `JWTManager`).
 *
 * @typeParam TInput - what `createAccessToken` receives, e.g. the seed's `UserObject`
 * @typeParam TIdentity - the identity claim, as returned by `userIdentityLoader`
 * @typeParam TClaims - the application claims, as returned by `additionalClaimsLoader`
 * @typeParam TUser - the current user, as returned by `userLookupLoader`
 *
 * @example
 * ```ts
 * const jwt = new JwtManager({
 *   secretKey: process.env.JWT_SECRET_KEY,
 *   userIdentityLoader: (user: UserObject) => user.username,
 *   additionalClaimsLoader: (user: UserObject) => ({ roles: user.roles }),
 * })
 * const token = await jwt.createAccessToken(new UserObject('test', ['foo', 'bar']))
 * ```
 */
export class JwtManager<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  TInput = any,
  TIdentity = TInput,
  TClaims extends object = Record<string, unknown>,
  TUser = unknown,
> {
  /** The validated, frozen configuration. */
  readonly config: ResolvedConfig;
  readonly #callbacks: ManagerCallbacks<TInput, TIdentity, TClaims, TUser>;
  readonly #keys: Keyring;
  readonly #encoder: TokenEncoder;
  readonly #decoder: DecoderContext;
  readonly #pipeline: PipelineContext;
  readonly #rotation: boolean;
  readonly #reuseInterval: number;
  readonly #tokenCache: VerifiedTokenCache | null;
  #revocation: Revocation | null = null;

  /** Validates everything once; a mistake throws {@link JwtConfigError} saying how to fix it. */
  constructor(options: JwtManagerOptions<TInput, TIdentity, TClaims, TUser> = {}) {
    if (options === null || typeof options !== 'object')
      throw new JwtConfigError('JwtManager options must be an object');
    checkOptions(options);
    this.config = resolveConfig(options);
    this.#callbacks = {};
    for (const name of CALLBACK_NAMES) this.#register(name, options[name]);
    if (options.userClaimsLoader) this.#register('additionalClaimsLoader', options.userClaimsLoader);
    this.#keys = createKeyring(this.config, this.#callbacks);
    this.#encoder = createTokenEncoder(this.config);
    const callbacks = this.#callbacks as ManagerCallbacks<never, unknown, unknown, unknown>;
    this.#decoder = {
      config: this.config,
      keys: this.#keys,
      allowedAlgorithms: new Set(this.config.decodeAlgorithms),
      callbacks,
    };
    const cacheOption = options.verifiedTokenCache;
    this.#tokenCache = cacheOption
      ? createVerifiedTokenCache(this.config, cacheOption === true ? {} : cacheOption)
      : null;
    this.#pipeline = {
      config: this.config,
      callbacks,
      decode:
        this.#tokenCache === null
          ? (token, o) => decode(this.#decoder, token, o)
          : (token, o) => this.#cachedDecode(token, o),
      isRevoked: null,
      claimRefresh: null,
    };
    this.#rotation = options.refreshTokenRotation === true;
    this.#reuseInterval = options.refreshReuseInterval ?? DEFAULT_REFRESH_REUSE_INTERVAL;
    if (!(
      typeof this.#reuseInterval === 'number' &&
      this.#reuseInterval >= 0 &&
      Number.isFinite(this.#reuseInterval)
    )) {
      throw new JwtConfigError('refreshReuseInterval must be a number of seconds >= 0 (0 = strict single use)');
    }
    if (this.#rotation && !options.blocklist) {
      throw new JwtConfigError(
        'refreshTokenRotation needs a revocation store: pass blocklist: createMemoryStore() from jwt-extended/stores/memory (one process) or createRedisStore(redis) from jwt-extended/stores/redis',
      );
    }
    if (options.blocklist) this.useBlocklist(options.blocklist);
    // Loaders registered from the options above arrived before the pipeline existed.
    this.#refreshRevocationCheck();
  }

  // ---- Loader registration (flask's decorators): each stores the callback and returns it. ----

  /** Registers `user_identity_loader`: the object given to `createAccessToken` -> identity claim. */
  userIdentityLoader<F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['userIdentityLoader']>>(
    fn: F,
  ): F {
    return this.#register('userIdentityLoader', fn);
  }
  /** Registers `additional_claims_loader`: extra claims for every new token. */
  additionalClaimsLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['additionalClaimsLoader']>,
  >(fn: F): F {
    return this.#register('additionalClaimsLoader', fn);
  }
  /** The seed page's name for {@link JwtManager.additionalClaimsLoader}. */
  userClaimsLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['additionalClaimsLoader']>,
  >(fn: F): F {
    return this.#register('additionalClaimsLoader', fn);
  }
  /** Registers `additional_headers_loader`: extra JOSE headers for every new token. */
  additionalHeadersLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['additionalHeadersLoader']>,
  >(fn: F): F {
    return this.#register('additionalHeadersLoader', fn);
  }
  /** Registers `token_in_blocklist_loader`: return true to refuse a token as revoked. */
  tokenInBlocklistLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['tokenInBlocklistLoader']>,
  >(fn: F): F {
    return this.#register('tokenInBlocklistLoader', fn);
  }
  /** Registers `token_verification_loader`: return false to refuse a token. */
  tokenVerificationLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['tokenVerificationLoader']>,
  >(fn: F): F {
    return this.#register('tokenVerificationLoader', fn);
  }
  /** Registers `user_lookup_loader`: load the current user from the verified token. */
  userLookupLoader<F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['userLookupLoader']>>(
    fn: F,
  ): F {
    return this.#register('userLookupLoader', fn);
  }
  /** Registers `expired_token_loader`. */
  expiredTokenLoader<F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['expiredTokenLoader']>>(
    fn: F,
  ): F {
    return this.#register('expiredTokenLoader', fn);
  }
  /** Registers `invalid_token_loader`. */
  invalidTokenLoader<F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['invalidTokenLoader']>>(
    fn: F,
  ): F {
    return this.#register('invalidTokenLoader', fn);
  }
  /** Registers `unauthorized_loader`. */
  unauthorizedLoader<F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['unauthorizedLoader']>>(
    fn: F,
  ): F {
    return this.#register('unauthorizedLoader', fn);
  }
  /** Registers `needs_fresh_token_loader`. */
  needsFreshTokenLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['needsFreshTokenLoader']>,
  >(fn: F): F {
    return this.#register('needsFreshTokenLoader', fn);
  }
  /** Registers `revoked_token_loader`. */
  revokedTokenLoader<F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['revokedTokenLoader']>>(
    fn: F,
  ): F {
    return this.#register('revokedTokenLoader', fn);
  }
  /** Registers `token_verification_failed_loader`. */
  tokenVerificationFailedLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['tokenVerificationFailedLoader']>,
  >(fn: F): F {
    return this.#register('tokenVerificationFailedLoader', fn);
  }
  /** Registers `user_lookup_error_loader`. */
  userLookupErrorLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['userLookupErrorLoader']>,
  >(fn: F): F {
    return this.#register('userLookupErrorLoader', fn);
  }
  /** Registers the response for a reused refresh token (refresh-token rotation). */
  refreshTokenReusedLoader<
    F extends NonNullable<ManagerCallbacks<TInput, TIdentity, TClaims, TUser>['refreshTokenReusedLoader']>,
  >(fn: F): F {
    return this.#register('refreshTokenReusedLoader', fn);
  }

  #register<F>(name: (typeof CALLBACK_NAMES)[number], fn: F): F {
    if (fn === undefined || fn === null) return fn;
    if (typeof fn !== 'function') throw new JwtConfigError(`${name} must be a function`);
    if ((name === 'encodeKeyLoader' || name === 'decodeKeyLoader') && this.#keys !== undefined) {
      // Static keys were resolved (and refused when missing) at construction.
      throw new JwtConfigError(`${name} must be passed in the JwtManager options, where the keys are resolved`);
    }
    (this.#callbacks as Record<string, unknown>)[name] = fn;
    this.#refreshRevocationCheck();
    return fn;
  }

  /** The pipeline's decode with the verified-token cache in front. */
  #cachedDecode(token: unknown, options: DecodeOptions): MaybePromise<DecodedToken> {
    const cache = this.#tokenCache as VerifiedTokenCache;
    const hit = cache.get(token, options);
    if (hit !== undefined) return hit;
    return chain(decode(this.#decoder, token, options), (decoded) => {
      cache.set(token, decoded);
      return decoded;
    });
  }

  /**
   * Empties the verified-token cache (`verifiedTokenCache` option): call it when you rotate or
   * revoke a signing key, so no token signed with the old key is accepted from the cache.
   *
   * @example
   * ```ts
   * jwt.clearVerifiedTokenCache()
   * ```
   */
  clearVerifiedTokenCache(): void {
    this.#tokenCache?.clear();
  }

  // ---- Keys: keyring rotation and the JWK Set ----

  /**
   * The public keys as a JWK Set, for `/.well-known/jwks.json`: every key of the keyring (or the
   * one public key) with its `kid`, `alg` and `use: "sig"`. Never a private key or an HMAC secret.
   *
   * @example
   * ```ts
   * app.get('/.well-known/jwks.json', (req, res) => res.json(jwt.jwks()))
   * ```
   */
  jwks(): JwkSet {
    return this.#keys.jwks();
  }

  /**
   * Rotation, step 1: adds a key to the keyring (`keys` option). It verifies at once and signs
   * only once promoted. Returns its `kid`.
   *
   * @example
   * ```ts
   * const kid = jwt.addKey({ kid: '2026-02', privateKey: nextPem })
   * ```
   */
  addKey(key: KeyringKey): string {
    return this.#kidKeyring('addKey').add(key);
  }

  /**
   * Rotation, step 2: new tokens are signed with this key (and carry its `kid`).
   *
   * @example
   * ```ts
   * jwt.promoteKey('2026-02')
   * ```
   */
  promoteKey(kid: string): void {
    this.#kidKeyring('promoteKey').promote(kid);
  }

  /**
   * Rotation, step 3, once the last token the old key signed has expired: removes the key, so
   * tokens it signed are refused (verified-token cache included).
   *
   * @example
   * ```ts
   * jwt.retireKey('2026-01')
   * ```
   */
  retireKey(kid: string): void {
    this.#kidKeyring('retireKey').retire(kid);
    this.clearVerifiedTokenCache();
  }

  /**
   * Fetches the `remoteJwks` set now (e.g. before the server starts accepting requests), instead
   * of on the first token. Rejects when the issuer cannot be reached.
   *
   * @example
   * ```ts
   * await jwt.refreshRemoteJwks()
   * ```
   */
  async refreshRemoteJwks(): Promise<void> {
    if (this.#keys.remote === null) throw new JwtConfigError('refreshRemoteJwks needs the remoteJwks option');
    await this.#keys.remote.refresh();
  }

  #kidKeyring(method: string): KidKeyring {
    if (this.#keys.kid === null) {
      throw new JwtConfigError(
        `${method} needs a keyring: configure the manager with keys: [{ kid, privateKey }] instead of one key`,
      );
    }
    return this.#keys.kid;
  }

  // ---- Tokens ----

  /**
   * Creates an access token (flask `create_access_token`). `input` may be any object: the identity
   * loader turns it into the identity claim and the claims loader receives it as given.
   *
   * @example
   * ```ts
   * const accessToken = await jwt.createAccessToken(user, { fresh: true })
   * ```
   */
  async createAccessToken(input: TInput, options: AccessTokenOptions = {}): Promise<string> {
    return this.#create(input, 'access', options, false);
  }

  /**
   * {@link JwtManager.createAccessToken} for synchronous loaders (throws if one returns a promise).
   *
   * @example
   * ```ts
   * const accessToken = jwt.createAccessTokenSync('alice')
   * ```
   */
  createAccessTokenSync(input: TInput, options: AccessTokenOptions = {}): string {
    return this.#create(input, 'access', options, true) as string;
  }

  /**
   * Creates a refresh token (flask `create_refresh_token`); it is never fresh.
   *
   * @example
   * ```ts
   * const refreshToken = await jwt.createRefreshToken(user)
   * ```
   */
  async createRefreshToken(input: TInput, options: RefreshTokenOptions = {}): Promise<string> {
    return this.#create(input, 'refresh', options, false);
  }

  /**
   * {@link JwtManager.createRefreshToken} for synchronous loaders.
   *
   * @example
   * ```ts
   * const refreshToken = jwt.createRefreshTokenSync('alice')
   * ```
   */
  createRefreshTokenSync(input: TInput, options: RefreshTokenOptions = {}): string {
    return this.#create(input, 'refresh', options, true) as string;
  }

  #create(input: TInput, type: 'access' | 'refresh', options: AccessTokenOptions, sync: boolean): MaybePromise<string> {
    const cb = this.#callbacks;
    if (sync && this.config.engine.async) {
      throw new JwtConfigError(
        `the WebCrypto engine signs asynchronously: use the async create${type === 'access' ? 'Access' : 'Refresh'}Token() instead`,
      );
    }
    const identity = cb.userIdentityLoader ? cb.userIdentityLoader(input) : input;
    const claims = cb.additionalClaimsLoader?.(input);
    const headers = cb.additionalHeadersLoader?.(input);
    const keyMaterial = cb.encodeKeyLoader?.(input);
    // No array, closure or promise on the usual path: every loader answered synchronously.
    if (!isPromiseLike(identity) && !isPromiseLike(claims) && !isPromiseLike(headers) && !isPromiseLike(keyMaterial)) {
      return this.#encode(type, options, identity, claims, headers, keyMaterial);
    }
    const loaded = [identity, claims, headers, keyMaterial];
    if (sync) {
      for (const value of loaded) if (isPromiseLike(value)) Promise.resolve(value).catch(() => undefined);
      throw new JwtConfigError(
        `a loader returned a promise: use the async create${type === 'access' ? 'Access' : 'Refresh'}Token() instead`,
      );
    }
    return Promise.all(loaded).then(([i, c, h, k]) => this.#encode(type, options, i, c, h, k));
  }

  #encode(
    type: 'access' | 'refresh',
    options: AccessTokenOptions,
    identity: unknown,
    claims: unknown,
    headers: unknown,
    keyMaterial: unknown,
  ): MaybePromise<string> {
    const cb = this.#callbacks;
    const parts: TokenParts = {
      type,
      identity,
      fresh: type === 'access' ? (options.fresh ?? false) : false,
      expiresDelta: options.expiresDelta,
      loaderClaims: claims as Record<string, unknown> | undefined,
      additionalClaims: options.additionalClaims,
      loaderHeaders: headers as Record<string, unknown> | undefined,
      additionalHeaders: options.additionalHeaders,
      key: cb.encodeKeyLoader
        ? this.#keys.signingKeyFrom(keyMaterial as Parameters<Keyring['signingKeyFrom']>[0])
        : this.#keys.signingKey(),
    };
    return this.#encoder.encode(parts);
  }

  /**
   * Decodes and fully verifies a token (flask `decode_token`): signature, algorithm, `exp`, `nbf`,
   * `iat`, `aud`, `iss`, `sub`, the identity claim and, when given, the CSRF value. No type, fresh,
   * blocklist or user checks. Fills `type`, `fresh` and `jti` defaults.
   *
   * @example
   * ```ts
   * const payload = await jwt.decodeToken(token)
   * ```
   */
  async decodeToken(token: string, options: DecodeOptions = {}): Promise<JwtPayload & TClaims> {
    const decoded = await decode(this.#decoder, token, options);
    return decoded.payload as JwtPayload & TClaims;
  }

  /**
   * {@link JwtManager.decodeToken} without a promise (throws if `decodeKeyLoader` is async).
   *
   * @example
   * ```ts
   * const { sub, roles } = jwt.decodeTokenSync(token)
   * ```
   */
  decodeTokenSync(token: string, options: DecodeOptions = {}): JwtPayload & TClaims {
    return decodeSync(this.#decoder, token, options).payload as JwtPayload & TClaims;
  }

  /**
   * The header of a token, without verifying anything (flask `get_unverified_jwt_headers`).
   *
   * @example
   * ```ts
   * const { kid } = jwt.getUnverifiedJwtHeaders(token)
   * ```
   */
  getUnverifiedJwtHeaders(token: string): JwtHeader {
    return this.config.engine.parse(token, this.config.maxTokenSize).header;
  }

  /**
   * The `jti` of a verified token (flask `get_jti`).
   *
   * @example
   * ```ts
   * await store.revoke(jwt.getJti(token))
   * ```
   */
  getJti(token: string): string | null {
    if (this.config.engine.async) {
      throw new JwtConfigError(
        'the WebCrypto engine verifies asynchronously: use (await jwt.decodeToken(token)).jti instead of getJti()',
      );
    }
    return this.decodeTokenSync(token).jti;
  }

  /**
   * The `csrf` claim of a verified token (flask `get_csrf_token`), for clients that do not read
   * the CSRF cookie (`csrfInCookies: false`).
   *
   * @example
   * ```ts
   * res.json({ csrf: jwt.getCsrfToken(accessToken) })
   * ```
   */
  getCsrfToken(token: string): string {
    const csrf = this.decodeTokenSync(token).csrf;
    if (typeof csrf !== 'string') throw new JwtDecodeError('Missing claim: csrf');
    return csrf;
  }

  // ---- Requests ----

  /**
   * Checks route options once, when the route is declared (an unknown location throws here).
   *
   * @example
   * ```ts
   * const refreshRoute = jwt.compileRoute({ refresh: true })
   * ```
   */
  compileRoute(options: RouteOptions = {}): CompiledRoute {
    return compileRoute(this.config, options);
  }

  /**
   * Runs the whole pipeline on a request and saves the result for the getters, keyed by
   * `carrier` (the framework's request or context object). Gives the saved state (an anonymous one
   * for OPTIONS; a promise only when a loader, callback or store is asynchronous). Throws or rejects
   * with a {@link JwtExtendedError}; turn it into a response with {@link JwtManager.errorResponse}.
   * Adapters call this; apps use their framework's middleware.
   *
   * @example
   * ```ts
   * const state = await jwt.verifyRequest(req, port, jwt.compileRoute())
   * ```
   */
  verifyRequest(carrier: object, port: RequestPort, route: CompiledRoute): MaybePromise<JwtState | null> {
    const result = runPipeline(this.#pipeline, createRequestView(port), route);
    // No closure on the synchronous path: it runs once per protected request.
    if (!isPromiseLike<JwtState | null>(result)) return saveState(carrier, result);
    return Promise.resolve(result).then((state) => saveState(carrier, state));
  }

  /**
   * What every adapter's middleware does: verify the request and save its state, then give
   * `undefined` (continue to the handler) or the error response to send. Synchronous when the
   * configuration is (the common case), a promise otherwise: adapters may always `await` it.
   * Errors that are not a client's doing (a bug in a callback, a configuration error) are rethrown
   * for the framework's own error handling.
   *
   * @example
   * ```ts
   * const response = await jwt.authorize(req, port, route)
   * if (response) return res.status(response.status).json(response.body)
   * ```
   */
  authorize(carrier: object, port: RequestPort, route: CompiledRoute): MaybePromise<JwtResponse | undefined> {
    let verified: MaybePromise<JwtState | null>;
    try {
      verified = this.verifyRequest(carrier, port, route);
    } catch (error) {
      return this.errorResponse(error);
    }
    if (!isPromiseLike(verified)) return undefined;
    return Promise.resolve(verified).then(
      () => undefined,
      (error: unknown) => this.errorResponse(error),
    );
  }

  /**
   * The response for a client error: the registered callback's, else flask's default. Rethrows
   * anything that is not a client error (a bug or a configuration error stays loud).
   *
   * @example
   * ```ts
   * const { status, body } = await jwt.errorResponse(error)
   * ```
   */
  errorResponse(error: unknown): Promise<JwtResponse> {
    return errorResponse(error, this.#callbacks as never, this.config.errorMessageKey, this.config.identityClaim);
  }

  // ---- Typed getters: the free getters, typed with this manager's identity, claims and user ----

  /**
   * `getJwt(carrier)` typed with this manager's claims.
   *
   * @example
   * ```ts
   * jwt.getJwt(req).roles // string[]
   * ```
   */
  getJwt(carrier: object): (JwtPayload & TClaims) | Record<string, never> {
    return getters.getJwt(carrier) as (JwtPayload & TClaims) | Record<string, never>;
  }

  /**
   * `getJwtIdentity(carrier)` typed with this manager's identity.
   *
   * @example
   * ```ts
   * const username: string | null = jwt.getJwtIdentity(req)
   * ```
   */
  getJwtIdentity(carrier: object): TIdentity | null {
    return getters.getJwtIdentity(carrier) as TIdentity | null;
  }

  /**
   * `getJwtClaims(carrier)` typed with this manager's claims: reading an undeclared claim is a
   * compile error.
   *
   * @example
   * ```ts
   * jwt.getJwtClaims(req).roles
   * ```
   */
  getJwtClaims(carrier: object): TClaims | Record<string, never> {
    return getters.getJwtClaims(carrier) as TClaims | Record<string, never>;
  }

  /**
   * `getCurrentUser(carrier)` typed with what `userLookupLoader` returns.
   *
   * @example
   * ```ts
   * jwt.getCurrentUser(req)?.email
   * ```
   */
  getCurrentUser(carrier: object): TUser | null {
    return getters.getCurrentUser(carrier) as TUser | null;
  }

  // ---- Revocation ----

  /**
   * Wires a revocation store into the pipeline: every protected request asks it (one call) whether
   * the token was revoked, the identity logged out everywhere, or the refresh family revoked.
   * A registered `tokenInBlocklistLoader` still wins.
   *
   * @example
   * ```ts
   * jwt.useBlocklist(createRedisStore(new Redis(process.env.REDIS_URL)))
   * ```
   */
  useBlocklist(store: RevocationStore): this {
    this.#revocation = createRevocation(store, this.config, this.#reuseInterval);
    this.#refreshRevocationCheck();
    return this;
  }

  /** The store in use, creating the default memory store on first need. */
  #store(): Revocation {
    if (this.#revocation === null) this.useBlocklist(createMemoryStore());
    return this.#revocation as Revocation;
  }

  /**
   * Revokes one token: an encoded token (verified, expired accepted) or a verified payload such as
   * `getJwt(req)`. It stays refused for as long as it could otherwise be accepted.
   *
   * @example
   * ```ts
   * app.post('/logout', jwtRequired(jwt), async (req, res) => { await jwt.revokeToken(getJwt(req)); res.json({}) })
   * ```
   */
  async revokeToken(tokenOrPayload: string | JwtPayload): Promise<void> {
    const payload =
      typeof tokenOrPayload === 'string'
        ? await this.decodeToken(tokenOrPayload, { allowExpired: true })
        : tokenOrPayload;
    await this.#store().revoke(payload);
  }

  /**
   * "Log out everywhere": every token of this identity (the identity claim's value, e.g.
   * `getJwtIdentity(req)`) issued up to now is refused from now on, on every instance sharing the
   * store; tokens minted after it returns are accepted (exact to the millisecond for tokens
   * minted here, see docs/revocation.md for flask-minted ones).
   *
   * @example
   * ```ts
   * await jwt.revokeAllTokensFor('alice')
   * ```
   */
  async revokeAllTokensFor(identity: TIdentity | string): Promise<void> {
    await this.#store().revokeAllFor(identity);
  }

  /**
   * Creates an access token and a refresh token for one login. Under `refreshTokenRotation` both
   * carry a new family id (claim `fam`), so a detected reuse revokes the pair.
   *
   * @example
   * ```ts
   * const { accessToken, refreshToken } = await jwt.createTokenPair(user, { fresh: true })
   * ```
   */
  async createTokenPair(input: TInput, options: AccessTokenOptions = {}): Promise<TokenPair> {
    return this.#pair(input, options, this.#rotation ? randomUUID() : undefined);
  }

  /**
   * At a refresh route: new tokens for the same login. Under `refreshTokenRotation` the presented
   * refresh token was already marked used by the route's verification, and the new pair stays in
   * its family. `input` is what `createAccessToken` takes (look the user up again if your identity
   * loader needs the full object).
   *
   * @example
   * ```ts
   * app.post('/refresh', jwtRequired(jwt, { refresh: true }), async (req, res) => {
   *   res.json(await jwt.rotateTokens(getJwt(req), users.get(getJwtIdentity(req))))
   * })
   * ```
   */
  async rotateTokens(
    refreshPayload: JwtPayload | Record<string, never>,
    input: TInput,
    options: AccessTokenOptions = {},
  ): Promise<TokenPair> {
    const family = refreshPayload[FAMILY_CLAIM];
    return this.#pair(input, options, typeof family === 'string' ? family : this.#rotation ? randomUUID() : undefined);
  }

  async #pair(input: TInput, options: AccessTokenOptions, family: string | undefined): Promise<TokenPair> {
    const withFamily = (claims: AccessTokenOptions['additionalClaims']) =>
      family === undefined ? claims : { ...claims, [FAMILY_CLAIM]: family };
    const [accessToken, refreshToken] = await Promise.all([
      this.createAccessToken(input, { ...options, additionalClaims: withFamily(options.additionalClaims) }),
      this.createRefreshToken(input, {
        expiresDelta: undefined,
        additionalClaims: withFamily(options.additionalClaims),
        additionalHeaders: options.additionalHeaders,
      }),
    ]);
    return { accessToken, refreshToken };
  }

  #refreshRevocationCheck(): void {
    if (this.#pipeline === undefined) return;
    this.#pipeline.isRevoked = this.#callbacks.tokenInBlocklistLoader ?? this.#revocation?.isRevoked ?? null;
    this.#pipeline.claimRefresh = this.#rotation && this.#revocation ? this.#revocation.claimRefresh : null;
  }

  // ---- Cookies ----

  /**
   * The `Set-Cookie` lines of `set_access_cookies` / `set_refresh_cookies`: the HttpOnly JWT
   * cookie and the readable CSRF cookie. The CSRF value is read from the token's own claim.
   *
   * @example
   * ```ts
   * for (const line of jwt.setCookieLines('access', token)) res.append('Set-Cookie', line)
   * ```
   */
  setCookieLines(kind: CookieKind, token: string, options: CookieOptions = {}): string[] {
    return setCookieLines(this.config, kind, token, this.#csrfFor(token), options, this.config.clock());
  }

  /**
   * The `Set-Cookie` lines of `unset_access_cookies` / `unset_refresh_cookies`.
   *
   * @example
   * ```ts
   * jwt.unsetCookieLines('refresh')
   * ```
   */
  unsetCookieLines(kind: CookieKind, options: Pick<CookieOptions, 'domain'> = {}): string[] {
    return unsetCookieLines(this.config, kind, options);
  }

  /**
   * Writes the access cookies to a response port (flask `set_access_cookies`).
   *
   * @example
   * ```ts
   * jwt.setAccessCookies(port, accessToken, { maxAge: 3600 })
   * ```
   */
  setAccessCookies(response: ResponsePort, token: string, options: CookieOptions = {}): void {
    for (const line of this.setCookieLines('access', token, options)) response.appendSetCookie(line);
  }

  /** Writes the refresh cookies to a response port (flask `set_refresh_cookies`). */
  setRefreshCookies(response: ResponsePort, token: string, options: CookieOptions = {}): void {
    for (const line of this.setCookieLines('refresh', token, options)) response.appendSetCookie(line);
  }

  /** Deletes the access cookies (flask `unset_access_cookies`). */
  unsetAccessCookies(response: ResponsePort, options: Pick<CookieOptions, 'domain'> = {}): void {
    for (const line of this.unsetCookieLines('access', options)) response.appendSetCookie(line);
  }

  /** Deletes the refresh cookies (flask `unset_refresh_cookies`). */
  unsetRefreshCookies(response: ResponsePort, options: Pick<CookieOptions, 'domain'> = {}): void {
    for (const line of this.unsetCookieLines('refresh', options)) response.appendSetCookie(line);
  }

  /** Deletes both pairs of cookies (flask `unset_jwt_cookies`). */
  unsetJwtCookies(response: ResponsePort, options: Pick<CookieOptions, 'domain'> = {}): void {
    this.unsetAccessCookies(response, options);
    this.unsetRefreshCookies(response, options);
  }

  /**
   * The token's `csrf` claim. flask decodes the token fully here; we read the claim of a token the
   * server itself is handing out without re-verifying it, so cookie helpers stay synchronous
   * even with an async `decodeKeyLoader`. A token without the claim is refused all the same.
   */
  #csrfFor(token: string): string | null {
    if (!this.config.cookieCsrfProtect || !this.config.csrfInCookies) return null;
    const csrf = this.config.engine.parse(token, this.config.maxTokenSize).payload.csrf;
    if (typeof csrf !== 'string') throw new JwtDecodeError('Missing claim: csrf');
    return csrf;
  }
}
