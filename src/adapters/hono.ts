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
import type { AnyJwtManager, JwksResponseOptions, JwtGetters, RegisteredJwtState, RouteOptions } from '../index.js';
import { coreGetters, createJwksResponder } from '../index.js';
import * as kit from '../kit/index.js';

// Each export typed by name, not destructured: the declarations then name the framework's type,
// not its expansion through the framework's namespaces (test/package/hygiene.test.ts).
type Getters = JwtGetters<Context>;

/** flask `get_jwt()` on a Hono `c` (see `JwtGetters`). */
export const getJwt: Getters['getJwt'] = coreGetters.getJwt;
/** flask `get_jwt_header()` on a Hono `c`. */
export const getJwtHeader: Getters['getJwtHeader'] = coreGetters.getJwtHeader;
/** flask `get_jwt_identity()` on a Hono `c`, typed by the registered manager. */
export const getJwtIdentity: Getters['getJwtIdentity'] = coreGetters.getJwtIdentity;
/** The seed page's `get_jwt_claims()` on a Hono `c`. */
export const getJwtClaims: Getters['getJwtClaims'] = coreGetters.getJwtClaims;
/** flask `get_current_user()` on a Hono `c`: what `userLookupLoader` returned. */
export const getCurrentUser: Getters['getCurrentUser'] = coreGetters.getCurrentUser;
/** flask `get_jwt_request_location()` on a Hono `c`. Never throws. */
export const getJwtRequestLocation: Getters['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;
/** The whole verified state of a Hono `c`, or `undefined`. Never throws. */
export const readJwtState: Getters['readJwtState'] = coreGetters.readJwtState;
export type { JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

/** `c.get('jwt')`, filled by {@link jwtRequired} (`undefined` on OPTIONS and unprotected routes). */
export type JwtVariables = { jwt: RegisteredJwtState | undefined };

/** The Hono environment {@link jwtRequired} contributes to the handlers after it. */
export type JwtEnv = { Variables: JwtVariables };

// Structural: a context of any environment, path and input.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyContext = Context<any, any, any>;

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

/**
 * Serves the manager's public keys (`jwt.jwks()`) as a JWK Set with `Cache-Control: public,
 * max-age=300` (see `JwksResponseOptions`), for services that verify this one's tokens.
 *
 * @example
 * ```ts
 * app.get('/.well-known/jwks.json', jwksHandler(jwt))
 * ```
 */
export function jwksHandler(jwt: AnyJwtManager, options?: JwksResponseOptions): (c: Context) => Response {
  const respond = createJwksResponder(jwt, options);
  return (c) => {
    const { status, headers, body } = respond();
    return c.body(body, status, headers);
  };
}

type Cookies = kit.CookieHelpers<AnyContext>;
const cookies: Cookies = kit.createCookieHelpers<AnyContext>((c, lines) => {
  for (const line of lines) c.header('Set-Cookie', line, { append: true });
});
/** flask `set_access_cookies` on a Hono `c`: each line its own header, after the app's. */
export const setAccessCookies: Cookies['setAccessCookies'] = cookies.setAccessCookies;
/** flask `set_refresh_cookies` on a Hono `c`. */
export const setRefreshCookies: Cookies['setRefreshCookies'] = cookies.setRefreshCookies;
/** flask `unset_jwt_cookies` on a Hono `c`. */
export const unsetJwtCookies: Cookies['unsetJwtCookies'] = cookies.unsetJwtCookies;
/** flask `unset_access_cookies` on a Hono `c`. */
export const unsetAccessCookies: Cookies['unsetAccessCookies'] = cookies.unsetAccessCookies;
/** flask `unset_refresh_cookies` on a Hono `c`. */
export const unsetRefreshCookies: Cookies['unsetRefreshCookies'] = cookies.unsetRefreshCookies;

function target(c: AnyContext): kit.ResponseTarget<Response> {
  return {
    header: (name, value, append) => c.header(name, value, { append }),
    send: (status, body) =>
      body === undefined ? c.body(null, status as StatusCode) : c.json(body, status as ContentfulStatusCode),
  };
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
  // OPTIONS passes unverified (flask's rule): its body is the app's, not read here.
  // A route that reads no body never needs its content type (the header lookup is skipped).
  const kind =
    c.req.method === 'OPTIONS' || !(route.needsJsonBody || route.needsFormBody)
      ? null
      : kit.bodyKindFor(route, c.req.header('content-type'));
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
  target,
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
