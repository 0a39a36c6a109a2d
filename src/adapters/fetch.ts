/**
 * `jwt-extended/fetch`: flask-jwt-extended's route protection and cookie helpers for web-standard
 * handlers, `(request: Request, ...rest) => Response`: Next.js route handlers and middleware,
 * `Bun.serve`, `Deno.serve`, Cloudflare Workers, SvelteKit, Remix and Astro endpoints. Nothing
 * here needs Node: on a runtime without `node:crypto`, create the manager with the WebCrypto engine.
 *
 * @example
 * ```ts
 * import { JwtManager } from 'jwt-extended'
 * import { jwtRequired, getJwtIdentity } from 'jwt-extended/fetch'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * export const GET = jwtRequired(jwt, (request) => Response.json({ identity: getJwtIdentity(request) }))
 * ```
 *
 * @module jwt-extended/fetch
 */
import type { AnyJwtManager, JwksResponseOptions, JwtGetters, RegisteredJwtState } from '../index.js';
import type { RouteOptions } from '../index.js';
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
export type { JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

/**
 * A web-standard handler. `rest` is whatever the runtime passes after the request (Next.js: the
 * route context; Workers: `env, ctx`; Bun: the server; Deno: the connection info), handed on
 * unchanged. `R` is a `Request` subclass when the framework passes one (Next.js's `NextRequest`).
 */
export type FetchHandler<R extends Request = Request, A extends unknown[] = unknown[]> = (
  request: R,
  ...rest: A
) => Response | Promise<Response>;

/**
 * Protects a handler (flask `@jwt_required()`): route options are checked now, the token on every
 * call. A request that fails verification gets flask's JSON answer and never reaches `handler`;
 * one that passes reaches it with the state readable through the getters (on the same `Request`
 * object). Errors that are not a client's (a throwing callback) reject, for the runtime's own
 * error handling.
 *
 * @example
 * ```ts
 * export const POST = jwtRequired(jwt, { refresh: true }, async (request) =>
 *   Response.json({ access_token: await jwt.createAccessToken(getJwtIdentity(request)) }))
 * ```
 */
export function jwtRequired<R extends Request, A extends unknown[]>(
  jwt: AnyJwtManager,
  handler: FetchHandler<R, A>,
): (request: R, ...rest: A) => Promise<Response>;
export function jwtRequired<R extends Request, A extends unknown[]>(
  jwt: AnyJwtManager,
  options: RouteOptions,
  handler: FetchHandler<R, A>,
): (request: R, ...rest: A) => Promise<Response>;
export function jwtRequired<R extends Request, A extends unknown[]>(
  jwt: AnyJwtManager,
  optionsOrHandler: RouteOptions | FetchHandler<R, A>,
  maybeHandler?: FetchHandler<R, A>,
): (request: R, ...rest: A) => Promise<Response> {
  const [options, handler] =
    typeof optionsOrHandler === 'function' ? [{}, optionsOrHandler] : [optionsOrHandler, maybeHandler];
  if (typeof handler !== 'function') {
    throw new TypeError('jwtRequired(jwt, options, handler): the handler (request) => Response is missing.');
  }
  const route = jwt.compileRoute(options);
  return async function jwtRequiredHandler(request, ...rest) {
    return kit.guardRequest(jwt, glue, route, request, request, () => handler(request, ...rest));
  };
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`), for code that is not one handler
 * (a SvelteKit `handle` hook, an Astro middleware): resolves to the state (anonymous for an optional
 * route without a token and for OPTIONS), readable afterwards through the getters on the
 * same `request`; rejects with the `JwtExtendedError`, which {@link jwtErrorHandler} turns into
 * flask's answer.
 *
 * @example
 * ```ts
 * const state = await verifyJwtInRequest(jwt, request, { optional: true })
 * ```
 */
export function verifyJwtInRequest(
  jwt: AnyJwtManager,
  request: Request,
  options?: RouteOptions,
): Promise<RegisteredJwtState | null> {
  return kit.verifyInRequest(jwt, glue, request, options);
}

/**
 * Wraps a handler so that jwt-extended's client errors thrown in it (from
 * {@link verifyJwtInRequest}, or a getter on an unverified request) get flask's answers (and the
 * manager's overrides); every other error is rethrown.
 *
 * @example
 * ```ts
 * export default { fetch: jwtErrorHandler(jwt, async (request) => { await verifyJwtInRequest(jwt, request); ... }) }
 * ```
 */
export function jwtErrorHandler<R extends Request, A extends unknown[]>(
  jwt: AnyJwtManager,
  handler: FetchHandler<R, A>,
): (request: R, ...rest: A) => Promise<Response> {
  return async function jwtErrorHandlerHandler(request, ...rest) {
    try {
      return await handler(request, ...rest);
    } catch (error) {
      return kit.answerClientError(jwt, glue, request, error);
    }
  };
}

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

/**
 * The runtime's quirks, the same for every handler it serves: fetch's `Headers` join a repeated
 * header with ", ", and no web-standard runtime lets a GET carry a body. A body the route reads
 * comes from a clone (see `webRequestPort`), so the handler still gets all of it.
 */
const glue: kit.AdapterGlue<Request, Request, Response> = { port: kit.webRequestPort, target: kit.webResponseTarget };
