/**
 * Koa's typed public exports that need no glue, for `jwt-extended/koa` (not a public subpath;
 * koa.ts re-exports each by name): the state types, the getters and cookie helpers (one line
 * each with its TSDoc) and `jwksHandler`. The middleware and Koa's quirks stay in koa.ts.
 *
 * @module
 */
import type { Middleware, ParameterizedContext } from 'koa';
import type { AnyJwtManager, JwksResponseOptions, JwtGetters, RegisteredJwtState } from '../index.js';
import { JWKS_PATH, coreGetters, createJwksResponder } from '../index.js';
import * as kit from '../kit/index.js';

// Structural: a context of any state and custom context type (koa.ts's glue uses it too).
export type AnyContext = ParameterizedContext<object, object, unknown>;

/** The verified state as the registered manager types it (the core's `RegisteredJwtState`). */
export type KoaJwtState = RegisteredJwtState;

/**
 * The `ctx.state` slot {@link jwt-extended/koa!jwtRequired} fills (`undefined` on OPTIONS and
 * unprotected routes).
 */
export interface JwtKoaState {
  jwt?: KoaJwtState;
}

declare module 'koa' {
  /** jwt-extended fills `ctx.state.jwt` on protected routes. */
  interface DefaultState {
    jwt?: KoaJwtState;
  }
}

// Each export typed by name, not destructured: the declarations then name the framework's type,
// not its expansion through the framework's namespaces (test/package/hygiene.test.ts).
type Getters = JwtGetters<AnyContext>;

/** flask `get_jwt()` on a Koa `ctx` (see `JwtGetters`). */
export const getJwt: Getters['getJwt'] = coreGetters.getJwt;
/** flask `get_jwt_header()` on a Koa `ctx`. */
export const getJwtHeader: Getters['getJwtHeader'] = coreGetters.getJwtHeader;
/** flask `get_jwt_identity()` on a Koa `ctx`, typed by the registered manager. */
export const getJwtIdentity: Getters['getJwtIdentity'] = coreGetters.getJwtIdentity;
/** The seed page's `get_jwt_claims()` on a Koa `ctx`. */
export const getJwtClaims: Getters['getJwtClaims'] = coreGetters.getJwtClaims;
/** flask `get_current_user()` on a Koa `ctx`: what `userLookupLoader` returned. */
export const getCurrentUser: Getters['getCurrentUser'] = coreGetters.getCurrentUser;
/** flask `get_jwt_request_location()` on a Koa `ctx`. Never throws. */
export const getJwtRequestLocation: Getters['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;
/** The whole verified state of a Koa `ctx`, or `undefined`. Never throws. */
export const readJwtState: Getters['readJwtState'] = coreGetters.readJwtState;
type Cookies = kit.CookieHelpers<AnyContext>;
const cookies: Cookies = kit.createCookieHelpers<AnyContext>((ctx, lines) => ctx.append('Set-Cookie', lines));
/** flask `set_access_cookies` on a Koa `ctx`: each line its own header, after the app's. */
export const setAccessCookies: Cookies['setAccessCookies'] = cookies.setAccessCookies;
/** flask `set_refresh_cookies` on a Koa `ctx`. */
export const setRefreshCookies: Cookies['setRefreshCookies'] = cookies.setRefreshCookies;
/** flask `unset_jwt_cookies` on a Koa `ctx`. */
export const unsetJwtCookies: Cookies['unsetJwtCookies'] = cookies.unsetJwtCookies;
/** flask `unset_access_cookies` on a Koa `ctx`. */
export const unsetAccessCookies: Cookies['unsetAccessCookies'] = cookies.unsetAccessCookies;
/** flask `unset_refresh_cookies` on a Koa `ctx`. */
export const unsetRefreshCookies: Cookies['unsetRefreshCookies'] = cookies.unsetRefreshCookies;

/**
 * Serves the manager's public keys (`jwt.jwks()`) as a JWK Set with `Cache-Control: public,
 * max-age=300` on GET and HEAD of `path` (default `/.well-known/jwks.json`), and passes every
 * other request on: one `app.use` line without a router, or a router route.
 *
 * @example
 * ```ts
 * app.use(jwksHandler(jwt))
 * ```
 */
export function jwksHandler(jwt: AnyJwtManager, options: JwksResponseOptions & { path?: string } = {}): Middleware {
  const path = options.path ?? JWKS_PATH;
  const respond = createJwksResponder(jwt, options);
  return async function jwksMiddleware(ctx, next) {
    if (ctx.path !== path || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const { status, headers, body } = respond();
    ctx.status = status;
    ctx.set(headers);
    ctx.body = body;
  };
}
