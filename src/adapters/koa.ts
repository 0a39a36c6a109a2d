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
 * @module
 */
import type { Middleware, ParameterizedContext } from 'koa';
import type { AnyJwtManager, JwksResponseOptions, JwtGetters, RegisteredJwtState, RouteOptions } from '../index.js';
import { JWKS_PATH, coreGetters, createJwksResponder } from '../index.js';
import {
  type CompiledRoute,
  NodeRequestPort,
  type ResponseTarget,
  createCookieHelpers,
  isClientError,
  readRouteBody,
  runInRequestScope,
  writeJwtResponse,
} from '../kit/index.js';

/**
 * flask `get_jwt()`: the verified payload; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwt(ctx)
 * ```
 */
export const getJwt: JwtGetters<AnyContext>['getJwt'] = coreGetters.getJwt;

/**
 * flask `get_jwt_header()`: the verified JOSE header; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtHeader(ctx)
 * ```
 */
export const getJwtHeader: JwtGetters<AnyContext>['getJwtHeader'] = coreGetters.getJwtHeader;

/**
 * flask `get_jwt_identity()`: the identity claim, typed by the registered manager; `null` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtIdentity(ctx)
 * ```
 */
export const getJwtIdentity: JwtGetters<AnyContext>['getJwtIdentity'] = coreGetters.getJwtIdentity;

/**
 * The seed page's `get_jwt_claims()`: the payload without reserved claims and the identity claim.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtClaims(ctx)
 * ```
 */
export const getJwtClaims: JwtGetters<AnyContext>['getJwtClaims'] = coreGetters.getJwtClaims;

/**
 * flask `get_current_user()` / `current_user`: what `userLookupLoader` returned.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getCurrentUser(ctx)
 * ```
 */
export const getCurrentUser: JwtGetters<AnyContext>['getCurrentUser'] = coreGetters.getCurrentUser;

/**
 * flask `get_jwt_request_location()`: where the token came from, or `null`. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtRequestLocation(ctx)
 * ```
 */
export const getJwtRequestLocation: JwtGetters<AnyContext>['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;

/**
 * The whole verified state, or `undefined` where nothing was verified. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * readJwtState(ctx)
 * ```
 */
export const readJwtState: JwtGetters<AnyContext>['readJwtState'] = coreGetters.readJwtState;
export type { JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

/** The verified state as the registered manager types it (the core's `RegisteredJwtState`). */
export type KoaJwtState = RegisteredJwtState;

/** The `ctx.state` slot {@link jwtRequired} fills (`undefined` on OPTIONS and unprotected routes). */
export interface JwtKoaState {
  jwt?: KoaJwtState;
}

declare module 'koa' {
  /** jwt-extended fills `ctx.state.jwt` on protected routes. */
  interface DefaultState {
    jwt?: KoaJwtState;
  }
}

// Structural: a context of any state and custom context type.
type AnyContext = ParameterizedContext<object, object, unknown>;

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
  return async function jwtRequiredMiddleware(ctx, next) {
    const response = await jwt.authorize(ctx, await port(ctx, route), route);
    if (response !== undefined) return writeJwtResponse(target(ctx), response);
    const state = readJwtState(ctx);
    if (state !== undefined) ctx.state.jwt = state;
    await runInRequestScope(ctx, next);
  };
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
export async function verifyJwtInRequest(
  jwt: AnyJwtManager,
  ctx: AnyContext,
  options: RouteOptions = {},
): Promise<KoaJwtState | null> {
  const route = jwt.compileRoute(options);
  const state = (await jwt.verifyRequest(ctx, await port(ctx, route), route)) as KoaJwtState | null;
  if (state !== null) (ctx.state as JwtKoaState).jwt = state;
  return state;
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
      if (!isClientError(error)) throw error;
      writeJwtResponse(target(ctx), await jwt.errorResponse(error));
    }
  };
}

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

/** flask's cookie helpers on a Koa `ctx`, appended after the lines other middleware set. */
export const { setAccessCookies, setRefreshCookies, unsetJwtCookies, unsetAccessCookies, unsetRefreshCookies } =
  createCookieHelpers<AnyContext>((ctx, lines) => ctx.append('Set-Cookie', lines));

/**
 * Koa's quirk: the body decides the status (`null` alone means 204) and rewrites the content
 * headers, so the body goes first, then the status, then the callback's headers.
 */
function target(ctx: AnyContext): ResponseTarget {
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
async function port(ctx: AnyContext, route: CompiledRoute): Promise<NodeRequestPort> {
  const slot = ctx.request as { body?: unknown; rawBody?: string };
  const body = slot.body === undefined ? await readRouteBody(ctx.req, route) : undefined;
  if (body !== undefined) {
    slot.rawBody = body.text;
    slot.body = body.value ?? {};
  }
  return new NodeRequestPort(ctx.req, ctx.url, slot);
}
