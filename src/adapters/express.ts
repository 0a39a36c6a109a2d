/**
 * `jwt-extended/express`: flask-jwt-extended's `@jwt_required()` for Express 5 and Express 4.
 * Glue only: a {@link RequestPort} over `req`, the manager's verdict written to `res`, and the
 * manager's exact `Set-Cookie` lines appended to `res`.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { JwtManager } from 'jwt-extended'
 * import { jwtRequired, getJwtIdentity } from 'jwt-extended/express'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * const app = express()
 * app.get('/protected', jwtRequired(jwt), (req, res) => {
 *   res.json({ current_identity: getJwtIdentity(req) })
 * })
 * ```
 *
 * @module
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type {
  AnyJwtManager,
  CompiledRoute,
  CookieOptions,
  JwtResponse,
  RegisteredJwtState,
  RequestPort,
  ResponsePort,
  RouteOptions,
  JwtGetters,
} from '../index.js';
import {
  coreGetters,
  firstHeaderValue,
  formFieldOf,
  isClientError,
  createJwksResponder,
  nodeHeaderRepeated,
  readRouteBody,
} from '../index.js';
import type { JwksResponseOptions } from '../index.js';
import { runInRequestScope } from '../request-scope.js';

/**
 * flask `get_jwt()`: the verified payload; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwt(req)
 * ```
 */
export const getJwt: JwtGetters<Request>['getJwt'] = coreGetters.getJwt;

/**
 * flask `get_jwt_header()`: the verified JOSE header; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtHeader(req)
 * ```
 */
export const getJwtHeader: JwtGetters<Request>['getJwtHeader'] = coreGetters.getJwtHeader;

/**
 * flask `get_jwt_identity()`: the identity claim, typed by the registered manager; `null` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtIdentity(req)
 * ```
 */
export const getJwtIdentity: JwtGetters<Request>['getJwtIdentity'] = coreGetters.getJwtIdentity;

/**
 * The seed page's `get_jwt_claims()`: the payload without reserved claims and the identity claim.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtClaims(req)
 * ```
 */
export const getJwtClaims: JwtGetters<Request>['getJwtClaims'] = coreGetters.getJwtClaims;

/**
 * flask `get_current_user()` / `current_user`: what `userLookupLoader` returned.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getCurrentUser(req)
 * ```
 */
export const getCurrentUser: JwtGetters<Request>['getCurrentUser'] = coreGetters.getCurrentUser;

/**
 * flask `get_jwt_request_location()`: where the token came from, or `null`. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtRequestLocation(req)
 * ```
 */
export const getJwtRequestLocation: JwtGetters<Request>['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;

/**
 * The whole verified state, or `undefined` where nothing was verified. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * readJwtState(req)
 * ```
 */
export const readJwtState: JwtGetters<Request>['readJwtState'] = coreGetters.readJwtState;
export type { JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

declare global {
  // Express's own augmentation point for request properties (the one namespace the rules allow).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The verified token state, typed with the registered manager, set by `jwtRequired` /
       * `verifyJwtInRequest` (absent on OPTIONS).
       */
      jwt?: RegisteredJwtState;
    }
  }
}

/**
 * Protects the routes after it (flask `@jwt_required(...)`). Route options are checked here, once:
 * an unknown location throws `JwtConfigError` at start-up. A client error (no token, bad token,
 * CSRF, ...) becomes the manager's response (status, headers, JSON body); anything else (a bug in
 * a callback) goes to `next(err)`. On success `req.jwt` holds the state and the getters work.
 *
 * @example
 * ```ts
 * app.post('/refresh', jwtRequired(jwt, { refresh: true }), async (req, res) => {
 *   res.json({ access_token: await jwt.createAccessToken(getJwtIdentity(req)) })
 * })
 * ```
 */
