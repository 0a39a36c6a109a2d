/**
 * Express's typed public exports that need no glue, for `jwt-extended/express` (not a public
 * subpath; express.ts re-exports each by name): the getters and cookie helpers (one line each
 * with its TSDoc) and `jwksHandler`. The middleware and Express's quirks stay in express.ts and
 * express-state.ts.
 *
 * @module
 */
import type { Request, RequestHandler, Response } from 'express';
import type { AnyJwtManager, JwksResponseOptions, JwtGetters } from '../index.js';
import { coreGetters, createJwksResponder } from '../index.js';
import * as kit from '../kit/index.js';

// Each export typed by name, not destructured: the declarations then say `Request`, not its
// expansion through express-serve-static-core (test/package/hygiene.test.ts).
type Getters = JwtGetters<Request>;
type Cookies = kit.CookieHelpers<Response>;
const cookies: Cookies = kit.createCookieHelpers<Response>((res, lines) => res.append('Set-Cookie', lines));

/** flask `get_jwt()` on an Express `req` (see `JwtGetters`). */
export const getJwt: Getters['getJwt'] = coreGetters.getJwt;
/** flask `get_jwt_header()` on an Express `req`. */
export const getJwtHeader: Getters['getJwtHeader'] = coreGetters.getJwtHeader;
/** flask `get_jwt_identity()` on an Express `req`, typed by the registered manager. */
export const getJwtIdentity: Getters['getJwtIdentity'] = coreGetters.getJwtIdentity;
/** The seed page's `get_jwt_claims()` on an Express `req`. */
export const getJwtClaims: Getters['getJwtClaims'] = coreGetters.getJwtClaims;
/** flask `get_current_user()` on an Express `req`: what `userLookupLoader` returned. */
export const getCurrentUser: Getters['getCurrentUser'] = coreGetters.getCurrentUser;
/** flask `get_jwt_request_location()` on an Express `req`. Never throws. */
export const getJwtRequestLocation: Getters['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;
/** The whole verified state of an Express `req`, or `undefined`. Never throws. */
export const readJwtState: Getters['readJwtState'] = coreGetters.readJwtState;

/**
 * Serves the manager's public keys (`jwt.jwks()`) as a JWK Set with `Cache-Control: public,
 * max-age=300` (see `JwksResponseOptions`), for services that verify this one's tokens.
 *
 * @example
 * ```ts
 * app.get('/.well-known/jwks.json', jwksHandler(jwt))
 * ```
 */
export function jwksHandler(jwt: AnyJwtManager, options?: JwksResponseOptions): RequestHandler {
  const respond = createJwksResponder(jwt, options);
  return (_req, res) => {
    const { status, headers, body } = respond();
    res.status(status).set(headers).send(body);
  };
}

/** flask `set_access_cookies` on an Express `res`: each line its own header, after the app's. */
export const setAccessCookies: Cookies['setAccessCookies'] = cookies.setAccessCookies;
/** flask `set_refresh_cookies` on an Express `res`. */
export const setRefreshCookies: Cookies['setRefreshCookies'] = cookies.setRefreshCookies;
/** flask `unset_jwt_cookies` on an Express `res`. */
export const unsetJwtCookies: Cookies['unsetJwtCookies'] = cookies.unsetJwtCookies;
/** flask `unset_access_cookies` on an Express `res`. */
export const unsetAccessCookies: Cookies['unsetAccessCookies'] = cookies.unsetAccessCookies;
/** flask `unset_refresh_cookies` on an Express `res`. */
export const unsetRefreshCookies: Cookies['unsetRefreshCookies'] = cookies.unsetRefreshCookies;
