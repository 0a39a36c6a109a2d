/**
 * flask-jwt-extended's getters, taking the framework's request carrier explicitly
 * (`getJwtIdentity(req)`). `jwt-extended/context` adds zero-argument forms.
 *
 * @module
 */
import { RESERVED_CLAIMS } from './claims.js';
import { JwtNotVerifiedError } from './errors.js';
import type { RegisteredClaims, RegisteredIdentity, RegisteredUser } from './register.js';
import { readJwtState, type JwtState, type RegisteredJwtState } from './state.js';
import type { JwtHeader, JwtPayload, TokenLocation } from './types.js';

const NOT_VERIFIED =
  'You must protect this route with jwtRequired() or call verifyJwtInRequest() before using this method';
const NO_USER_LOOKUP = 'You must provide a `userLookupLoader` callback to use this method';

function requireState(carrier: object): JwtState {
  const state = readJwtState(carrier);
  if (!state) throw new JwtNotVerifiedError(NOT_VERIFIED);
  return state;
}

/**
 * The verified payload (flask `get_jwt()`); `{}` on an optional route without a token.
 * Throws {@link JwtNotVerifiedError} where no verification ran.
 *
 * @example
 * ```ts
 * app.get('/protected', jwtRequired(jwt), (req, res) => res.json(getJwt(req)))
 * ```
 */
export function getJwt(carrier: object): (JwtPayload & RegisteredClaims) | Record<string, never> {
  return requireState(carrier).payload as (JwtPayload & RegisteredClaims) | Record<string, never>;
}

/**
 * The verified JOSE header (flask `get_jwt_header()`); `{}` on an optional route without a token.
 *
 * @example
 * ```ts
 * const { kid } = getJwtHeader(req)
 * ```
 */
export function getJwtHeader(carrier: object): JwtHeader | Record<string, never> {
  return requireState(carrier).header;
}

/**
 * The identity claim (flask `get_jwt_identity()`); `null` on an optional route without a token.
 *
 * @example
 * ```ts
 * res.json({ current_identity: getJwtIdentity(req) })
 * ```
 */
export function getJwtIdentity(carrier: object): RegisteredIdentity | null {
  return requireState(carrier).identity as RegisteredIdentity | null;
}

/**
 * The application's own claims: the payload without the reserved claims and the identity claim
 * (the seed page's `get_jwt_claims()`, e.g. `{ roles: ['foo', 'bar'] }`).
 *
 * @example
 * ```ts
 * res.json({ current_roles: getJwtClaims(req) })
 * ```
 */
export function getJwtClaims(carrier: object): RegisteredClaims | Record<string, never> {
  const state = requireState(carrier);
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(state.payload)) {
    if (!RESERVED_CLAIMS.has(name) && name !== state.identityClaim) claims[name] = value;
  }
  return claims as RegisteredClaims;
}

/**
 * The user loaded by `userLookupLoader` (flask `get_current_user()`); `null` on an optional route
 * without a token. Throws when a token was verified but no lookup loader is registered.
 *
 * @example
 * ```ts
 * const user = getCurrentUser(req)
 * ```
 */
export function getCurrentUser(carrier: object): RegisteredUser | null {
  const state = requireState(carrier);
  if (state.location !== null && !state.userLoaded) throw new JwtNotVerifiedError(NO_USER_LOOKUP);
  return state.user as RegisteredUser | null;
}

/**
 * Where the token came from (flask `get_jwt_request_location()`), or `null`. Never throws.
 *
 * @example
 * ```ts
 * getJwtRequestLocation(req) // 'cookies'
 * ```
 */
export function getJwtRequestLocation(carrier: object): TokenLocation | null {
  return readJwtState(carrier)?.location ?? null;
}

/**
 * The getters typed for one framework's carrier: each adapter exports them with its own request
 * type (Express `Request`, Fastify `FastifyRequest`, Hono `Context`, Koa `Context`), so passing
 * the response object (`getJwtIdentity(res)`) does not compile. Identity, claims and user come
 * from the registered manager (see `Register`).
 *
 * @example
 * ```ts
 * type Getters = JwtGetters<Request>
 * export const getJwtIdentity: Getters['getJwtIdentity'] = coreGetters.getJwtIdentity
 * ```
 *
 * Each getter typed by name, not destructured (`export const { getJwt } = ...`): a destructured
 * declaration spells out the carrier's generic defaults (Express's `Request<ParamsDictionary, ...>`)
 * and drags the framework's inner modules into the published declarations.
 */
export interface JwtGetters<TCarrier> {
  /** flask `get_jwt()`: the verified payload; `{}` on an optional route without a token. */
  getJwt(carrier: TCarrier): (JwtPayload & RegisteredClaims) | Record<string, never>;
  /** flask `get_jwt_header()`: the verified JOSE header; `{}` on an optional route without a token. */
  getJwtHeader(carrier: TCarrier): JwtHeader | Record<string, never>;
  /** flask `get_jwt_identity()`: the identity claim; `null` on an optional route without a token. */
  getJwtIdentity(carrier: TCarrier): RegisteredIdentity | null;
  /** The seed page's `get_jwt_claims()`: the payload without reserved claims and the identity. */
  getJwtClaims(carrier: TCarrier): RegisteredClaims | Record<string, never>;
  /** flask `get_current_user()` / `current_user`: what `userLookupLoader` returned. */
  getCurrentUser(carrier: TCarrier): RegisteredUser | null;
  /** flask `get_jwt_request_location()`: where the token came from, or `null`. Never throws. */
  getJwtRequestLocation(carrier: TCarrier): TokenLocation | null;
  /** The whole verified state, or `undefined` where nothing was verified. Never throws. */
  readJwtState(carrier: TCarrier): RegisteredJwtState | undefined;
}

/**
 * The getters of this module as one object, for adapters to re-export with their carrier type.
 *
 * @example
 * ```ts
 * export const getJwt: JwtGetters<Context>['getJwt'] = coreGetters.getJwt
 * ```
 */
export const coreGetters: JwtGetters<object> = {
  getJwt,
  getJwtHeader,
  getJwtIdentity,
  getJwtClaims,
  getCurrentUser,
  getJwtRequestLocation,
  readJwtState,
};
