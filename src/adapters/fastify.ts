/**
 * `jwt-extended/fastify`: flask-jwt-extended's `@jwt_required()` for Fastify 5. Glue only: a
 * {@link RequestPort} over `request`, the manager's verdict written to `reply`, the manager's exact
 * `Set-Cookie` lines appended to `reply`, and a plugin that declares `request.jwt` and the reply
 * cookie helpers.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { JwtManager } from 'jwt-extended'
 * import { jwtExtended, jwtRequired } from 'jwt-extended/fastify'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * const app = Fastify()
 * await app.register(jwtExtended, { manager: jwt })
 * app.get('/protected', { onRequest: jwtRequired(jwt) }, async (request) => ({
 *   current_identity: request.jwt?.identity,
 * }))
 * ```
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
  preParsingHookHandler,
  preValidationHookHandler,
} from 'fastify';
import type {
  AnyJwtManager,
  BodyKind,
  BodyStream,
  CompiledRoute,
  CookieOptions,
  JwtResponse,
  RegisteredJwtState,
  RequestPort,
  RouteOptions,
  JwtGetters,
} from '../index.js';
import type { JwksResponseOptions } from '../index.js';
import {
  coreGetters,
  JwtConfigError,
  createJwksResponder,
  bodyKindFor,
  firstHeaderValue,
  nodeHeaderRepeated,
  formFieldOf,
  isClientError,
  parseFormBody,
  parseJsonBody,
  readBodyText,
  readRouteBody,
} from '../index.js';
import { runInRequestScope } from '../request-scope.js';

/**
 * flask `get_jwt()`: the verified payload; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwt(request)
 * ```
 */
export const getJwt: JwtGetters<FastifyRequest>['getJwt'] = coreGetters.getJwt;

/**
 * flask `get_jwt_header()`: the verified JOSE header; `{}` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtHeader(request)
 * ```
 */
export const getJwtHeader: JwtGetters<FastifyRequest>['getJwtHeader'] = coreGetters.getJwtHeader;

/**
 * flask `get_jwt_identity()`: the identity claim, typed by the registered manager; `null` on an optional route without a token.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtIdentity(request)
 * ```
 */
export const getJwtIdentity: JwtGetters<FastifyRequest>['getJwtIdentity'] = coreGetters.getJwtIdentity;

/**
 * The seed page's `get_jwt_claims()`: the payload without reserved claims and the identity claim.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtClaims(request)
 * ```
 */
export const getJwtClaims: JwtGetters<FastifyRequest>['getJwtClaims'] = coreGetters.getJwtClaims;

/**
 * flask `get_current_user()` / `current_user`: what `userLookupLoader` returned.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getCurrentUser(request)
 * ```
 */
export const getCurrentUser: JwtGetters<FastifyRequest>['getCurrentUser'] = coreGetters.getCurrentUser;

/**
 * flask `get_jwt_request_location()`: where the token came from, or `null`. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * getJwtRequestLocation(request)
 * ```
 */
export const getJwtRequestLocation: JwtGetters<FastifyRequest>['getJwtRequestLocation'] =
  coreGetters.getJwtRequestLocation;

/**
 * The whole verified state, or `undefined` where nothing was verified. Never throws.
 * Typed for this framework's carrier: a response object does not compile.
 *
 * @example
 * ```ts
 * readJwtState(request)
 * ```
 */
export const readJwtState: JwtGetters<FastifyRequest>['readJwtState'] = coreGetters.readJwtState;
export type { CookieOptions, JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified token state, set by `jwtRequired` / `verifyJwtInRequest`; `null` before that,
     * on unprotected routes and on OPTIONS (which passes unverified).
     */
    jwt: RegisteredJwtState | null;
  }
  interface FastifyReply {
    /** flask `set_access_cookies`: the access cookie and its CSRF cookie (needs the `jwtExtended` plugin). */
    setAccessCookies(token: string, options?: CookieOptions): this;
    /** flask `set_refresh_cookies` (needs the `jwtExtended` plugin). */
    setRefreshCookies(token: string, options?: CookieOptions): this;
    /** flask `unset_jwt_cookies` (needs the `jwtExtended` plugin). */
    unsetJwtCookies(options?: Pick<CookieOptions, 'domain'>): this;
    /** flask `unset_access_cookies` (needs the `jwtExtended` plugin). */
    unsetAccessCookies(options?: Pick<CookieOptions, 'domain'>): this;
    /** flask `unset_refresh_cookies` (needs the `jwtExtended` plugin). */
    unsetRefreshCookies(options?: Pick<CookieOptions, 'domain'>): this;
  }
}

