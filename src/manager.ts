/**
 * `JwtManager`: the facade an app configures once (flask's `JWTManager`). It validates the
 * options and holds the parts, each with one job in its own module: tokens (`tokens.ts`),
 * decoding (`decode.ts`), the callback registry (`callbacks.ts`), revocation and rotation
 * (`revocation.ts`), cookies (`cookies.ts`) and the request pipeline (`verify.ts`), wired
 * together once by `manager-parts.ts`.
 *
 * @module
 */
import { CALLBACK_NAMES, type CallbackRegistrations, type ManagerCallbacks, registerCallback } from './callbacks.js';
import { type ResolvedConfig, resolveConfig } from './config.js';
import type { JwtManagerOptions } from './options.js';
import { type CookieKind, type CookieOptions, csrfClaimFor, setCookieLines, unsetCookieLines } from './cookies.js';
import { type DecodeOptions, type DecoderContext, csrfTokenOf, decode, decodeSync, jtiOf } from './decode.js';
import type { AccessTokenOptions, RefreshTokenOptions } from './encode.js';
import { JwtConfigError } from './errors.js';
import { checkOptions } from './option-table.js';
import * as getters from './getters.js';
import { isPromiseLike } from './internal/promise.js';
import { type Keyring, kidKeyringOf } from './keyring.js';
import type { JwkSet } from './keys/jwk.js';
import type { KeyringKey } from './keys/kid-keyring.js';
import type { RequestPort, RevocationStore } from './ports.js';
import { createRequestView } from './request-view.js';
import { errorResponse } from './responses.js';
import { assembleParts } from './manager-parts.js';
import type { RevocationWiring } from './revocation.js';
import { type JwtState, saveJwtState } from './state.js';
import type { VerifiedTokenCache } from './token-cache.js';
import { type TokenFactoryContext, type TokenPair, createToken, createTokenPair, familyFor } from './tokens.js';
import type { JwtHeader, JwtPayload, JwtResponse, MaybePromise } from './types.js';
import { type CompiledRoute, type PipelineContext, type RouteOptions, compileRoute, runPipeline } from './verify.js';

export type { TokenPair } from './tokens.js';
export type { JwtManagerOptions } from './options.js';

/**
 * A manager of any identity, claims and user types: what adapters and stores accept. Its public
 * members only, so the check is structural: a manager made by the CommonJS build (whose private
 * fields TypeScript counts as different declarations) is accepted by the ESM build's adapters
 * and the other way round.
 *
 * @example
 * ```ts
 * function jwtRequired(jwt: AnyJwtManager) { ... }
 * ```
 */
// `useBlocklist` returns `this`, which the mapped type would turn back into the class.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJwtManager = Omit<JwtManager<any, any, any, any>, 'useBlocklist'> & {
  useBlocklist(store: RevocationStore): unknown;
};

type Callbacks<TInput, TIdentity, TClaims, TUser> = ManagerCallbacks<TInput, TIdentity, TClaims, TUser>;

/**
 * flask's decorators, one method per loader or callback (`jwt.userLookupLoader(fn)`), generated
 * from the registry: each registers its function and returns it.
 */
// The class below merges with this interface: its methods are installed once, from CALLBACK_NAMES.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JwtManager<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  TInput = any,
  TIdentity = TInput,
  TClaims extends object = Record<string, unknown>,
  TUser = unknown,
> extends CallbackRegistrations<Callbacks<TInput, TIdentity, TClaims, TUser>> {}

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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class JwtManager<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  TInput = any,
  TIdentity = TInput,
  TClaims extends object = Record<string, unknown>,
  TUser = unknown,
