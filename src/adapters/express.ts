/**
 * `jwt-extended/express`: flask-jwt-extended's `@jwt_required()` for Express 5 and 4, as glue over
 * `jwt-extended/kit`. Express's quirks: the URL is `originalUrl` (a router rewrites `url`), and
 * body-parser 1.x skips a request marked `_body` (see `readBodyIfNeeded`).
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { JwtManager } from 'jwt-extended'
 * import { jwtRequired, getJwtIdentity } from 'jwt-extended/express'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * const app = express()
 * app.get('/protected', jwtRequired(jwt), (req, res) => res.json({ current_identity: getJwtIdentity(req) }))
 * ```
 *
 * @module
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type {
  AnyJwtManager,
  JwksResponseOptions,
  JwtGetters,
  JwtResponse,
  RegisteredJwtState,
  RouteOptions,
} from '../index.js';
import { coreGetters, createJwksResponder } from '../index.js';
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
      /** The verified token state, set by `jwtRequired` / `verifyJwtInRequest` (absent on OPTIONS). */
      jwt?: RegisteredJwtState;
    }
  }
}

/**
 * Protects the routes after it (flask `@jwt_required(...)`); route options are checked now (a bad
 * location throws `JwtConfigError` at start-up). A client error becomes the manager's response;
 * anything else (a bug in a callback) goes to `next(err)`. On success `req.jwt` holds the state.
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
      if (response !== undefined) return writeJwtResponse(target(res), response);
      req.jwt = readJwtState(req);
      runInRequestScope(req, next);
    };
    const outcome = readsBody ? authorizeWithBody(jwt, req, route) : jwt.authorize(req, port(req), route);
    // Sync configurations verify without a promise. Otherwise the chain is not returned (Express 5
    // would call next() on a rejection too) and ends in a catch (no unhandled rejection on 4).
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
 * const state = await verifyJwtInRequest(jwt, req, { optional: true })
 * ```
 */
export async function verifyJwtInRequest(
  jwt: AnyJwtManager,
  req: Request,
  options: RouteOptions = {},
): Promise<RegisteredJwtState | null> {
  const route = jwt.compileRoute(options);
  await readBodyIfNeeded(req, route);
  const state = (await jwt.verifyRequest(req, port(req), route)) as RegisteredJwtState | null;
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
      .then((response) => writeJwtResponse(target(res), response))
      .catch(next);
  };
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

/** flask's cookie helpers on an Express `res`: each line its own header, after the app's. */
export const { setAccessCookies, setRefreshCookies, unsetJwtCookies, unsetAccessCookies, unsetRefreshCookies } =
  createCookieHelpers<Response>((res, lines) => res.append('Set-Cookie', lines));

function port(req: Request): NodeRequestPort {
  return new NodeRequestPort(req, req.originalUrl, req);
}

function target(res: Response): ResponseTarget {
  return {
    header(name, value, append) {
      if (append) res.append(name, value);
      else res.setHeader(name, value);
    },
    send(status, body) {
      if (body === undefined) res.status(status).end();
      else res.status(status).json(body);
    },
  };
}

async function authorizeWithBody(jwt: AnyJwtManager, req: Request, route: CompiledRoute) {
  await readBodyIfNeeded(req, route);
  return jwt.authorize(req, port(req), route);
}

/** Reads the body the route needs when no parser has, onto `req.body` as `express.json()` would. */
async function readBodyIfNeeded(req: Request, route: CompiledRoute): Promise<void> {
  const body = await readRouteBody(req, route);
  if (body === undefined) return;
  // body-parser 1.x (Express 4) skips a request marked as read instead of waiting on a read stream.
  (req as Request & { _body?: boolean })._body = true;
  if (body.value !== undefined) req.body = body.value;
}
