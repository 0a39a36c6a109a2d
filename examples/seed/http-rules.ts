/**
 * What every framework's seed app answers the same way: the security headers, the JSON errors
 * (never an HTML page or a stack trace), the body limit, how login reads its body, and which
 * address a request comes from. Each `app-<framework>.ts` only plugs these into its framework.
 */
import { STATUS_CODES } from 'node:http';

/** A framework-free answer: what each app writes with its own response API. */
export interface Answer {
  readonly status: number;
  readonly body: { readonly msg: string };
  readonly headers?: Readonly<Record<string, string>>;
}

/** The largest request body any route reads: a login form needs a few hundred bytes. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Wrong credentials, as in the seed page. */
export const BAD_CREDENTIALS: Answer = { status: 401, body: { msg: 'Bad username or password' } };
/** A login body that is not `{"username": string, "password": string}`. */
export const BAD_LOGIN_BODY: Answer = {
  status: 400,
  body: { msg: 'Send a JSON object with "username" and "password" strings' },
};
/** A fresh-login body that is not `{"password": string}`. */
export const BAD_PASSWORD_BODY: Answer = { status: 400, body: { msg: 'Send a JSON object with a "password" string' } };
/** A body the JSON parser refused. */
export const INVALID_JSON: Answer = { status: 400, body: { msg: 'Request body is not valid JSON' } };
/** A JSON body with a `__proto__` key (refused, as Koa's and Fastify's parsers do by default). */
export const FORBIDDEN_KEY: Answer = { status: 400, body: { msg: 'Request body has a forbidden "__proto__" key' } };
/** A body over {@link BODY_LIMIT_BYTES}. */
export const BODY_TOO_LARGE: Answer = { status: 413, body: { msg: 'Request body is too large' } };
/**
 * The answer to a request whose `Content-Length` declares a body over {@link BODY_LIMIT_BYTES},
 * whatever its content type, or `null`. Every app asks this before any body parser or route runs,
 * so the body is never read; `Connection: close` ends the connection after the 413 rather than
 * leave it open to a client that may still be sending megabytes. A body sent without a length
 * (chunked) is cut off by the JSON parser at the limit instead; other content types are never read.
 *
 * @example
 * ```ts
 * refuseDeclaredTooLarge('104857600') // { status: 413, headers: { Connection: 'close' }, body: { msg: 'Request body is too large' } }
 * refuseDeclaredTooLarge(undefined) // null
 * ```
 */
export function refuseDeclaredTooLarge(contentLength: string | undefined): Answer | null {
  return Number(contentLength) > BODY_LIMIT_BYTES ? { ...BODY_TOO_LARGE, headers: { Connection: 'close' } } : null;
}

/** No route here. */
export const NOT_FOUND: Answer = { status: 404, body: { msg: 'Not Found' } };
/** A bug: details go to the server log, never to the client. */
export const INTERNAL_ERROR: Answer = { status: 500, body: { msg: 'Internal Server Error' } };

/**
 * The 429 of a rate-limited login, with `Retry-After`.
 *
 * @example
 * ```ts
 * tooManyAttempts(60) // { status: 429, headers: { 'Retry-After': '60' }, body: { msg: 'Too many failed logins: try again in 60 seconds' } }
 * ```
 */
export function tooManyAttempts(retryAfterSeconds: number): Answer {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return {
    status: 429,
    headers: { 'Retry-After': String(seconds) },
    body: { msg: `Too many failed logins: try again in ${seconds} seconds` },
  };
}

/**
 * The JSON answer to an error a framework or its body parser threw: parse errors and oversized
 * bodies get the same answer on every framework, other client errors their status text, and
 * anything else a bare 500 (the caller logs the error itself).
 *
 * @example
 * ```ts
 * app.use((error, req, res, next) => { const answer = answerForError(error); res.status(answer.status).json(answer.body) })
 * ```
 */