> {
  /** The validated, frozen configuration (its keys are not enumerable: nothing prints them). */
  readonly config: ResolvedConfig;
  readonly #callbacks: Callbacks<TInput, TIdentity, TClaims, TUser> = {};
  readonly #keys: Keyring;
  readonly #tokens: TokenFactoryContext;
  readonly #decoder: DecoderContext;
  readonly #pipeline: PipelineContext;
  readonly #revocation: RevocationWiring;
  readonly #tokenCache: VerifiedTokenCache | null;

  static {
    // flask's decorators: one generic registration behind every loader's method.
    for (const name of CALLBACK_NAMES) {
      Object.defineProperty(JwtManager.prototype, name, {
        value: function register(this: JwtManager, fn: unknown) {
          return registerCallback(this.#callbacks, name, fn);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  /** Validates everything once; a mistake throws {@link JwtConfigError} saying how to fix it. */
  constructor(options: JwtManagerOptions<TInput, TIdentity, TClaims, TUser> = {}) {
    if (options === null || typeof options !== 'object') {
      throw new JwtConfigError('JwtManager options must be an object');
    }
    checkOptions(options);
    this.config = resolveConfig(options);
    for (const name of CALLBACK_NAMES) registerCallback(this.#callbacks, name, options[name]);
    const parts = assembleParts(this.config, this.#callbacks, options);
    this.#keys = parts.keys;
    this.#tokens = parts.tokens;
    this.#decoder = parts.decoder;
    this.#revocation = parts.revocation;
    this.#tokenCache = parts.tokenCache;
    this.#pipeline = parts.pipeline;
  }

  /** Empties the verified-token cache: call it when you rotate or revoke a signing key. */
  clearVerifiedTokenCache(): void {
    this.#tokenCache?.clear();
  }

  // ---- Keys: keyring rotation and the JWK Set ----

  /** The public keys as a JWK Set, for `/.well-known/jwks.json` (never a private key or a secret). */
  jwks(): JwkSet {
    return this.#keys.jwks();
  }

  /** Rotation, step 1: adds a key to the keyring (`keys` option); it verifies at once, signs once promoted. */
  addKey(key: KeyringKey): string {
    return kidKeyringOf(this.#keys, 'addKey').add(key);
  }

  /** Rotation, step 2: new tokens are signed with this key (and carry its `kid`). */
  promoteKey(kid: string): void {
    kidKeyringOf(this.#keys, 'promoteKey').promote(kid);
  }

  /** Rotation, step 3, once the old key's last token expired: tokens it signed are refused (cache included). */
  retireKey(kid: string): void {
    kidKeyringOf(this.#keys, 'retireKey').retire(kid);
    this.clearVerifiedTokenCache();
  }

  /** Fetches the `remoteJwks` set now (e.g. before serving), instead of on the first token. */
  async refreshRemoteJwks(): Promise<void> {
    if (this.#keys.remote === null) throw new JwtConfigError('refreshRemoteJwks needs the remoteJwks option');
    await this.#keys.remote.refresh();
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
    return createToken(this.#tokens, input, 'access', options, false);
  }

  /** {@link JwtManager.createAccessToken} for synchronous loaders (throws if one returns a promise). */
  createAccessTokenSync(input: TInput, options: AccessTokenOptions = {}): string {
    return createToken(this.#tokens, input, 'access', options, true) as string;
  }

  /** Creates a refresh token (flask `create_refresh_token`); it is never fresh. */
  async createRefreshToken(input: TInput, options: RefreshTokenOptions = {}): Promise<string> {
    return createToken(this.#tokens, input, 'refresh', options, false);
  }

  /** {@link JwtManager.createRefreshToken} for synchronous loaders. */
  createRefreshTokenSync(input: TInput, options: RefreshTokenOptions = {}): string {
    return createToken(this.#tokens, input, 'refresh', options, true) as string;
  }

  /** An access and a refresh token for one login; under rotation both carry a new family id (`fam`). */
  async createTokenPair(input: TInput, options: AccessTokenOptions = {}): Promise<TokenPair> {
    return createTokenPair(this.#tokens, input, options, familyFor(undefined, this.#revocation.rotation));
  }

  /**
   * At a refresh route: new tokens for the same login, in the presented refresh token's family
   * (which the route's verification already marked used under rotation).
   *
   * @example
   * ```ts
   * res.json(await jwt.rotateTokens(getJwt(req), users.get(getJwtIdentity(req))))
   * ```
   */
  async rotateTokens(
    refreshPayload: JwtPayload | Record<string, never>,
    input: TInput,
    options: AccessTokenOptions = {},
  ): Promise<TokenPair> {
    return createTokenPair(this.#tokens, input, options, familyFor(refreshPayload, this.#revocation.rotation));
  }

  /**
   * Decodes and fully verifies a token (flask `decode_token`): signature, algorithm and every
   * claim (and the CSRF value, when given); no type, fresh, blocklist or user checks.
   *
   * @example
   * ```ts
   * const payload = await jwt.decodeToken(token)
   * ```
   */
  async decodeToken(token: string, options: DecodeOptions = {}): Promise<JwtPayload & TClaims> {
    return (await decode(this.#decoder, token, options)).payload as JwtPayload & TClaims;
  }

  /** {@link JwtManager.decodeToken} without a promise (throws if `decodeKeyLoader` is async). */
  decodeTokenSync(token: string, options: DecodeOptions = {}): JwtPayload & TClaims {
    return decodeSync(this.#decoder, token, options).payload as JwtPayload & TClaims;
  }

  /** The header of a token, without verifying anything (flask `get_unverified_jwt_headers`). */
  getUnverifiedJwtHeaders(token: string): JwtHeader {
    return this.config.engine.parse(token, this.config.maxTokenSize).header;
  }

  /** The `jti` of a verified token (flask `get_jti`). */
  getJti(token: string): string | null {
    return jtiOf(this.#decoder, token);
  }

  /** The `csrf` claim of a verified token (flask `get_csrf_token`), for clients that do not read the cookie. */
  getCsrfToken(token: string): string {
    return csrfTokenOf(this.#decoder, token);
  }

  // ---- Requests (what adapters call) ----

  /** Checks route options once, when the route is declared (an unknown location throws here). */
  compileRoute(options: RouteOptions = {}): CompiledRoute {
    return compileRoute(this.config, options);
  }

  /**
   * Runs the pipeline on a request and saves the state for the getters on `carrier` (the
   * framework's request or context); anonymous for OPTIONS, a promise only when a loader, callback
   * or store is asynchronous. Throws or rejects with a `JwtExtendedError` (see {@link errorResponse}).
   */
  verifyRequest(carrier: object, port: RequestPort, route: CompiledRoute): MaybePromise<JwtState | null> {
    const result = runPipeline(this.#pipeline, createRequestView(port), route);
    // No closure on the synchronous path: it runs once per protected request.
    if (!isPromiseLike<JwtState | null>(result)) return saveState(carrier, result);
    return Promise.resolve(result).then((state) => saveState(carrier, state));
  }

  /**
   * What every adapter's middleware does: verify and save, then give `undefined` (continue) or the
   * error response to send; synchronous when the configuration is. Errors that are not a client's
   * doing are rethrown for the framework's own error handling.
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
   */
  errorResponse(error: unknown): Promise<JwtResponse> {
    return errorResponse(error, this.#callbacks as never, this.config.errorMessageKey, this.config.identityClaim);
  }

  // ---- Typed getters: the free getters, typed with this manager's identity, claims and user ----

  /** `getJwt(carrier)` typed with this manager's claims. */
  getJwt(carrier: object): (JwtPayload & TClaims) | Record<string, never> {
    return getters.getJwt(carrier) as (JwtPayload & TClaims) | Record<string, never>;
  }

  /** `getJwtIdentity(carrier)` typed with this manager's identity. */
  getJwtIdentity(carrier: object): TIdentity | null {
    return getters.getJwtIdentity(carrier) as TIdentity | null;
  }

  /** `getJwtClaims(carrier)` typed with this manager's claims: an undeclared claim does not compile. */
  getJwtClaims(carrier: object): TClaims | Record<string, never> {
    return getters.getJwtClaims(carrier) as TClaims | Record<string, never>;
  }

  /** `getCurrentUser(carrier)` typed with what `userLookupLoader` returns. */
  getCurrentUser(carrier: object): TUser | null {
    return getters.getCurrentUser(carrier) as TUser | null;
  }

  // ---- Revocation ----

  /**
   * Plugs a revocation store into the pipeline (a registered `tokenInBlocklistLoader` still wins).
   *
   * @example
   * ```ts
   * jwt.useBlocklist(createRedisStore(new Redis(process.env.REDIS_URL)))
   * ```
   */
  useBlocklist(store: RevocationStore): this {
    this.#revocation.use(store);
    return this;
  }

  /**
   * Revokes one token (encoded, expired accepted, or a verified payload such as `getJwt(req)`),
   * for as long as it could otherwise be accepted. `getJwt(req)`'s `{}` (an optional route that
   * got no token) is accepted by the type, so the logout idiom compiles as written, and refused
   * here: there is no token to revoke.
   *
   * @example
   * ```ts
   * app.delete('/logout', jwtRequired(jwt), async (req, res) => {
   *   await jwt.revokeToken(getJwt(req))
   *   res.json({ msg: 'Access token revoked' })
   * })
   * ```
   */
  async revokeToken(tokenOrPayload: string | JwtPayload | Record<string, never>): Promise<void> {
    await this.#revocation.revokeOne(tokenOrPayload, (token) => this.decodeToken(token, { allowExpired: true }));
  }

  /**
   * "Log out everywhere": every token of `identity` issued up to now is refused from now on, on
   * every instance sharing the store (exact to the millisecond for tokens minted here, see
   * docs/revocation.md for flask-minted ones).
   */
  async revokeAllTokensFor(identity: TIdentity | string): Promise<void> {
    await (await this.#revocation.current()).revokeAllFor(identity);
  }

  // ---- Cookies: the lines; `jwt-extended/kit`'s helpers write them to each framework ----

  /**
   * The `Set-Cookie` lines of `set_access_cookies` / `set_refresh_cookies`: the HttpOnly JWT
   * cookie and the readable CSRF cookie, holding the token's own `csrf` claim.
   *
   * @example
   * ```ts
   * for (const line of jwt.setCookieLines('access', token)) res.append('Set-Cookie', line)
   * ```
   */
  setCookieLines(kind: CookieKind, token: string, options: CookieOptions = {}): string[] {
    const csrf = csrfClaimFor(this.config, this.config.engine, token);
    return setCookieLines(this.config, kind, token, csrf, options, this.config.clock());
  }

  /** The `Set-Cookie` lines of `unset_access_cookies` / `unset_refresh_cookies`. */
  unsetCookieLines(kind: CookieKind, options: Pick<CookieOptions, 'domain'> = {}): string[] {
    return unsetCookieLines(this.config, kind, options);
  }
}

/** Saves a verified state for the getters (not the `null` of an OPTIONS request) and returns it. */
function saveState(carrier: object, state: JwtState | null): JwtState | null {
  if (state !== null) saveJwtState(carrier, state);
  return state;
}
