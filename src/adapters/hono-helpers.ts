/**
 * Hono's typed public exports that need no glue, for `jwt-extended/hono` (not a public subpath;
 * hono.ts re-exports each by name): the context types, the getters and cookie helpers (one line
 * each with its TSDoc) and `jwksHandler`. The middleware and Hono's quirks stay in hono.ts.
 *
 * @module
 */
import type { Context } from 'hono';
import type { AnyJwtManager, JwksResponseOptions, JwtGetters, RegisteredJwtState } from '../index.js';
import { coreGetters, createJwksResponder } from '../index.js';
import * as kit from '../kit/index.js';

// Structural: a context of any environment, path and input (hono.ts's glue uses it too).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyContext = Context<any, any, any>;

/**
 * `c.get('jwt')`, filled by {@link jwt-extended/hono!jwtRequired} (`undefined` on OPTIONS and
 * unprotected routes).
 */
export type JwtVariables = { jwt: RegisteredJwtState | undefined };

/** The Hono environment {@link jwt-extended/hono!jwtRequired} contributes to the handlers after it. */
export type JwtEnv = { Variables: JwtVariables };

// Each export typed by name, not destructured: the declarations then name the framework's type,
// not its expansion through the framework's namespaces (test/package/hygiene.test.ts).
type Getters = JwtGetters<Context>;

/** flask `get_jwt()` on a Hono `c` (see `JwtGetters`). */
export const getJwt: Getters['getJwt'] = coreGetters.getJwt;
/** flask `get_jwt_header()` on a Hono `c`. */
export const getJwtHeader: Getters['getJwtHeader'] = coreGetters.getJwtHeader;
/** flask `get_jwt_identity()` on a Hono `c`, typed by the registered manager. */
export const getJwtIdentity: Getters['getJwtIdentity'] = coreGetters.getJwtIdentity;
/** The seed page's `get_jwt_claims()` on a Hono `c`. */
export const getJwtClaims: Getters['getJwtClaims'] = coreGetters.getJwtClaims;
/** flask `get_current_user()` on a Hono `c`: what `userLookupLoader` returned. */
export const getCurrentUser: Getters['getCurrentUser'] = coreGetters.getCurrentUser;
/** flask `get_jwt_request_location()` on a Hono `c`. Never throws. */
export const getJwtRequestLocation: Getters['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;
/** The whole verified state of a Hono `c`, or `undefined`. Never throws. */
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
export function jwksHandler(jwt: AnyJwtManager, options?: JwksResponseOptions): (c: Context) => Response {
  const respond = createJwksResponder(jwt, options);
  return (c) => {
    const { status, headers, body } = respond();
    return c.body(body, status, headers);
  };
}

type Cookies = kit.CookieHelpers<AnyContext>;
const cookies: Cookies = kit.createCookieHelpers<AnyContext>((c, lines) => {
  for (const line of lines) c.header('Set-Cookie', line, { append: true });
});
/** flask `set_access_cookies` on a Hono `c`: each line its own header, after the app's. */
export const setAccessCookies: Cookies['setAccessCookies'] = cookies.setAccessCookies;
/** flask `set_refresh_cookies` on a Hono `c`. */
export const setRefreshCookies: Cookies['setRefreshCookies'] = cookies.setRefreshCookies;
/** flask `unset_jwt_cookies` on a Hono `c`. */
export const unsetJwtCookies: Cookies['unsetJwtCookies'] = cookies.unsetJwtCookies;
/** flask `unset_access_cookies` on a Hono `c`. */
export const unsetAccessCookies: Cookies['unsetAccessCookies'] = cookies.unsetAccessCookies;
/** flask `unset_refresh_cookies` on a Hono `c`. */
export const unsetRefreshCookies: Cookies['unsetRefreshCookies'] = cookies.unsetRefreshCookies;
