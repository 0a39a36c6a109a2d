/**
 * `jwt-extended/express`: flask-jwt-extended's `@jwt_required()` for Express 5 and 4, as glue over
 * `jwt-extended/kit` (Express's quirks are named in its `port`).
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
 * @module jwt-extended/express
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { AnyJwtManager, RegisteredJwtState, RouteOptions } from '../index.js';
import * as kit from '../kit/index.js';
import { keepState, prepareRequest } from './express-state.js';

// What needs no glue (the getters, cookie helpers, jwksHandler) lives in express-helpers.ts.
export { getCurrentUser, getJwt, getJwtClaims, getJwtHeader, getJwtIdentity, jwksHandler } from './express-helpers.js';
export { getJwtRequestLocation, readJwtState, setAccessCookies, setRefreshCookies } from './express-helpers.js';
export { unsetAccessCookies, unsetJwtCookies, unsetRefreshCookies } from './express-helpers.js';

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
  return (req, res, next) => {
    prepareRequest(req);
    const outcome = kit.guardRequest(jwt, glue, route, req, res, next);
    // Not returned (Express 5 would call next() on a rejection too): a catch ends the chain, so
    // Express 4 sees no unhandled rejection either.
    if (outcome instanceof Promise) void outcome.catch(next);
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
export function verifyJwtInRequest(
  jwt: AnyJwtManager,
  req: Request,
  options?: RouteOptions,
): Promise<RegisteredJwtState | null> {
  prepareRequest(req);
  return kit.verifyInRequest(jwt, glue, req, options);
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
    if (!kit.isClientError(error) || res.headersSent) return next(error);
    void kit.answerClientError(jwt, glue, res, error).catch(next);
  };
}

/**
 * Express's quirks: the URL is `originalUrl` (a router rewrites `url`), and a body no parser has
 * read is read here onto `req.body`, as `express.json()` would.
 */
function port(req: Request, route: kit.CompiledRoute): kit.RequestPort | Promise<kit.RequestPort> {
  if (!route.readsBody) return new kit.NodeRequestPort(req, req.originalUrl, req);
  return kit.readRouteBody(req, route).then((body) => {
    // body-parser 1.x (Express 4) skips a request marked as read instead of waiting on a read stream.
    if (body !== undefined) (req as Request & { _body?: boolean })._body = true;
    if (body?.value !== undefined) req.body = body.value;
    return new kit.NodeRequestPort(req, req.originalUrl, req);
  });
}

const glue: kit.AdapterGlue<Request, Response> = {
  port,
  target: (res) => ({
    header: (name, value, append) => void (append ? res.append(name, value) : res.setHeader(name, value)),
    send: (status, body) => void (body === undefined ? res.status(status).end() : res.status(status).json(body)),
  }),
  keep: keepState,
};
