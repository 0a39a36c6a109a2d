/**
 * `jwt-extended/koa`: flask-jwt-extended's route protection and cookie helpers for Koa 3 (and
 * Koa 2, whose middleware signature is the same).
 *
 * No body parser is needed: on routes that read the token from a JSON body (or the CSRF value
 * from a urlencoded form), the middleware reads the body itself (up to 1 MiB) when no parser ran
 * before it, and leaves the parsed value in `ctx.request.body` (and the text in `rawBody`), where
 * a parser mounted after it finds it and does nothing. A parser mounted before it (e.g.
 * `@koa/bodyparser`) is used instead, but answers invalid JSON with its own 400 where flask
 * answers 401 `Missing "access_token" key in json data.`; give it `onError: () => {}` to keep
 * flask's answer, or mount it after `jwtRequired`.
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
import type {
  AnyJwtManager,
  CompiledRoute,
  CookieOptions,
  JwtResponse,
  RegisteredJwtState,
  RequestPort,
  ResponsePort,
  RouteOptions,
} from '../index.js';
import {
  JWKS_PATH,
  coreGetters,
  firstHeaderValue,
  formFieldOf,
  isClientError,
  createJwksResponder,
  nodeHeaderRepeated,
  readRouteBody,
} from '../index.js';
import type { JwksResponseOptions } from '../index.js';
import type { JwtGetters } from '../index.js';
import { runInRequestScope } from '../request-scope.js';

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

/**
 * The `ctx.state` slot {@link jwtRequired} fills. `jwt` is `undefined` where nothing was
 * verified: OPTIONS requests (which pass unverified, as in flask) and unprotected routes.
 *
 * @example
 * ```ts
 * const app = new Koa<JwtKoaState>()
 * ```
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

// Structural: a context of any state and custom context type.
type AnyContext = ParameterizedContext<object, object, unknown>;

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

/**
 * Protects the middleware after it (flask `@jwt_required()`). Route options are checked now, so
 * a bad location throws at start-up. Client errors (no token, expired, bad CSRF ...) are written
 * as flask's JSON responses here; anything else (a bug in a callback) is thrown, for Koa's error
 * handling.
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
    const response = await jwt.authorize(ctx, await requestPort(ctx, route), route);
    if (response !== undefined) {
      sendJwtResponse(ctx, response);
      return;
    }
    const state = readJwtState(ctx);
    if (state !== undefined) ctx.state.jwt = state;
    await runInRequestScope(ctx, next);
  };
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`). Resolves to the saved state
 * (also in `ctx.state.jwt`; anonymous for OPTIONS); rejects with the `JwtExtendedError` (turn
 * it into a response with `jwt.errorResponse(error)`). The zero-argument getters of
 * `jwt-extended/context` need {@link jwtRequired}; here use the getters that take `ctx`.
 *
 * @example
 * ```ts
 * app.use(async (ctx) => {
 *   const state = await verifyJwtInRequest(jwt, ctx, { optional: true })
 *   ctx.body = { hello: state?.identity ?? 'anonymous' }
 * })
 * ```
 */
export async function verifyJwtInRequest(
  jwt: AnyJwtManager,
  ctx: AnyContext,
  options: RouteOptions = {},
): Promise<KoaJwtState | null> {
  const route = jwt.compileRoute(options);
  const state = (await jwt.verifyRequest(ctx, await requestPort(ctx, route), route)) as KoaJwtState | null;
  if (state !== null) (ctx.state as JwtKoaState).jwt = state;
  return state;
}

/**
 * A middleware, mounted first, that answers jwt-extended's client errors thrown further down
 * (from {@link verifyJwtInRequest} or `jwt.decodeToken`) as flask's error handlers would; every
 * other error goes on to Koa's error handling.
 *
 * @example
 * ```ts
 * app.use(jwtErrorHandler(jwt))
 * app.use(async (ctx) => { ctx.body = await jwt.decodeToken(String(ctx.query.token)) })
 * ```
 */
export function jwtErrorHandler(jwt: AnyJwtManager): Middleware {
  return async function jwtErrorHandlerMiddleware(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (!isClientError(error)) throw error;
      sendJwtResponse(ctx, await jwt.errorResponse(error));
    }
  };
}

