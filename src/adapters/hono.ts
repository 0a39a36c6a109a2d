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
 * @module
 */
import type { Context, Env, ErrorHandler, Input, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type {
  AnyJwtManager,
  BodyStream,
  CompiledRoute,
  CookieOptions,
  JwtResponse,
  NodeHeaders,
  RegisteredJwtState,
  RequestPort,
  ResponsePort,
  RouteOptions,
  JwtGetters,
} from '../index.js';
import type { JwksResponseOptions } from '../index.js';
import {
  createJwksResponder,
  coreGetters,
  bodyKindFor,
  bufferWebBody,
  firstHeaderValue,
  nodeHeaderRepeated,
  formFieldOf,
  isClientError,
  parseFormBody,
  parseJsonBody,
  readBodyText,
} from '../index.js';
import { runInRequestScope } from '../request-scope.js';

/**
 * flask `get_jwt()`: the verified payload; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwt(c)
 * ```
 */
export const getJwt: JwtGetters<Context>['getJwt'] = coreGetters.getJwt;

/**
 * flask `get_jwt_header()`: the verified JOSE header; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtHeader(c)
 * ```
 */
export const getJwtHeader: JwtGetters<Context>['getJwtHeader'] = coreGetters.getJwtHeader;

/**
 * flask `get_jwt_identity()`: the identity claim, typed by the registered manager; `null` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtIdentity(c)
 * ```
 */
export const getJwtIdentity: JwtGetters<Context>['getJwtIdentity'] = coreGetters.getJwtIdentity;

/**
 * The seed page's `get_jwt_claims()`: the payload without reserved claims and the identity claim.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtClaims(c)
 * ```
 */
export const getJwtClaims: JwtGetters<Context>['getJwtClaims'] = coreGetters.getJwtClaims;

/**
 * flask `get_current_user()` / `current_user`: what `userLookupLoader` returned.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getCurrentUser(c)
 * ```
 */
export const getCurrentUser: JwtGetters<Context>['getCurrentUser'] = coreGetters.getCurrentUser;

/**
 * flask `get_jwt_request_location()`: where the token came from, or `null`. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtRequestLocation(c)
 * ```
 */
export const getJwtRequestLocation: JwtGetters<Context>['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;

/**
 * The whole verified state, or `undefined` where nothing was verified. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * readJwtState(c)
 * ```
 */
export const readJwtState: JwtGetters<Context>['readJwtState'] = coreGetters.readJwtState;
export type { JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

/**
 * Hono's variable map entry filled by {@link jwtRequired}: `c.get('jwt')` is the verified state,
 * typed with the registered manager's identity, claims and user. It is `undefined` where nothing
 * was verified: OPTIONS requests (which pass unverified, as in flask) and unprotected routes.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: JwtVariables }>()
 * app.get('/me', jwtRequired(jwt), (c) => c.json({ me: c.get('jwt')?.identity }))
 * ```
 */
export type JwtVariables = {
  jwt: RegisteredJwtState | undefined;
};

/**
 * The Hono environment {@link jwtRequired} contributes to the handlers after it.
 *
 * @example
 * ```ts
 * const guard: MiddlewareHandler<JwtEnv> = jwtRequired(jwt)
 * ```
 */
export type JwtEnv = { Variables: JwtVariables };

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

/**
 * Protects the routes after it (flask `@jwt_required()`). Route options are checked now, so a
 * bad location throws at start-up. Client errors (no token, expired, bad CSRF ...) become
 * flask's JSON responses here; anything else (a bug in a callback) is thrown to `app.onError`.
 *
 * @example
 * ```ts
 * app.post('/refresh', jwtRequired(jwt, { refresh: true }), async (c) =>
 *   c.json({ access_token: await jwt.createAccessToken(getJwtIdentity(c)) }))
 * ```
 */
export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}): MiddlewareHandler<JwtEnv> {
  const route = jwt.compileRoute(options);
  return async function jwtRequiredMiddleware(c, next) {
    const response = await jwt.authorize(c, await requestPort(c, route), route);
    if (response !== undefined) return sendJwtResponse(c, response);
    const state = readJwtState(c);
    if (state !== undefined) c.set('jwt', state);
    await runInRequestScope(c, next);
  };
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`), for handlers that decide
 * themselves. Resolves to the saved state (also in `c.get('jwt')`; anonymous for OPTIONS); rejects
 * with the `JwtExtendedError` (turn it into a response with `jwt.errorResponse(error)`).
 * The zero-argument getters of `jwt-extended/context` need {@link jwtRequired}; here use the
 * getters that take `c`.
 *
 * @example
 * ```ts
 * app.get('/maybe', async (c) => {
 *   const state = await verifyJwtInRequest(jwt, c, { optional: true })
 *   return c.json({ hello: state?.identity ?? 'anonymous' })
 * })
 * ```
 */
export async function verifyJwtInRequest<E extends Env, P extends string, I extends Input>(
  jwt: AnyJwtManager,
  c: Context<E, P, I>,
  options: RouteOptions = {},
): Promise<RegisteredJwtState | null> {
  const route = jwt.compileRoute(options);
  const state = (await jwt.verifyRequest(c, await requestPort(c, route), route)) as RegisteredJwtState | null;
  if (state !== null) (c as unknown as Context<JwtEnv>).set('jwt', state);
  return state;
}

/**
 * An `app.onError` handler that answers jwt-extended's client errors thrown by handlers (from
 * {@link verifyJwtInRequest} or `jwt.decodeToken`) as flask's error handlers would, and hands
 * every other error to `fallback` (default: what Hono does without an `onError`).
 *
 * @example
 * ```ts
 * app.onError(jwtErrorHandler(jwt))
 * app.get('/decode', async (c) => c.json(await jwt.decodeToken(c.req.query('token') ?? '')))
 * ```
 */
export function jwtErrorHandler<E extends Env = Env>(
  jwt: AnyJwtManager,
  fallback: ErrorHandler<E> = honoDefaultErrorHandler,
): ErrorHandler<E> {
  return async (error, c) => {
    if (!isClientError(error)) return fallback(error, c);
    return sendJwtResponse(c, await jwt.errorResponse(error));
  };
}

/** Hono's own answer when no `onError` is set (it does not export it). */
function honoDefaultErrorHandler<E extends Env>(error: Parameters<ErrorHandler<E>>[0], c: Context<E>): Response {
  if ('getResponse' in error) {
    const response = error.getResponse();
    return c.newResponse(response.body, response);
  }
  console.error(error);
  return c.text('Internal Server Error', 500);
}

/**
 * Sets the access JWT cookie and its CSRF cookie (flask `set_access_cookies`), keeping the
 * `Set-Cookie` lines already on the response.
 *
 * @example
 * ```ts
 * setAccessCookies(jwt, c, await jwt.createAccessToken('alice'))
 * return c.json({ login: true })
 * ```
 */
export function setAccessCookies<E extends Env, P extends string, I extends Input>(
  jwt: AnyJwtManager,
  c: Context<E, P, I>,
  token: string,
  options?: CookieOptions,
): void {
  jwt.setAccessCookies(cookieWriter(c), token, options);
}

/**
 * Sets the refresh JWT cookie and its CSRF cookie (flask `set_refresh_cookies`).
 *
 * @example
 * ```ts
 * setRefreshCookies(jwt, c, await jwt.createRefreshToken('alice'), { maxAge: 86_400 })
 * ```
 */
export function setRefreshCookies<E extends Env, P extends string, I extends Input>(
  jwt: AnyJwtManager,
  c: Context<E, P, I>,
  token: string,
  options?: CookieOptions,
): void {
  jwt.setRefreshCookies(cookieWriter(c), token, options);
}

/**
 * Expires the access and refresh cookies (flask `unset_jwt_cookies`), e.g. on logout.
 *
 * @example
 * ```ts
 * app.post('/logout', (c) => { unsetJwtCookies(jwt, c); return c.json({ logout: true }) })
 * ```
 */
export function unsetJwtCookies<E extends Env, P extends string, I extends Input>(
  jwt: AnyJwtManager,
  c: Context<E, P, I>,
  options?: Pick<CookieOptions, 'domain'>,
): void {
  jwt.unsetJwtCookies(cookieWriter(c), options);
}

/**
 * Expires the access cookies only (flask `unset_access_cookies`).
 *
 * @example
 * ```ts
 * unsetAccessCookies(jwt, c)
 * ```
 */
export function unsetAccessCookies<E extends Env, P extends string, I extends Input>(
  jwt: AnyJwtManager,
  c: Context<E, P, I>,
  options?: Pick<CookieOptions, 'domain'>,
): void {
  jwt.unsetAccessCookies(cookieWriter(c), options);
}

/**
 * Expires the refresh cookies only (flask `unset_refresh_cookies`).
 *
 * @example
 * ```ts
 * unsetRefreshCookies(jwt, c, { domain: 'example.com' })
 * ```
 */
export function unsetRefreshCookies<E extends Env, P extends string, I extends Input>(
  jwt: AnyJwtManager,
  c: Context<E, P, I>,
  options?: Pick<CookieOptions, 'domain'>,
): void {
  jwt.unsetRefreshCookies(cookieWriter(c), options);
}

function cookieWriter<E extends Env, P extends string, I extends Input>(c: Context<E, P, I>): ResponsePort {
  // Appending keeps the cookies other code set; the core's lines are written as they are.
  return { appendSetCookie: (line) => c.header('Set-Cookie', line, { append: true }) };
}

function sendJwtResponse<E extends Env, P extends string, I extends Input>(
  c: Context<E, P, I>,
  response: JwtResponse,
): Response {
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    c.header(name, value, { append: name.toLowerCase() === 'set-cookie' });
  }
  if (response.body === undefined) return c.body(null, response.status as StatusCode);
  return c.json(response.body, response.status as ContentfulStatusCode);
}

/**
 * The core's view of the request. The body is read only when the route can use it and its
 * content type says it is JSON or a form (urlencoded, or multipart which Hono parses natively).
 */
async function requestPort<E extends Env, P extends string, I extends Input>(
  c: Context<E, P, I>,
  route: CompiledRoute,
): Promise<RequestPort> {
  const contentType = c.req.header('content-type');
  // OPTIONS passes unverified (flask's rule): its body is the app's, not read here.
  const kind = c.req.method === 'OPTIONS' ? null : bodyKindFor(route, contentType);
  let json: unknown;
  let form: ((name: string) => string | undefined) | undefined;
  if (kind === 'json') {
    json = parseJsonBody((await readBody(c, () => c.req.text())) ?? '');
  } else if (kind === 'multipart') {
    const fields = await readBody(c, () => c.req.formData());
    form = (name) => {
      const value = fields?.get(name);
      return typeof value === 'string' ? value : undefined;
    };
  } else if (kind === 'form') {
    const fields = parseFormBody((await readBody(c, () => c.req.text())) ?? '');
    form = (name) => formFieldOf(fields, contentType, name);
  }
  const env: unknown = c.env;
  return {
    method: c.req.method,
    url: c.req.url,
    header: headerReader(c),
    // Only Node's rawHeaders can tell two lines from one; fetch's Headers has already joined them.
    ...(isNodeBindings(env) && {
      headerRepeated: (name: string) => nodeHeaderRepeated(env.incoming.rawHeaders, name),
    }),
    jsonBody: () => json,
    formField: (name) => form?.(name),
  };
}

/** The Node request, when `@hono/node-server` passes the IncomingMessage in `c.env`. */
interface NodeBindings {
  incoming: BodyStream & { readonly headers: NodeHeaders; readonly rawHeaders: readonly string[] };
}

/**
 * A repeated header must read as its first value (Werkzeug's rule, and Node's for
 * `Authorization`). Fetch's `Headers` join repeats with ", ", which would turn two bearer
 * values into one invalid header; on Node the adapter reads Node's own parsing instead, so Hono
 * answers exactly as Express and Koa do.
 */
function headerReader<E extends Env, P extends string, I extends Input>(
  c: Context<E, P, I>,
): (name: string) => string | undefined {
  const env: unknown = c.env;
  if (isNodeBindings(env)) {
    const headers = env.incoming.headers;
    return (name) => firstHeaderValue(headers[name]);
  }
  return (name) => c.req.header(name);
}

function isNodeBindings(env: unknown): env is NodeBindings {
  if (env === null || typeof env !== 'object' || !('incoming' in env)) return false;
  const incoming = env.incoming;
  return (
    incoming !== null &&
    typeof incoming === 'object' &&
    'rawHeaders' in incoming &&
    Array.isArray(incoming.rawHeaders) &&
    'headers' in incoming &&
    typeof incoming.headers === 'object'
  );
}

/**
 * Reads the body through Hono's body cache (so `c.req.json()` / `parseBody()` still work in the
 * handler). `undefined` when there is none, it is over `MAX_BODY_BYTES`, or reading failed
 * (a client that hung up, an invalid multipart body).
 */
async function readBody<E extends Env, P extends string, I extends Input, T>(
  c: Context<E, P, I>,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return (await bufferWithinLimit(c)) ? await read() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the body may be read in full: it is cached already, or the core finds it within the
 * limit (a longer body is put back whole for the handler, and we leave it unread).
 */
async function bufferWithinLimit<E extends Env, P extends string, I extends Input>(
  c: Context<E, P, I>,
): Promise<boolean> {
  const req = c.req;
  // Read earlier (a validator, another middleware): it is in memory already.
  if (Object.keys(req.bodyCache).length > 0) return true;
  const env: unknown = c.env;
  if ((req.method === 'GET' || req.method === 'HEAD') && isNodeBindings(env)) {
    // A fetch Request has no GET body, but flask reads one; on Node the socket still holds it.
    const text = await readBodyText(env.incoming);
    if (text === undefined) return false;
    // Hono's cache holds promises (its declared type says values): c.req.text()/json() read it.
    (req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    return true;
  }
  const buffered = await bufferWebBody(req.raw);
  req.raw = buffered.request;
  return buffered.withinLimit;
}
