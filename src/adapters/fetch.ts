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
import type { AnyJwtManager, RegisteredJwtState, RouteOptions } from '../index.js';
import * as kit from '../kit/index.js';

// What needs no glue (the getters, cookie helpers, jwksHandler) lives in fetch-helpers.ts.
export { getCurrentUser, getJwt, getJwtClaims, getJwtHeader, getJwtIdentity, jwksHandler } from './fetch-helpers.js';
export { getJwtRequestLocation, readJwtState, setAccessCookies, setRefreshCookies } from './fetch-helpers.js';
export { unsetAccessCookies, unsetJwtCookies, unsetRefreshCookies } from './fetch-helpers.js';

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
 * The runtime's quirks, the same for every handler it serves: fetch's `Headers` join a repeated
 * header with ", ", and no web-standard runtime lets a GET carry a body. A body the route reads
 * comes from a clone (see `webRequestPort`), so the handler still gets all of it.
 */
const glue: kit.AdapterGlue<Request, Request, Response> = { port: kit.webRequestPort, target: kit.webResponseTarget };