export function answerForError(error: unknown): Answer {
  const { status, statusCode, type, code, message } = (error ?? {}) as Record<string, unknown>;
  const httpStatus = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : 500;
  if (httpStatus === 413 || type === 'entity.too.large' || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return BODY_TOO_LARGE;
  if (httpStatus === 400 && message === PROTO_KEY_MESSAGE) return FORBIDDEN_KEY;
  const unparsable = httpStatus === 400 && error instanceof SyntaxError; // co-body (Koa) sets no type
  if (unparsable || type === 'entity.parse.failed' || code === 'ERR_INVALID_JSON') {
    return INVALID_JSON;
  }
  if (httpStatus >= 400 && httpStatus < 500)
    return { status: httpStatus, body: { msg: STATUS_CODES[httpStatus] ?? 'Bad Request' } };
  return INTERNAL_ERROR;
}

/** What hapi's bourne (Koa's JSON parser) says about a `__proto__` key; {@link refuseProtoKeys} says the same. */
const PROTO_KEY_MESSAGE = 'Object contains forbidden prototype property';

/**
 * A `JSON.parse` reviver that refuses `__proto__` keys. `JSON.parse` itself keeps them as plain
 * data, but code that later merges the body into another object (`Object.assign`, a deep merge)
 * would turn one into a prototype change; refusing them is simplest. Koa's parser (bourne) and
 * Fastify's (secure-json-parse) refuse them too.
 *
 * @example
 * ```ts
 * app.use(express.json({ reviver: refuseProtoKeys }))
 * ```
 */
export function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new SyntaxError(PROTO_KEY_MESSAGE);
  return value;
}

/** An error the apps throw from their own JSON parsing (Fastify's and Hono's), mapped by {@link answerForError}. */
export class InvalidJsonError extends Error {
  readonly code = 'ERR_INVALID_JSON';
  readonly status = 400;
}

/**
 * Parses a JSON request body as the Express and Koa apps do: an empty body is `undefined` (no
 * body), a `__proto__` key is refused, anything else that is not JSON throws {@link InvalidJsonError}.
 *
 * @example
 * ```ts
 * parseJsonText('{"username":"test"}') // { username: 'test' }
 * ```
 */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, refuseProtoKeys) as unknown;
  } catch (error) {
    if ((error as Error).message === PROTO_KEY_MESSAGE) throw Object.assign(error as Error, { status: 400 });
    throw new InvalidJsonError('Request body is not valid JSON');
  }
}

/** Login input, checked. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

const MAX_USERNAME_LENGTH = 64;
const MAX_PASSWORD_LENGTH = 1024;

/** `body[name]` when it is the body's own non-empty string of at most `max` characters. */
function ownString(body: unknown, name: string, max: number): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, name)) {
    return undefined;
  }
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

/**
 * The credentials of a login body, or `null` when the body is not an object with a `username` and a
 * `password` string (only the body's own keys count, never inherited ones).
 *
 * @example
 * ```ts
 * readCredentials({ username: 'test', password: 'secret' }) // { username: 'test', password: 'secret' }
 * readCredentials(null) // null
 * ```
 */
export function readCredentials(body: unknown): Credentials | null {
  const username = ownString(body, 'username', MAX_USERNAME_LENGTH);
  const password = ownString(body, 'password', MAX_PASSWORD_LENGTH);
  return username === undefined || password === undefined ? null : { username, password };
}

/**
 * The password of a fresh-login body (`{"password": string}`), or `null`.
 *
 * @example
 * ```ts
 * readPassword({ password: 'secret' }) // 'secret'
 * ```
 */
export function readPassword(body: unknown): string | null {
  return ownString(body, 'password', MAX_PASSWORD_LENGTH) ?? null;
}

/**
 * Headers for every response of a page that holds auth cookies: a Content-Security-Policy that
 * allows only this origin's script and style (no inline script, so an injected `<script>` does
 * not run), no framing (clickjacking), no MIME sniffing, no Referer leaving the site, no caching of
 * authenticated answers, and HSTS when the site is served over HTTPS.
 *
 * @example
 * ```ts
 * for (const [name, value] of Object.entries(securityHeaders(false))) res.setHeader(name, value)
 * ```
 */
export function securityHeaders(https: boolean): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
      "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * The client's address for rate limiting. Behind a reverse proxy every request comes from the
 * proxy, so with `trustProxy` the last `X-Forwarded-For` entry (the one your proxy appended) is
 * used instead; never trust the header without a proxy that sets it, or anyone can pick an address.
 *
 * @example
 * ```ts
 * clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], false) // '127.0.0.1'
 * ```
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trustProxy: boolean,
): string {
  const forwarded = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor?.join(',');
  const last = trustProxy ? forwarded?.split(',').at(-1)?.trim() : undefined;
  return last || socketAddress || 'unknown';
}