/**
 * What `jwtRequired` returns: one function that Fastify accepts as an `onRequest`, `preParsing`,
 * `preValidation` or `preHandler` hook (it tells the stages apart by its arguments).
 */
export type JwtRequiredHook = onRequestHookHandler &
  preParsingHookHandler &
  preValidationHookHandler &
  preHandlerHookHandler;

/** Options of the {@link jwtExtended} plugin. */
export interface JwtExtendedOptions {
  /** The manager whose cookie settings the reply helpers use. */
  manager: AnyJwtManager;
}

type Done = (error?: Error | null, payload?: Readable) => void;
/** A payload stream as Fastify's decompressing preParsing hooks hand it on. */
type PayloadStream = Readable & { receivedEncodedLength?: number };

/** Methods whose body Fastify never parses: reading it ourselves needs no hand-over. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);
const BODY_STAGE_MESSAGE =
  'jwtRequired(): this route reads the token from the request body (json location, or csrfCheckForm); ' +
  'Fastify parses bodies after onRequest and rejects bad JSON before preValidation, so register the hook ' +
  "as the route's preParsing hook: { preParsing: jwtRequired(jwt, options) }";

/**
 * Serves the manager's public keys (`jwt.jwks()`) as a JWK Set with `Cache-Control: public,
 * max-age=300` (see `JwksResponseOptions`), for services that verify this one's tokens.
 *
 * @example
 * ```ts
 * app.get('/.well-known/jwks.json', jwksHandler(jwt))
 * ```
 */
export function jwksHandler(
  jwt: AnyJwtManager,
  options?: JwksResponseOptions,
): (request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const respond = createJwksResponder(jwt, options);
  return (_request, reply) => {
    const { status, headers, body } = respond();
    return reply.code(status).headers(headers).send(body);
  };
}

/**
 * Protects a route (flask `@jwt_required(...)`). Route options are checked here, once: an unknown
 * location throws `JwtConfigError` at start-up. A client error (no token, bad token, CSRF, ...)
 * becomes the manager's response; anything else (a bug in a callback) goes to Fastify's error
 * handler. On success `request.jwt` holds the state, and the handler runs inside the request scope
 * of `jwt-extended/context` (its zero-argument getters work, also after an `await`).
 *
 * Where to register it:
 * - `onRequest` (or `preValidation` / `preHandler`) for routes that read the token from headers,
 *   cookies or the query string: `onRequest` refuses a request before its body is even read;
 * - `preParsing` for routes that read it from the body (`json` location, or cookies with
 *   `csrfCheckForm`). There the hook reads the body itself, like flask: invalid or empty JSON
 *   means "no token" (401 `Missing "access_token" key in json data.`), never Fastify's 400, and
 *   `application/*+json` is JSON. The parsed body is left on `request.body` and Fastify's own
 *   parser is skipped for that request; other routes keep the app's parsers untouched.
 *
 * @example
 * ```ts
 * app.get('/protected', { onRequest: jwtRequired(jwt) }, async (request) => ({ id: request.jwt?.identity }))
 * app.post('/refresh', { preParsing: jwtRequired(jwt, { refresh: true, locations: 'json' }) }, async (request) => ({
 *   access_token: await jwt.createAccessToken(request.jwt?.identity),
 * }))
 * ```
 */
