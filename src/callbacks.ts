/**
 * The loaders and callbacks a manager accepts: flask-jwt-extended's decorators, as options or as
 * registration methods. Every one may be synchronous or return a promise.
 *
 * @module
 */
import { JwtConfigError } from './errors.js';
import type { KeyMaterial } from './jws/index.js';
import type { JwtHeader, JwtPayload, JwtResponse, MaybePromise } from './types.js';

/** A callback that turns an error of one token into a response: `(header, payload) => response`. */
export type TokenResponseCallback = (header: JwtHeader, payload: JwtPayload) => MaybePromise<JwtResponse>;

/** A callback that turns an error reason into a response: `(reason) => response`. */
export type ReasonResponseCallback = (reason: string) => MaybePromise<JwtResponse>;

/** A check on a verified token: `(header, payload) => boolean`. */
export type TokenCheckCallback = (header: JwtHeader, payload: JwtPayload) => MaybePromise<boolean>;

/**
 * All loaders and callbacks, named as in flask-jwt-extended 4.x (camelCase).
 *
 * @typeParam TInput - what `createAccessToken` receives (the seed's `UserObject`)
 * @typeParam TIdentity - what `userIdentityLoader` returns: the identity claim
 * @typeParam TClaims - what `additionalClaimsLoader` returns: the extra claims
 * @typeParam TUser - what `userLookupLoader` returns: the current user
 */
export interface ManagerCallbacks<TInput, TIdentity, TClaims, TUser> {
  /** `user_identity_loader`: turns the object given to `createAccessToken` into the identity claim. */
  userIdentityLoader?: (input: TInput) => MaybePromise<TIdentity>;
  /** `additional_claims_loader`: extra claims for every new token; receives the original object. */
  additionalClaimsLoader?: (input: TInput) => MaybePromise<TClaims>;
  /** The seed page's (3.x) name for {@link ManagerCallbacks.additionalClaimsLoader}. */
  userClaimsLoader?: (input: TInput) => MaybePromise<TClaims>;
  /** `additional_headers_loader`: extra JOSE headers for every new token. */
  additionalHeadersLoader?: (input: TInput) => MaybePromise<Record<string, unknown>>;
  /** `encode_key_loader`: the signing key for this identity (imported once per distinct key). */
  encodeKeyLoader?: (input: TInput) => MaybePromise<KeyMaterial>;
  /** `decode_key_loader`: the verification key, from the unverified header and payload (e.g. `kid`). */
  decodeKeyLoader?: (header: JwtHeader, payload: JwtPayload) => MaybePromise<KeyMaterial>;
  /** `token_in_blocklist_loader`: return true to refuse the token as revoked. Wins over a store. */
  tokenInBlocklistLoader?: TokenCheckCallback;
  /** `token_verification_loader`: return false to refuse the token (400 by default). */
  tokenVerificationLoader?: TokenCheckCallback;
  /** `user_lookup_loader`: load the current user; null or undefined refuses the request. */
  userLookupLoader?: (header: JwtHeader, payload: JwtPayload) => MaybePromise<TUser | null | undefined>;
  /** `expired_token_loader`. Default 401 `Token has expired`. */
  expiredTokenLoader?: TokenResponseCallback;
  /** `invalid_token_loader`. Default 422 with the reason. */
  invalidTokenLoader?: ReasonResponseCallback;
  /** `unauthorized_loader` (no token, CSRF failures). Default 401 with the reason. */
  unauthorizedLoader?: ReasonResponseCallback;
  /** `needs_fresh_token_loader`. Default 401 `Fresh token required`. */
  needsFreshTokenLoader?: TokenResponseCallback;
  /** `revoked_token_loader`. Default 401 `Token has been revoked`. */
  revokedTokenLoader?: TokenResponseCallback;
  /** `token_verification_failed_loader`. Default 400 `User claims verification failed`. */
  tokenVerificationFailedLoader?: TokenResponseCallback;
  /** `user_lookup_error_loader`. Default 401 `Error loading the user <identity>`. */
  userLookupErrorLoader?: TokenResponseCallback;
  /** jwt-extended: a reused refresh token (rotation). Default 401 `Refresh token reuse detected`. */
  refreshTokenReusedLoader?: TokenResponseCallback;
}

/** Every loader and callback a manager accepts, in flask's order (the seed's alias last). */
export const CALLBACK_NAMES = Object.freeze([
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
  'userClaimsLoader',
] as const);

/** The name of one loader or callback. */
export type CallbackName = (typeof CALLBACK_NAMES)[number];

/**
 * flask's decorators as methods: each registers its callback (replacing an earlier one) and
 * returns it, so it can wrap a function declaration. The same names are accepted as options.
 */
export type CallbackRegistrations<C> = {
  [K in keyof C]-?: <F extends NonNullable<C[K]>>(fn: F) => F;
};

/**
 * Stores one callback under its name (the seed's `userClaimsLoader` under
 * `additionalClaimsLoader`). `undefined` and `null` leave the registry as it is. The pipeline and
 * the token factory read the registry on every use, so a late registration needs no rewiring.
 *
 * @example
 * ```ts
 * registerCallback(callbacks, 'userLookupLoader', (header, payload) => users.get(payload.sub))
 * ```
 */
export function registerCallback<F>(callbacks: object, name: CallbackName, fn: F): F {
  if (fn === undefined || fn === null) return fn;
  if (typeof fn !== 'function') throw new JwtConfigError(`${name} must be a function`);
  const key = name === 'userClaimsLoader' ? 'additionalClaimsLoader' : name;
  (callbacks as Record<string, unknown>)[key] = fn;
  return fn;
}
