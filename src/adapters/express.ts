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
  CompiledRoute,
  CookieOptions,
  JwtManager,
  JwtResponse,
  JwtState,
  RequestPort,
  RouteOptions,
} from '../index.js';
import { isClientError, isJsonContentType, readJwtState } from '../index.js';
import { runInRequestScope } from '../request-scope.js';

export {
  getCurrentUser,
  getJwt,
  getJwtClaims,
  getJwtHeader,
  getJwtIdentity,
  getJwtRequestLocation,
  readJwtState,
} from '../index.js';
export type { JwtState, RouteOptions } from '../index.js';

declare global {
  // Express's own augmentation point for request properties (the one namespace the rules allow).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified token state, set by `jwtRequired` / `verifyJwtInRequest` (absent on OPTIONS). */
      jwt?: JwtState;
    }
  }
}

/** Any manager, whatever its loaders' types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJwtManager = JwtManager<any, any, any, any>;

/** A body larger than this is treated as absent (flask would refuse it long before, too). */
const MAX_BODY_BYTES = 1024 * 1024;

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
  return (req, res, next) => {
    // Not returned: Express 5 would also call next() on a rejection. The chain ends in a catch,
    // so nothing here can become an unhandled rejection on Express 4.
    void authorize(jwt, req, route)
      .then((response) => {
        if (response !== undefined) return sendJwtResponse(res, response);
        req.jwt = readJwtState(req);
        runInRequestScope(req, next);
      })
      .catch(next);
  };
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`): resolves to the state (also on
 * `req.jwt`), `null` for OPTIONS, or rejects with the `JwtExtendedError` (see {@link jwtErrorHandler}).
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
): Promise<JwtState | null> {
  const route = jwt.compileRoute(options);
  await readBodyIfNeeded(req, route);
  const state = await jwt.verifyRequest(req, requestPort(req), route);
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
  appendLines(res, jwt.setCookieLines('access', token, options));
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
  appendLines(res, jwt.setCookieLines('refresh', token, options));
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
  unsetAccessCookies(jwt, res, options);
  unsetRefreshCookies(jwt, res, options);
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
  appendLines(res, jwt.unsetCookieLines('access', options));
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
  appendLines(res, jwt.unsetCookieLines('refresh', options));
}

// ---- glue ----

async function authorize(jwt: AnyJwtManager, req: Request, route: CompiledRoute): Promise<JwtResponse | undefined> {
  await readBodyIfNeeded(req, route);
  return jwt.authorize(req, requestPort(req), route);
}

/** Each line as its own header: the manager's lines are final, never merged or re-serialised. */
function appendLines(res: Response, lines: readonly string[]): void {
  for (const line of lines) res.append('Set-Cookie', line);
}

function sendJwtResponse(res: Response, response: JwtResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (response.body === undefined) res.end();
  else res.json(response.body);
}

function requestPort(req: Request): RequestPort {
  return {
    method: req.method,
    url: req.originalUrl,
    header: (name) => firstValue(req.headers[name]),
    jsonBody: () => req.body as unknown,
    formField: (name) => formField(req, name),
  };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Only a form body counts (flask's `request.form`): never a JSON body's field of the same name. */
function formField(req: Request, name: string): string | undefined {
  const type = req.headers['content-type'] ?? '';
  if (!/^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return undefined;
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || !Object.hasOwn(body, name)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/**
 * Reads the JSON (or urlencoded) body the route needs when no parser has consumed it yet, and
 * leaves the result on `req.body` as `express.json()` / `express.urlencoded()` would. An unreadable
 * or invalid body is simply absent: the core then answers flask's 401, never a parser's 400.
 */
async function readBodyIfNeeded(req: Request, route: CompiledRoute): Promise<void> {
  if (!route.needsJsonBody && !route.needsFormBody) return;
  if (req.readableEnded || req.readableFlowing !== null) return; // someone else read it
  const type = req.headers['content-type'];
  const json = route.needsJsonBody && isJsonContentType(type);
  const form = route.needsFormBody && /^\s*application\/x-www-form-urlencoded\b/i.test(type ?? '');
  if (!json && !form) return;
  const text = await readText(req);
  // body-parser 1.x (Express 4) skips a request marked as read instead of reading a drained stream.
  (req as Request & { _body?: boolean })._body = true;
  if (text === undefined) return;
  const parsed = json ? parseJson(text) : parseForm(text);
  if (parsed !== undefined) req.body = parsed;
}

function readText(req: Request): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (text: string | undefined): void => {
      req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      resolve(text);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      finish(undefined);
      req.resume(); // drain and drop the rest, so the response can still be sent
    };
    const onEnd = (): void => finish(Buffer.concat(chunks).toString('utf8'));
    const onFail = (): void => finish(undefined);
    req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onFail);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Like `express.urlencoded({ extended: false })`: repeated names become arrays; no prototype. */
function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = fields[name];
    fields[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return fields;
}