export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}): JwtRequiredHook {
  const route = jwt.compileRoute(options);
  const needsBody = route.needsJsonBody || route.needsFormBody;
  // A plain function, not an async one: Fastify tells the callback form by the `done` argument,
  // and calling `done` from the verification's continuation is what keeps the request scope.
  function jwtRequiredHook(request: FastifyRequest, reply: FastifyReply, third: unknown, fourth?: unknown): void {
    if (typeof third === 'function') {
      // onRequest / preValidation / preHandler: (request, reply, done)
      // The body readers end in guard(), which never rejects; a surprise before it goes to Fastify.
      if (needsBody) return void guardWithRawBody(jwt, route, request, reply, third as Done).catch(third as Done);
      return void guard(jwt, route, request, reply, third as Done);
    }
    // preParsing: (request, reply, payload, done)
    const payload = third as Readable;
    const done = fourth as Done;
    if (!needsBody) return void guard(jwt, route, request, reply, done);
    void guardWithPayload(jwt, route, request, reply, payload, done).catch(done);
  }
  return jwtRequiredHook as unknown as JwtRequiredHook;
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`), e.g. inside a handler: resolves to
 * the state (also on `request.jwt`; anonymous for OPTIONS), or rejects with the `JwtExtendedError`
 * (answer it with {@link jwtErrorHandler}). The JSON body is the one Fastify parsed. The
 * zero-argument getters of `jwt-extended/context` need `jwtRequired`; here pass `request`.
 *
 * @example
 * ```ts
 * app.get('/maybe', async (request) => {
 *   const state = await verifyJwtInRequest(jwt, request, { optional: true })
 *   return { user: state?.identity ?? null }
 * })
 * ```
 */
export async function verifyJwtInRequest(
  jwt: AnyJwtManager,
  request: FastifyRequest,
  options: RouteOptions = {},
): Promise<RegisteredJwtState | null> {
  const route = jwt.compileRoute(options);
  // Fastify never reads a GET body: read it here, as flask would.
  await readUnparsedBody(request, route);
  const state = (await jwt.verifyRequest(request, new FastifyRequestPort(request), route)) as RegisteredJwtState | null;
  if (state !== null) request.jwt = state;
  return state;
}

/**
 * A Fastify error handler that answers jwt-extended's client errors thrown by handlers (from
 * `verifyJwtInRequest` or `decodeToken`) as flask's error handlers would, and hands anything else
 * to the parent error handler (Fastify's default: 500).
 *
 * @example
 * ```ts
 * app.setErrorHandler(jwtErrorHandler(jwt))
 * ```
 */
export function jwtErrorHandler(
  jwt: AnyJwtManager,
): (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (error, _request, reply) => {
    if (!isClientError(error)) throw error;
    sendJwtResponse(reply, await jwt.errorResponse(error));
  };
}

/**
 * The plugin: declares `request.jwt` (`null` until verified) and decorates `reply` with the cookie
 * helpers bound to `manager`. It does not add a new encapsulation level (like `fastify-plugin`),
 * so registering it on the root makes both available to every child context.
 *
 * @example
 * ```ts
 * await app.register(jwtExtended, { manager: jwt })
 * app.post('/login', async (request, reply) => {
 *   reply.setAccessCookies(await jwt.createAccessToken('alice'))
 *   return { login: true }
 * })
 * ```
 */
export const jwtExtended: FastifyPluginCallback<JwtExtendedOptions> = Object.assign(
  function jwtExtendedPlugin(instance: FastifyInstance, options: JwtExtendedOptions, done: (error?: Error) => void) {
    const jwt = options?.manager;
    if (jwt === null || typeof jwt !== 'object' || typeof jwt.setCookieLines !== 'function') {
      return done(new JwtConfigError('jwtExtended: pass the JwtManager as { manager: jwt }'));
    }
    // Fastify 5 refuses reference-type defaults for request decorators: `null`, filled per request.
    if (!instance.hasRequestDecorator('jwt')) instance.decorateRequest('jwt', null);
    instance.decorateReply('setAccessCookies', function (this: FastifyReply, token: string, opts?: CookieOptions) {
      return appendSetCookie(this, jwt.setCookieLines('access', token, opts));
    });
    instance.decorateReply('setRefreshCookies', function (this: FastifyReply, token: string, opts?: CookieOptions) {
      return appendSetCookie(this, jwt.setCookieLines('refresh', token, opts));
    });
    instance.decorateReply('unsetJwtCookies', function (this: FastifyReply, opts?: Pick<CookieOptions, 'domain'>) {
      appendSetCookie(this, jwt.unsetCookieLines('access', opts));
      return appendSetCookie(this, jwt.unsetCookieLines('refresh', opts));
    });
    instance.decorateReply('unsetAccessCookies', function (this: FastifyReply, opts?: Pick<CookieOptions, 'domain'>) {
      return appendSetCookie(this, jwt.unsetCookieLines('access', opts));
    });
    instance.decorateReply('unsetRefreshCookies', function (this: FastifyReply, opts?: Pick<CookieOptions, 'domain'>) {
      return appendSetCookie(this, jwt.unsetCookieLines('refresh', opts));
    });
    done();
  },
  {
    // What fastify-plugin sets: decorate the registering context itself, not a new child of it.
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'jwt-extended',
    [Symbol.for('plugin-meta')]: { name: 'jwt-extended', fastify: '5.x' },
  },
);

/**
 * Sets the access token cookie and its CSRF cookie (flask `set_access_cookies`).
 *
 * @example
 * ```ts
 * setAccessCookies(jwt, reply, accessToken, { maxAge: 3600 })
 * ```
 */
export function setAccessCookies(
  jwt: AnyJwtManager,
  reply: FastifyReply,
  token: string,
  options?: CookieOptions,
): void {
  appendSetCookie(reply, jwt.setCookieLines('access', token, options));
}

/**
 * Sets the refresh token cookie and its CSRF cookie (flask `set_refresh_cookies`).
 *
 * @example
 * ```ts
 * setRefreshCookies(jwt, reply, refreshToken)
 * ```
 */
export function setRefreshCookies(
  jwt: AnyJwtManager,
  reply: FastifyReply,
  token: string,
  options?: CookieOptions,
): void {
  appendSetCookie(reply, jwt.setCookieLines('refresh', token, options));
}

/**
 * Deletes the access and refresh cookies (flask `unset_jwt_cookies`).
 *
 * @example
 * ```ts
 * app.post('/logout', async (request, reply) => { unsetJwtCookies(jwt, reply); return { msg: 'logout successful' } })
 * ```
 */
export function unsetJwtCookies(
  jwt: AnyJwtManager,
  reply: FastifyReply,
  options?: Pick<CookieOptions, 'domain'>,
): void {
  appendSetCookie(reply, jwt.unsetCookieLines('access', options));
  appendSetCookie(reply, jwt.unsetCookieLines('refresh', options));
}

/**
 * Deletes the access cookies (flask `unset_access_cookies`).
 *
 * @example
 * ```ts
 * unsetAccessCookies(jwt, reply)
 * ```
 */
export function unsetAccessCookies(
  jwt: AnyJwtManager,
  reply: FastifyReply,
  options?: Pick<CookieOptions, 'domain'>,
): void {
  appendSetCookie(reply, jwt.unsetCookieLines('access', options));
}

/**
 * Deletes the refresh cookies (flask `unset_refresh_cookies`).
 *
 * @example
 * ```ts
 * unsetRefreshCookies(jwt, reply, { domain: 'example.com' })
 * ```
 */
export function unsetRefreshCookies(
  jwt: AnyJwtManager,
  reply: FastifyReply,
  options?: Pick<CookieOptions, 'domain'>,
): void {
  appendSetCookie(reply, jwt.unsetCookieLines('refresh', options));
}

// ---- glue ----

/**
 * Fastify 5 appends to an existing `set-cookie` (a string or an array, also the one
 * `@fastify/cookie` writes in its onSend hook, which in turn appends to ours): each line stays
 * its own header, never merged or re-serialised.
 */
function appendSetCookie(reply: FastifyReply, lines: string[]): FastifyReply {
  return lines.length === 0 ? reply : reply.header('set-cookie', lines);
}

/** The request as the core reads it. One small object per request, methods on the prototype. */
class FastifyRequestPort implements RequestPort {
  readonly #request: FastifyRequest;
  constructor(request: FastifyRequest) {
    this.#request = request;
  }
  get method(): string {
    return this.#request.method;
  }
  get url(): string {
    return this.#request.url;
  }
  header(name: string): string | undefined {
    return firstHeaderValue(this.#request.headers[name]);
  }
  headerRepeated(name: string): boolean {
    return nodeHeaderRepeated(this.#request.raw.rawHeaders, name);
  }
  jsonBody(): unknown {
    return this.#request.body;
  }
  /** Only a form body counts (flask's `request.form`): never a JSON body's field of the same name. */
  formField(name: string): string | undefined {
    return formFieldOf(this.#request.body, this.#request.headers['content-type'], name);
  }
}

/**
 * Verifies, then either continues (`done`, called inside the request scope so that the handler and
 * everything it awaits see this request in `jwt-extended/context`) or answers the refusal. Errors
 * that are not a client's go to Fastify's error handler through `done(error)`.
 */
async function guard(
  jwt: AnyJwtManager,
  route: CompiledRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  done: Done,
  handOver?: () => Readable,
): Promise<void> {
  let response: JwtResponse | undefined;
  try {
    const outcome = jwt.authorize(request, new FastifyRequestPort(request), route);
    response = outcome instanceof Promise ? await outcome : outcome;
  } catch (error) {
    return done(error as Error);
  }
  if (response === undefined) {
    request.jwt = readJwtState(request) ?? null;
    // `done` runs the rest of the lifecycle (the handler included) from here, so the scope entered
    // now is the handler's. Entering it in the hook's synchronous part instead would mark the
    // connection's own async resource, and leak into the next request on a kept-alive socket.
    if (handOver === undefined) runInRequestScope(request, done);
    else runInRequestScope(request, () => done(null, handOver()));
    return;
  }
  try {
    sendJwtResponse(reply, response);
  } catch (error) {
    done(error as Error); // e.g. a callback's invalid status code
  }
}

/**
 * A body route at onRequest / preValidation / preHandler. At preValidation and preHandler Fastify
 * has parsed the body (`request.body`); a body it never reads (GET) is read here. A body still
 * unread on a method Fastify parses means onRequest, before the body exists: a registration
 * mistake, reported through the error handler instead of a misleading "no token" answer.
 */
async function guardWithRawBody(
  jwt: AnyJwtManager,
  route: CompiledRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  done: Done,
): Promise<void> {
  if (BODYLESS.has(request.method)) await readUnparsedBody(request, route);
  else if (bodyKindOf(route, request) !== null && isUnread(request.raw)) {
    return done(new JwtConfigError(BODY_STAGE_MESSAGE));
  }
  return guard(jwt, route, request, reply, done);
}

/**
 * A body route at preParsing: read the payload (after any decompression by earlier hooks), parse
 * it leniently, verify. On success the parsed body stays on `request.body` and Fastify's parser is
 * skipped (see {@link skipFastifyBodyParser}), so a body that Fastify would refuse (invalid JSON,
 * `application/*+json`, a form without a form parser) answers as flask does, on this route only.
 */
async function guardWithPayload(
  jwt: AnyJwtManager,
  route: CompiledRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: Readable,
  done: Done,
): Promise<void> {
  const kind = bodyKindOf(route, request);
  if (kind === null) return guard(jwt, route, request, reply, done);
  const limit = request.routeOptions.bodyLimit;
  const declaredLength = Number(request.headers['content-length']);
  if (declaredLength > limit) {
    // Treated as absent, and left unread: if the token is elsewhere, Fastify answers its own 413.
    // Not readBodyText's own check: a payload an earlier hook decompressed has no headers (Fastify
    // checks the encoded length), and a body too long must skip the hand-over below altogether.
    return guard(jwt, route, request, reply, done);
  }
  const text = await readBodyText(asBodyStream(payload), limit);
  request.body = text === undefined ? undefined : parseBody(kind, text);
  if (BODYLESS.has(request.method)) return guard(jwt, route, request, reply, done);
  const sentLength = (payload as PayloadStream).receivedEncodedLength ?? declaredLength;
  return guard(jwt, route, request, reply, done, () => {
    // Should another hook look at the headers before Fastify does, Fastify parses the same body as
    // usual, checking it against the length the client sent.
    const replay: PayloadStream = Readable.from(text === undefined ? [] : [text]);
    replay.receivedEncodedLength = Number.isNaN(sentLength) ? undefined : sentLength;
    // Last: verification and the lines above read the headers, which would spend the one look.
    skipFastifyBodyParser(request);
    return replay;
  });
}

/**
 * Fastify decides whether to run a content-type parser from one look at `request.headers`, right
 * after the last preParsing hook. The headers' public setter lets that one look see a request
 * without a body (no content-type, length or transfer-encoding); reading the content-type puts the
 * real headers back at once, so preValidation, preHandler and the handler see them unchanged.
 * Call it from the route's last preParsing hook.
 */
function skipFastifyBodyParser(request: FastifyRequest): void {
  const before = request.headers;
  const extra = before === request.raw.headers ? undefined : before;
  const bodiless = Object.defineProperties(
    { ...extra },
    {
      'content-type': {
        enumerable: true,
        get() {
          request.headers = extra as FastifyRequest['headers'];
          return undefined;
        },
      },
      'content-length': { enumerable: true, value: undefined },
      'transfer-encoding': { enumerable: true, value: undefined },
    },
  );
  request.headers = bodiless as FastifyRequest['headers'];
}

/** Which body this route would read its token (or CSRF value) from in this request, if any. */
function bodyKindOf(route: CompiledRoute, request: FastifyRequest): Exclude<BodyKind, 'multipart'> | null {
  // OPTIONS passes without verification: its body is the app's business.
  if (request.method === 'OPTIONS') return null;
  const kind = bodyKindFor(route, request.headers['content-type']);
  // A multipart body is left to the app's own multipart parser.
  return kind === 'multipart' ? null : kind;
}

/**
 * Hooks are not told their stage: on a method Fastify parses, a body no one has started reading
 * means the hook runs at onRequest, before the body exists.
 */
function isUnread(stream: IncomingMessage): boolean {
  return stream.readableFlowing === null && !stream.readableEnded;
}

/** Reads the body Fastify has not (never, for GET) within `bodyLimit`, onto `request.body`. */
async function readUnparsedBody(request: FastifyRequest, route: CompiledRoute): Promise<void> {
  const body = await readRouteBody(request.raw, route, request.routeOptions.bodyLimit);
  if (body !== undefined) request.body = body.value;
}

/**
 * The core's `BodyStream` lists the few events it uses with narrow listener types, which a
 * `Readable`'s many overloads do not match to the letter; every `Readable` has them all.
 */
function asBodyStream(stream: Readable): BodyStream {
  return stream as unknown as BodyStream;
}

/** Lenient, as flask's `get_json(silent=True)`: invalid JSON is no token here, never a 400. */
function parseBody(kind: Exclude<BodyKind, 'multipart'>, text: string): unknown {
  return kind === 'json' ? parseJsonBody(text) : parseFormBody(text);
}

/**
 * Writes the manager's response. The body is serialised here, like Express's `res.json`, so that
 * every framework answers the same bytes (a string body is a JSON string, not text/plain).
 */
function sendJwtResponse(reply: FastifyReply, response: JwtResponse): void {
  reply.code(response.status);
  if (response.headers !== undefined) reply.headers(response.headers);
  if (response.body === undefined) {
    reply.send();
    return;
  }
  if (!reply.hasHeader('content-type')) reply.header('content-type', 'application/json; charset=utf-8');
  reply.send(JSON.stringify(response.body));
}
