/**
 * `jwt-extended/hono`: flask-jwt-extended's route protection and cookie helpers for Hono 4, on
 * any runtime Hono runs on (tested through `app.request()` and `@hono/node-server`).
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { JwtManager } from 'jwt-extended'
 * import { jwtRequired, type JwtVariables } from 'jwt-extended/hono'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * const app = new Hono<{ Variables: JwtVariables }>()
 * app.get('/protected', jwtRequired(jwt), (c) => c.json({ identity: c.get('jwt')?.identity }))
 * ```
 *
 * @module jwt-extended/hono
 */
import type { Context, Env, ErrorHandler, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { AnyJwtManager, RegisteredJwtState, RouteOptions } from '../index.js';
import * as kit from '../kit/index.js';
import type { AnyContext, JwtEnv } from './hono-helpers.js';

// What needs no glue (the types, getters, cookie helpers, jwksHandler) lives in hono-helpers.ts.
export { getCurrentUser, getJwt, getJwtClaims, getJwtHeader, getJwtIdentity, jwksHandler } from './hono-helpers.js';
export { getJwtRequestLocation, readJwtState, setAccessCookies, setRefreshCookies } from './hono-helpers.js';
export { unsetAccessCookies, unsetJwtCookies, unsetRefreshCookies } from './hono-helpers.js';
export type { JwtEnv, JwtVariables } from './hono-helpers.js';
export type { JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

/**
 * Protects the routes after it (flask `@jwt_required()`); route options are checked now. Client
 * errors become flask's JSON responses; anything else is thrown to `app.onError`.
 *
 * @example
 * ```ts
 * app.post('/refresh', jwtRequired(jwt, { refresh: true }), async (c) =>
 *   c.json({ access_token: await jwt.createAccessToken(getJwtIdentity(c)) }))
 * ```
 */
export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}): MiddlewareHandler<JwtEnv> {
  const route = jwt.compileRoute(options);
  // Not an async function: the outcome is already a promise (next()'s own, or the refusal's), and
  // an async wrapper added one more promise and its resolution ticks to every request.
  // A callback bug thrown synchronously still comes back as a rejection, as from the async function.
  return (c, next) => {
    try {
      const outcome = kit.guardRequest(jwt, glue, route, c, c, next);
      return (outcome instanceof Promise ? outcome : Promise.resolve(outcome)) as Promise<Response | void>;
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`): resolves to the state (also in
 * `c.get('jwt')`; anonymous for OPTIONS); rejects with the `JwtExtendedError`.
 *
 * @example
 * ```ts
 * const state = await verifyJwtInRequest(jwt, c, { optional: true })
 * ```
 */
export function verifyJwtInRequest(
  jwt: AnyJwtManager,
  c: AnyContext,
  options?: RouteOptions,
): Promise<RegisteredJwtState | null> {
  return kit.verifyInRequest(jwt, glue, c, options);
}

/**
 * An `app.onError` handler: jwt-extended's client errors get flask's answers, every other error
 * goes to `fallback` (default: what Hono does without an `onError`).
 *
 * @example
 * ```ts
 * app.onError(jwtErrorHandler(jwt))
 * ```
 */
export function jwtErrorHandler<E extends Env = Env>(
  jwt: AnyJwtManager,
  fallback: ErrorHandler<E> = (error, c) => {
    if (!('getResponse' in error)) return (console.error(error), c.text('Internal Server Error', 500));
    const response = error.getResponse();
    return c.newResponse(response.body, response);
  },
): ErrorHandler<E> {
  return async (error, c) =>
    kit.isClientError(error) ? kit.answerClientError(jwt, glue, c, error) : fallback(error, c);
}

/** `@hono/node-server` passes Node's request in `c.env.incoming`. */
function nodeIncoming(c: AnyContext): kit.NodeIncoming | undefined {
  return kit.asNodeIncoming((c.env as { incoming?: unknown } | undefined)?.incoming);
}

/**
 * Hono's quirks, named here: on Node, headers are read from Node's own parsing (fetch's
 * `Headers` join a repeated header with ", ", turning two bearer values into one invalid one);
 * bodies are read through Hono's body cache (so `c.req.json()` still works in the handler), and
 * a GET body, which a fetch `Request` cannot carry but flask reads, from the Node socket.
 */
function port(c: AnyContext, route: kit.CompiledRoute): kit.RequestPort | Promise<kit.RequestPort> {
  // A route that reads no body never needs its content type (the header lookup is skipped).
  const kind = route.readsBody ? kit.bodyKindFor(route, c.req.header('content-type'), c.req.method) : null;
  if (kind === null) return portWith(c, undefined);
  return bufferWithinLimit(c)
    .catch(() => false) // a client that hung up
    .then(async (within) => portWith(c, within ? await kit.parseWebBody(kind, c.req) : undefined));
}

function portWith(c: AnyContext, body: unknown): kit.RequestPort {
  const incoming = nodeIncoming(c);
  if (incoming === undefined) return new kit.WebRequestPort(c.req.raw, { body });
  return new kit.NodeRequestPort(incoming, c.req.url, { body });
}

const glue: kit.AdapterGlue<AnyContext, AnyContext, Response> = {
  port,
  target: (c) => ({
    header: (name, value, append) => c.header(name, value, { append }),
    send: (status, body) =>
      body === undefined ? c.body(null, status as StatusCode) : c.json(body, status as ContentfulStatusCode),
  }),
  keep: (c, state) => void (c as Context<JwtEnv>).set('jwt', state),
};

/** True when the body may be read in full: cached already, or found within the limit. */
async function bufferWithinLimit(c: AnyContext): Promise<boolean> {
  const req = c.req;
  if (Object.keys(req.bodyCache).length > 0) return true; // a validator or middleware read it
  const incoming = nodeIncoming(c);
  if ((req.method === 'GET' || req.method === 'HEAD') && incoming !== undefined) {
    const text = await kit.readBodyText(incoming);
    if (text === undefined) return false;
    // Hono's cache holds promises (its declared type says values): c.req.text()/json() read it.
    (req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    return true;
  }
  const buffered = await kit.bufferWebBody(req.raw);
  req.raw = buffered.request;
  return buffered.withinLimit;
}