export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}): RequestHandler {
  const route = jwt.compileRoute(options);
  const readsBody = route.needsJsonBody || route.needsFormBody;
  return (req, res, next) => {
    const finish = (response: JwtResponse | undefined): void => {
      if (response !== undefined) return sendJwtResponse(res, response);
      req.jwt = readJwtState(req);
      runInRequestScope(req, next);
    };
    const outcome = readsBody ? authorize(jwt, req, route) : jwt.authorize(req, requestPort(req), route);
    // A synchronous configuration verifies without a promise. Otherwise the chain is not returned
    // (Express 5 would also call next() on a rejection) and ends in a catch, so nothing here can
    // become an unhandled rejection on Express 4.
    if (!(outcome instanceof Promise)) return finish(outcome);
    void outcome.then(finish).catch(next);
  };
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`): resolves to the state (also on
 * `req.jwt`; anonymous for OPTIONS), or rejects with the `JwtExtendedError` (see {@link jwtErrorHandler}).
 *
 * @example
 * ```ts
 * app.get('/maybe', async (req, res, next) => {
 *   try {
 *     const state = await verifyJwtInRequest(jwt, req, { optional: true })
 *     res.json({ user: state?.identity ?? null })
 *   } catch (error) { next(error) }
 * })
 * ```
 */
export async function verifyJwtInRequest(
  jwt: AnyJwtManager,
  req: Request,
  options: RouteOptions = {},
): Promise<RegisteredJwtState | null> {
  const route = jwt.compileRoute(options);
  await readBodyIfNeeded(req, route);
  const state = (await jwt.verifyRequest(req, requestPort(req), route)) as RegisteredJwtState | null;
  if (state !== null) req.jwt = state;
  return state;
}

/**
 * An error middleware that answers jwt-extended's client errors thrown by handlers (from
 * `verifyJwtInRequest` or `decodeToken`) as flask's error handlers would; passes on the rest.
 *
 * @example
 * ```ts
 * app.use(jwtErrorHandler(jwt))
 * ```
 */
export function jwtErrorHandler(jwt: AnyJwtManager): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (!isClientError(error) || res.headersSent) return next(error);
    void jwt
      .errorResponse(error)
      .then((response) => sendJwtResponse(res, response))
      .catch(next);
  };
}

/**
 * Sets the access token cookie and its CSRF cookie (flask `set_access_cookies`).
 *
 * @example
 * ```ts
 * setAccessCookies(jwt, res, accessToken, { maxAge: 3600 })
 * ```
 */
export function setAccessCookies(jwt: AnyJwtManager, res: Response, token: string, options?: CookieOptions): void {
  jwt.setAccessCookies(cookieWriter(res), token, options);
}

/**
 * Sets the refresh token cookie and its CSRF cookie (flask `set_refresh_cookies`).
 *
 * @example
 * ```ts
 * setRefreshCookies(jwt, res, refreshToken)
 * ```
 */
export function setRefreshCookies(jwt: AnyJwtManager, res: Response, token: string, options?: CookieOptions): void {
  jwt.setRefreshCookies(cookieWriter(res), token, options);
}

/**
 * Deletes the access and refresh cookies (flask `unset_jwt_cookies`).
 *
 * @example
 * ```ts
 * app.post('/logout', (req, res) => { unsetJwtCookies(jwt, res); res.json({ msg: 'logout successful' }) })
 * ```
 */
export function unsetJwtCookies(jwt: AnyJwtManager, res: Response, options?: Pick<CookieOptions, 'domain'>): void {
  jwt.unsetJwtCookies(cookieWriter(res), options);
}

/**
 * Deletes the access cookies (flask `unset_access_cookies`).
 *
 * @example
 * ```ts
 * unsetAccessCookies(jwt, res)
 * ```
 */
export function unsetAccessCookies(jwt: AnyJwtManager, res: Response, options?: Pick<CookieOptions, 'domain'>): void {
  jwt.unsetAccessCookies(cookieWriter(res), options);
}

/**
 * Deletes the refresh cookies (flask `unset_refresh_cookies`).
 *
 * @example
 * ```ts
 * unsetRefreshCookies(jwt, res, { domain: 'example.com' })
 * ```
 */
export function unsetRefreshCookies(jwt: AnyJwtManager, res: Response, options?: Pick<CookieOptions, 'domain'>): void {
  jwt.unsetRefreshCookies(cookieWriter(res), options);
}

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

// ---- glue ----

async function authorize(jwt: AnyJwtManager, req: Request, route: CompiledRoute): Promise<JwtResponse | undefined> {
  await readBodyIfNeeded(req, route);
  return jwt.authorize(req, requestPort(req), route);
}

function cookieWriter(res: Response): ResponsePort {
  // Each line as its own header, after the app's: the core's lines are final, never merged.
  return { appendSetCookie: (line) => res.append('Set-Cookie', line) };
}

function sendJwtResponse(res: Response, response: JwtResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    // Keep the cookies set earlier, as Hono and Koa do; any other header is replaced.
    if (name.toLowerCase() === 'set-cookie') res.append(name, value);
    else res.setHeader(name, value);
  }
  if (response.body === undefined) res.end();
  else res.json(response.body);
}

function requestPort(req: Request): RequestPort {
  return {
    method: req.method,
    url: req.originalUrl,
    header: (name) => firstHeaderValue(req.headers[name]),
    headerRepeated: (name) => nodeHeaderRepeated(req.rawHeaders, name),
    jsonBody: () => req.body as unknown,
    formField: (name) => formFieldOf(req.body, req.headers['content-type'], name),
  };
}

/**
 * Reads the JSON (or urlencoded) body the route needs when no parser has consumed it yet, and
 * leaves it on `req.body` as `express.json()` / `express.urlencoded()` would. An invalid body is
 * simply absent (the core then answers flask's 401, never a parser's 400); a body too long is left
 * unread for the app's own parser.
 */
async function readBodyIfNeeded(req: Request, route: CompiledRoute): Promise<void> {
  const body = await readRouteBody(req, route);
  if (body === undefined) return;
  // body-parser 1.x (Express 4) skips a request marked as read instead of waiting on a read stream.
  (req as Request & { _body?: boolean })._body = true;
  if (body.value !== undefined) req.body = body.value;
}
