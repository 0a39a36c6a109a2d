/**
 * `jwt-extended/koa`: flask-jwt-extended's route protection and cookie helpers for Koa 3 (and
 * Koa 2, whose middleware signature is the same).
 *
 * No body parser is needed: a route that reads the token from the body reads it itself (up to
 * 1 MiB) when no parser ran before it. A parser mounted before it (`@koa/bodyparser`) answers
 * invalid JSON with its own 400 where flask answers 401: give it `onError: () => {}`.
 *
 * @example
 * ```ts
 * import Koa from 'koa'
 * import { JwtManager } from 'jwt-extended'
 * import { jwtRequired } from 'jwt-extended/koa'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * const app = new Koa()
 * app.use(jwtRequired(jwt))
 * app.use((ctx) => { ctx.body = { identity: ctx.state.jwt?.identity } })
 * ```
 *
 * @module jwt-extended/koa
 */
import type { Middleware } from 'koa';
import type { AnyJwtManager, RouteOptions } from '../index.js';
import * as kit from '../kit/index.js';
import type { AnyContext, JwtKoaState, KoaJwtState } from './koa-helpers.js';

// What needs no glue (the types, getters, cookie helpers, jwksHandler) lives in koa-helpers.ts.
export { getCurrentUser, getJwt, getJwtClaims, getJwtHeader, getJwtIdentity, jwksHandler } from './koa-helpers.js';
export { getJwtRequestLocation, readJwtState, setAccessCookies, setRefreshCookies } from './koa-helpers.js';
export { unsetAccessCookies, unsetJwtCookies, unsetRefreshCookies } from './koa-helpers.js';
export type { JwtKoaState, KoaJwtState } from './koa-helpers.js';
export type { JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

/**
 * Protects the middleware after it (flask `@jwt_required()`); route options are checked now.
 * Client errors become flask's JSON responses here; anything else is thrown to Koa.
 *
 * @example
 * ```ts
 * router.post('/refresh', jwtRequired(jwt, { refresh: true }), async (ctx) => {
 *   ctx.body = { access_token: await jwt.createAccessToken(ctx.state.jwt?.identity) }
 * })
 * ```
 */
export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}): Middleware<JwtKoaState> {
  const route = jwt.compileRoute(options);
  return (ctx, next) => kit.guardRequest(jwt, glue, route, ctx, ctx, next);
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`): resolves to the state (also in
 * `ctx.state.jwt`; anonymous for OPTIONS); rejects with the `JwtExtendedError`.
 *
 * @example
 * ```ts
 * const state = await verifyJwtInRequest(jwt, ctx, { optional: true })
 * ```
 */
export function verifyJwtInRequest(
  jwt: AnyJwtManager,
  ctx: AnyContext,
  options?: RouteOptions,
): Promise<KoaJwtState | null> {
  return kit.verifyInRequest(jwt, glue, ctx, options);
}

/**
 * A middleware, mounted first, that answers jwt-extended's client errors thrown further down as
 * flask's error handlers would; every other error goes on to Koa.
 *
 * @example
 * ```ts
 * app.use(jwtErrorHandler(jwt))
 * ```
 */
export function jwtErrorHandler(jwt: AnyJwtManager): Middleware {
  return async function jwtErrorHandlerMiddleware(ctx, next) {
    try {
      await next();
    } catch (error) {
      await kit.answerClientError(jwt, glue, ctx, error);
    }
  };
}

/**
 * Koa's quirk: the body decides the status (`null` alone means 204) and rewrites the content
 * headers, so the body goes first, then the status, then the callback's headers.
 */
function target(ctx: AnyContext): kit.ResponseTarget {
  const later: [string, string][] = [];
  return {
    header: (name, value, append) => void (append ? ctx.append(name, value) : later.push([name, value])),
    send(status, body) {
      if (body === undefined) ctx.body = null;
      else [ctx.type, ctx.body] = ['application/json', JSON.stringify(body)]; // `null` included, as JSON
      ctx.status = status;
      for (const [name, value] of later) ctx.set(name, value);
    },
  };
}

/**
 * Koa's body slot: when no parser has read the body the route needs, it is read here and left
 * where a parser would (`ctx.request.body`, `rawBody`); an unparsable body is stored as `{}`, as
 * `@koa/bodyparser` does, so a later parser does not wait for bytes already read.
 */
function port(ctx: AnyContext, route: kit.CompiledRoute): kit.RequestPort | Promise<kit.RequestPort> {
  const slot = ctx.request as { body?: unknown; rawBody?: string };
  if (slot.body !== undefined || !route.readsBody) {
    return new kit.NodeRequestPort(ctx.req, ctx.url, slot);
  }
  return kit.readRouteBody(ctx.req, route).then((body) => {
    if (body !== undefined) [slot.rawBody, slot.body] = [body.text, body.value ?? {}];
    return new kit.NodeRequestPort(ctx.req, ctx.url, slot);
  });
}

const glue: kit.AdapterGlue<AnyContext> = {
  port,
  target,
  keep: (ctx, state) => void ((ctx.state as JwtKoaState).jwt = state),
};
