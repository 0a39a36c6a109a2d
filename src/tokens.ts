/**
 * Token creation for the manager: run the loaders (sync or async), pick the signing key, sign.
 * One function serves `createAccessToken`, `createRefreshToken` and their sync twins, and the
 * pair of one login (`createTokenPair`, `rotateTokens`).
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import type { ResolvedConfig } from './config.js';
import type { AccessTokenOptions, TokenEncoder, TokenParts } from './encode.js';
import { JwtConfigError } from './errors.js';
import { isPromiseLike } from './internal/promise.js';
import { randomUUID } from './internal/random.js';
import type { Keyring } from './keyring.js';
import { FAMILY_CLAIM } from './revocation.js';
import type { MaybePromise } from './types.js';

/** What token creation needs from its manager; `callbacks` is read on every call. */
export interface TokenFactoryContext {
  readonly config: ResolvedConfig;
  readonly callbacks: ManagerCallbacks<unknown, unknown, unknown, unknown>;
  readonly keys: Keyring;
  /** The token encoder compiled once per manager (its payload template). */
  readonly encoder: TokenEncoder;
}

/** An access token and a refresh token of the same login (and, under rotation, the same family). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/**
 * Creates one token. Synchronous when every loader is; with `sync`, a loader's promise is a
 * {@link JwtConfigError} (use the async method) instead of a promise.
 *
 * @example
 * ```ts
 * const token = createToken(context, 'alice', 'access', { fresh: true }, true) as string
 * ```
 */
export function createToken(
  context: TokenFactoryContext,
  input: unknown,
  type: 'access' | 'refresh',
  options: AccessTokenOptions,
  sync: boolean,
): MaybePromise<string> {
  const cb = context.callbacks;
  if (sync && context.config.engine.async) {
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
    return encode(context, type, options, identity, claims, headers, keyMaterial);
  }
  const loaded = [identity, claims, headers, keyMaterial];
  if (sync) {
    for (const value of loaded) if (isPromiseLike(value)) Promise.resolve(value).catch(() => undefined);
    throw new JwtConfigError(
      `a loader returned a promise: use the async create${type === 'access' ? 'Access' : 'Refresh'}Token() instead`,
    );
  }
  return Promise.all(loaded).then(([i, c, h, k]) => encode(context, type, options, i, c, h, k));
}

function encode(
  context: TokenFactoryContext,
  type: 'access' | 'refresh',
  options: AccessTokenOptions,
  identity: unknown,
  claims: unknown,
  headers: unknown,
  keyMaterial: unknown,
): MaybePromise<string> {
  const keys = context.keys;
  const parts: TokenParts = {
    type,
    identity,
    fresh: type === 'access' ? (options.fresh ?? false) : false,
    expiresDelta: options.expiresDelta,
    loaderClaims: claims as Record<string, unknown> | undefined,
    additionalClaims: options.additionalClaims,
    loaderHeaders: headers as Record<string, unknown> | undefined,
    additionalHeaders: options.additionalHeaders,
    key: context.callbacks.encodeKeyLoader
      ? keys.signingKeyFrom(keyMaterial as Parameters<Keyring['signingKeyFrom']>[0])
      : keys.signingKey(),
  };
  return context.encoder.encode(parts);
}

/**
 * The access and refresh tokens of one login. With a `family`, both carry it (claim `fam`), so a
 * detected reuse of the refresh token revokes the pair.
 *
 * @example
 * ```ts
 * const { accessToken, refreshToken } = await createTokenPair(context, user, {}, randomUUID())
 * ```
 */
export async function createTokenPair(
  context: TokenFactoryContext,
  input: unknown,
  options: AccessTokenOptions,
  family: string | undefined,
): Promise<TokenPair> {
  const additionalClaims =
    family === undefined ? options.additionalClaims : { ...options.additionalClaims, [FAMILY_CLAIM]: family };
  // Each one async, so a loader that throws for one still lets the other run, as two calls would.
  const create = async (type: 'access' | 'refresh', tokenOptions: AccessTokenOptions) =>
    createToken(context, input, type, tokenOptions, false);
  const [accessToken, refreshToken] = await Promise.all([
    create('access', { ...options, additionalClaims }),
    create('refresh', { expiresDelta: undefined, additionalClaims, additionalHeaders: options.additionalHeaders }),
  ]);
  return { accessToken, refreshToken };
}

/**
 * The family of a new login: a fresh id under rotation, none otherwise; at a refresh route, the
 * presented refresh token's own family when it has one.
 *
 * @example
 * ```ts
 * familyFor(getJwt(req), true)
 * ```
 */
export function familyFor(refreshPayload: Record<string, unknown> | undefined, rotation: boolean): string | undefined {
  const family = refreshPayload?.[FAMILY_CLAIM];
  return typeof family === 'string' ? family : rotation ? randomUUID() : undefined;
}
