/**
 * `jwt-extended/fastify`: flask-jwt-extended's `@jwt_required()` for Fastify 5: a hook for any
 * stage, and a plugin that declares `request.jwt` and the reply cookie helpers.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { JwtManager } from 'jwt-extended'
 * import { jwtExtended, jwtRequired } from 'jwt-extended/fastify'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * const app = Fastify()
 * await app.register(jwtExtended, { manager: jwt })
 * app.get('/protected', { onRequest: jwtRequired(jwt) }, async (request) => ({ id: request.jwt?.identity }))
 * ```
 *
 * @module jwt-extended/fastify
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type {
  onRequestHookHandler,
  preHandlerHookHandler,
  preParsingHookHandler,
  preValidationHookHandler,
} from 'fastify';
import type { AnyJwtManager, RegisteredJwtState, RouteOptions } from '../index.js';
import * as kit from '../kit/index.js';
import { glue, stageHook, verifyGlue } from './fastify-hooks.js';

// What needs no glue (the getters, cookie helpers, jwksHandler, the plugin) lives in fastify-helpers.ts.
export { getCurrentUser, getJwt, getJwtClaims, getJwtHeader, getJwtIdentity, jwksHandler } from './fastify-helpers.js';
export { getJwtRequestLocation, jwtExtended, readJwtState, setAccessCookies } from './fastify-helpers.js';
export { setRefreshCookies, unsetAccessCookies, unsetJwtCookies, unsetRefreshCookies } from './fastify-helpers.js';
export type { JwtExtendedOptions } from './fastify-helpers.js';

export type { CookieOptions, JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified token state, set by `jwtRequired` / `verifyJwtInRequest`; `null` before that,
     * on unprotected routes and on OPTIONS (which passes unverified).
     */
    jwt: RegisteredJwtState | null;
  }
  // flask's cookie helpers as reply methods, documented in the kit (need the `jwtExtended` plugin).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyReply extends kit.CookieMethods {}
}

/** One function Fastify accepts as an `onRequest`, `preParsing`, `preValidation` or `preHandler` hook. */
export type JwtRequiredHook = onRequestHookHandler &
  preParsingHookHandler &
  preValidationHookHandler &
  preHandlerHookHandler;

/**
 * Protects a route (flask `@jwt_required(...)`); route options are checked now. A client error
 * becomes the manager's response, anything else goes to Fastify's error handler; on success
 * `request.jwt` holds the state and the handler runs inside the request scope. Register it at
 * `onRequest` for tokens in headers, cookies or the query string, and at `preParsing` for routes
 * that read the body (`json` location, `csrfCheckForm`): there it reads the body itself, like
 * flask (invalid JSON is "no token", never Fastify's 400), and leaves it on `request.body`.
 *
 * @example
 * ```ts
 * app.post('/refresh', { preParsing: jwtRequired(jwt, { refresh: true, locations: 'json' }) }, async (request) => ({
 *   access_token: await jwt.createAccessToken(request.jwt?.identity),
 * }))
 * ```
 */
export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}): JwtRequiredHook {
  return stageHook(jwt, jwt.compileRoute(options)) as unknown as JwtRequiredHook;
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`): resolves to the state (also on
 * `request.jwt`; anonymous for OPTIONS); rejects with the `JwtExtendedError`.
 *
 * @example
 * ```ts
 * const state = await verifyJwtInRequest(jwt, request, { optional: true })
 * ```
 */
export function verifyJwtInRequest(
  jwt: AnyJwtManager,
  request: FastifyRequest,
  options?: RouteOptions,
): Promise<RegisteredJwtState | null> {
  return kit.verifyInRequest(jwt, verifyGlue, request, options); // reads a GET body too, as flask does
}

/**
 * A Fastify error handler: jwt-extended's client errors get flask's answers; anything else goes
 * to the parent error handler.
 *
 * @example
 * ```ts
 * app.setErrorHandler(jwtErrorHandler(jwt))
 * ```
 */
export function jwtErrorHandler(jwt: AnyJwtManager) {
  return (error: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply): Promise<void> =>
    kit.answerClientError(jwt, glue, reply, error);
}
