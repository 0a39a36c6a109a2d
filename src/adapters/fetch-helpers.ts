/**
 * The web-standard typed public exports that need no glue, for `jwt-extended/fetch` (not a
 * public subpath; fetch.ts re-exports each by name): the getters and cookie helpers (one line
 * each with its TSDoc) and `jwksHandler`. The handler wrapper stays in fetch.ts.
 *
 * @module
 */
import type { AnyJwtManager, JwksResponseOptions, JwtGetters } from '../index.js';
import { coreGetters, createJwksResponder } from '../index.js';
import * as kit from '../kit/index.js';

// Each export typed by name, not destructured, as in the other adapters: the declarations then
// say which helper each one is (test/package/hygiene.test.ts).
type Getters = JwtGetters<Request>;
type Cookies = kit.CookieHelpers<Response | Headers>;

/** flask `get_jwt()` on the handler's `Request` (see `JwtGetters`). */
export const getJwt: Getters['getJwt'] = coreGetters.getJwt;
/** flask `get_jwt_header()` on the handler's `Request` (see `JwtGetters`). */
export const getJwtHeader: Getters['getJwtHeader'] = coreGetters.getJwtHeader;
/** flask `get_jwt_identity()` on the handler's `Request` (see `JwtGetters`). */
export const getJwtIdentity: Getters['getJwtIdentity'] = coreGetters.getJwtIdentity;
/** The seed page's `get_jwt_claims()` on the handler's `Request` (see `JwtGetters`). */
export const getJwtClaims: Getters['getJwtClaims'] = coreGetters.getJwtClaims;
/** flask `get_current_user()` on the handler's `Request` (see `JwtGetters`). */
export const getCurrentUser: Getters['getCurrentUser'] = coreGetters.getCurrentUser;
/** flask `get_jwt_request_location()` on the handler's `Request` (see `JwtGetters`). */
export const getJwtRequestLocation: Getters['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;
/** The request's whole verified state, or `undefined` (see `JwtGetters`). */
export const readJwtState: Getters['readJwtState'] = coreGetters.readJwtState;

/**
 * Serves the manager's public keys (`jwt.jwks()`) as a JWK Set with `Cache-Control: public,
 * max-age=300` (see `JwksResponseOptions`), for services that verify this one's tokens.
 *
 * @example
 * ```ts
 * export const GET = jwksHandler(jwt) // app/.well-known/jwks.json/route.ts
 * ```
 */
export function jwksHandler(jwt: AnyJwtManager, options?: JwksResponseOptions): () => Response {
  const respond = createJwksResponder(jwt, options);
  return () => {
    const { status, headers, body } = respond();
    return new Response(body, { status, headers });
  };
}

const cookies: Cookies = kit.createCookieHelpers<Response | Headers>(kit.appendWebSetCookie);

/**
 * flask `set_access_cookies` on a `Response` (or its `Headers`; so do the four helpers below), each
 * line appended after the `Set-Cookie` lines already there. The headers must be mutable: a `Response` from `fetch()` or
 * `Response.redirect()` has immutable ones (copy it first with `new Response(res.body, res)`).
 *
 * @example
 * ```ts
 * const response = Response.json({ login: true })
 * setAccessCookies(jwt, response, accessToken)
 * return response
 * ```
 */
export const setAccessCookies: Cookies['setAccessCookies'] = cookies.setAccessCookies;
/** flask `set_refresh_cookies` on a `Response` or its `Headers` (see `setAccessCookies`). */
export const setRefreshCookies: Cookies['setRefreshCookies'] = cookies.setRefreshCookies;
/** flask `unset_jwt_cookies` on a `Response` or its `Headers` (see `setAccessCookies`). */
export const unsetJwtCookies: Cookies['unsetJwtCookies'] = cookies.unsetJwtCookies;
/** flask `unset_access_cookies` on a `Response` or its `Headers` (see `setAccessCookies`). */
export const unsetAccessCookies: Cookies['unsetAccessCookies'] = cookies.unsetAccessCookies;
/** flask `unset_refresh_cookies` on a `Response` or its `Headers` (see `setAccessCookies`). */
export const unsetRefreshCookies: Cookies['unsetRefreshCookies'] = cookies.unsetRefreshCookies;