/**
 * Sets the access JWT cookie and its CSRF cookie (flask `set_access_cookies`), keeping the
 * `Set-Cookie` lines already on the response.
 *
 * @example
 * ```ts
 * setAccessCookies(jwt, ctx, await jwt.createAccessToken('alice'))
 * ctx.body = { login: true }
 * ```
 */
export function setAccessCookies(jwt: AnyJwtManager, ctx: AnyContext, token: string, options?: CookieOptions): void {
  jwt.setAccessCookies(cookieWriter(ctx), token, options);
}

/**
 * Sets the refresh JWT cookie and its CSRF cookie (flask `set_refresh_cookies`).
 *
 * @example
 * ```ts
 * setRefreshCookies(jwt, ctx, await jwt.createRefreshToken('alice'), { maxAge: 86_400 })
 * ```
 */
export function setRefreshCookies(jwt: AnyJwtManager, ctx: AnyContext, token: string, options?: CookieOptions): void {
  jwt.setRefreshCookies(cookieWriter(ctx), token, options);
}

/**
 * Expires the access and refresh cookies (flask `unset_jwt_cookies`), e.g. on logout.
 *
 * @example
 * ```ts
 * unsetJwtCookies(jwt, ctx)
 * ctx.body = { logout: true }
 * ```
 */
export function unsetJwtCookies(jwt: AnyJwtManager, ctx: AnyContext, options?: Pick<CookieOptions, 'domain'>): void {
  jwt.unsetJwtCookies(cookieWriter(ctx), options);
}

/**
 * Expires the access cookies only (flask `unset_access_cookies`).
 *
 * @example
 * ```ts
 * unsetAccessCookies(jwt, ctx)
 * ```
 */
export function unsetAccessCookies(jwt: AnyJwtManager, ctx: AnyContext, options?: Pick<CookieOptions, 'domain'>): void {
  jwt.unsetAccessCookies(cookieWriter(ctx), options);
}

/**
 * Expires the refresh cookies only (flask `unset_refresh_cookies`).
 *
 * @example
 * ```ts
 * unsetRefreshCookies(jwt, ctx, { domain: 'example.com' })
 * ```
 */
export function unsetRefreshCookies(
  jwt: AnyJwtManager,
  ctx: AnyContext,
  options?: Pick<CookieOptions, 'domain'>,
): void {
  jwt.unsetRefreshCookies(cookieWriter(ctx), options);
}

function cookieWriter(ctx: AnyContext): ResponsePort {
  // `append` keeps the cookies other middleware set; the core's lines are written as they are.
  return { appendSetCookie: (line) => ctx.append('Set-Cookie', line) };
}

function sendJwtResponse(ctx: AnyContext, response: JwtResponse): void {
  if (response.body === undefined) {
    // An explicit null body first (Koa then sends nothing), the status after (null alone means 204).
    ctx.body = null;
  } else {
    // Serialised here so that every body, `null` included, goes out as JSON.
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(response.body);
  }
  ctx.status = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (name.toLowerCase() === 'set-cookie') ctx.append(name, value);
    else ctx.set(name, value);
  }
}

/** The body as a parser left it, when one ran before us (`@koa/bodyparser` and the like). */
interface ParsedBodySlot {
  body?: unknown;
  rawBody?: string;
}

/**
 * The core's view of the request. When no parser has read the body the route needs, it is read
 * here and left where a parser would (`ctx.request.body` and `rawBody`). An unparsable body is
 * stored as `{}`, the value `@koa/bodyparser` gives a body it does not parse, so that a parser
 * later in the chain does not wait for bytes already read. Multipart is left to the app's parser.
 */
async function requestPort(ctx: AnyContext, route: CompiledRoute): Promise<RequestPort> {
  const slot = ctx.request as ParsedBodySlot;
  const body = slot.body === undefined ? await readRouteBody(ctx.req, route) : undefined;
  if (body !== undefined) {
    slot.rawBody = body.text;
    slot.body = body.value ?? {};
  }
  return {
    method: ctx.method,
    url: ctx.url,
    header: (name) => firstHeaderValue(ctx.req.headers[name]),
    headerRepeated: (name) => nodeHeaderRepeated(ctx.req.rawHeaders, name),
    // The core asks for these only after checking the content type itself.
    jsonBody: () => slot.body,
    formField: (name) => formFieldOf(slot.body, ctx.req.headers['content-type'], name),
  };
}
