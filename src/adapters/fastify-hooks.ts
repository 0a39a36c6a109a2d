/**
 * Fastify's quirks, for `jwt-extended/fastify` (not a public subpath). Hooks are not told their
 * stage, `done` must be called inside the request scope, and for bodies: Fastify parses a body
 * after `onRequest` and refuses bad JSON before `preValidation`, never parses a GET body, and
 * decides whether to run its parser from one look at the headers after `preParsing`. A route that
 * reads its token from the body is therefore verified at `preParsing`, from the payload stream.
 *
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { type AnyJwtManager, JwtConfigError } from '../index.js';
import * as kit from '../kit/index.js';

/** Fastify's `done` of a callback-style hook. */
export type Done = (error?: Error | null, payload?: Readable) => void;

/** Methods whose body Fastify never parses: reading it ourselves needs no hand-over. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);
const BODY_STAGE_MESSAGE =
  'jwtRequired(): this route reads the token from the request body (json location, or csrfCheckForm); ' +
  'Fastify parses bodies after onRequest and rejects bad JSON before preValidation, so register the hook ' +
  "as the route's preParsing hook: { preParsing: jwtRequired(jwt, options) }";

/**
 * The hook for one route. Fastify's quirk: a hook is not told its stage, only its arguments:
 * (request, reply, done), or (request, reply, payload, done) at preParsing. A plain function, not
 * an async one: Fastify tells the callback form by `done`, and calling `done` from the
 * verification's continuation is what keeps the request scope.
 */
export function stageHook(jwt: AnyJwtManager, route: kit.CompiledRoute) {
  const needsBody = route.needsJsonBody || route.needsFormBody;
  function jwtRequiredHook(request: FastifyRequest, reply: FastifyReply, third: unknown, fourth?: unknown): void {
    const done = (typeof third === 'function' ? third : fourth) as Done;
    if (!needsBody) return verifyThenContinue(jwt, route, request, reply, done);
    // The body first: at preParsing from the payload, which is then handed on to Fastify.
    const before =
      typeof third === 'function'
        ? prepareParsedBody(route, request)
        : takePayloadBody(route, request, third as Readable);
    void before
      .then((handOver) => verifyThenContinue(jwt, route, request, reply, done, handOver ?? undefined))
      .catch(done);
  }
  return jwtRequiredHook;
}

/**
 * A body route at onRequest / preValidation / preHandler: at the last two Fastify has parsed the
 * body; a GET body, which it never reads, is read here. A body still unread on a method Fastify
 * parses means onRequest (hooks are not told their stage): a registration mistake, thrown as such
 * instead of a misleading "no token" answer.
 */
async function prepareParsedBody(route: kit.CompiledRoute, request: FastifyRequest): Promise<void> {
  if (BODYLESS.has(request.method)) return readUnparsedBody(request, route);
  const unread = request.raw.readableFlowing === null && !request.raw.readableEnded;
  if (bodyKindOf(route, request) !== null && unread) throw new JwtConfigError(BODY_STAGE_MESSAGE);
}

/**
 * The body step of a body route at preParsing: reads the payload (after any decompression by
 * earlier hooks) and parses it leniently onto `request.body`. Returns what continues the request
 * without Fastify's parser (see {@link skipFastifyBodyParser}), so a body Fastify would refuse
 * (invalid JSON, `application/*+json`, a form without a form parser) answers as flask does, on
 * this route only; `undefined` when the payload was left to Fastify (or is a GET body, read).
 */
export async function takePayloadBody(
  route: kit.CompiledRoute,
  request: FastifyRequest,
  payload: Readable,
): Promise<(() => Readable) | undefined> {
  const kind = bodyKindOf(route, request);
  if (kind === null) return undefined;
  const limit = request.routeOptions.bodyLimit;
  const declaredLength = Number(request.headers['content-length']);
  // Treated as absent and left unread (Fastify answers its own 413 if the token is elsewhere).
  // Checked here, not by readBodyText: a decompressed payload has no headers of its own.
  if (declaredLength > limit) return undefined;
  const text = await kit.readBodyText(payload as unknown as kit.BodyStream, limit);
  request.body = text === undefined ? undefined : kit.parseRouteBody(kind, text);
  if (BODYLESS.has(request.method)) return undefined;
  const sentLength = (payload as PayloadStream).receivedEncodedLength ?? declaredLength;
  return () => {
    // Should another hook look at the headers first, Fastify parses the same body as usual.
    const replay: PayloadStream = Readable.from(text === undefined ? [] : [text]);
    replay.receivedEncodedLength = Number.isNaN(sentLength) ? undefined : sentLength;
    skipFastifyBodyParser(request); // last: reading the headers spends its one look
    return replay;
  };
}

/** Reads the body Fastify has not (never, for GET) within `bodyLimit`, onto `request.body`. */
export async function readUnparsedBody(request: FastifyRequest, route: kit.CompiledRoute): Promise<void> {
  const body = await kit.readRouteBody(request.raw, route, request.routeOptions.bodyLimit);
  if (body !== undefined) request.body = body.value;
}

/** A payload stream as Fastify's decompressing preParsing hooks hand it on. */
type PayloadStream = Readable & { receivedEncodedLength?: number };

/** Which body this route reads its token (or CSRF value) from in this request, if any. */
export function bodyKindOf(route: kit.CompiledRoute, request: FastifyRequest): 'json' | 'form' | null {
  if (request.method === 'OPTIONS') return null; // passes unverified: its body is the app's
  const kind = kit.bodyKindFor(route, request.headers['content-type']);
  return kind === 'multipart' ? null : kind; // left to the app's multipart parser
}

/**
 * Fastify decides whether to run a content-type parser from one look at `request.headers` right
 * after the last preParsing hook. The headers' public setter lets that look see a request without
 * a body; reading the content-type puts the real headers back at once, so preValidation,
 * preHandler and the handler see them unchanged.
 */
export function skipFastifyBodyParser(request: FastifyRequest): void {
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

/** Fastify's request (its `headers` may be a hook's override) over the raw `IncomingMessage`. */
export function port(request: FastifyRequest): kit.RequestPort {
  return new kit.NodeRequestPort(request, request.url, request, request.raw);
}

export function target(reply: FastifyReply): kit.ResponseTarget {
  return {
    header: (name, value) => void reply.header(name, value), // Fastify appends Set-Cookie itself
    send(status, body) {
      reply.code(status);
      if (body === undefined) return void reply.send();
      // Serialised here, as Express's res.json does: a string body is a JSON string, not text.
      if (!reply.hasHeader('content-type')) reply.header('content-type', 'application/json; charset=utf-8');
      reply.send(JSON.stringify(body));
    },
  };
}

/** The hooks' glue: the body, if any, is read before (see {@link stageHook}). */
export const glue: kit.AdapterGlue<FastifyRequest, FastifyReply> = {
  port,
  target,
  keep: (request, state) => void (request.jwt = state),
};

/** `verifyJwtInRequest`'s glue: reads the body Fastify has not (never, for GET) first. */
export const verifyGlue: kit.AdapterGlue<FastifyRequest, FastifyReply> = {
  ...glue,
  port: (request, route) => readUnparsedBody(request, route).then(() => port(request)),
};

/**
 * Verifies, then continues (`done` inside the request scope, so the handler and all it awaits see
 * this request in `jwt-extended/context`) or answers the refusal. Any other error, and one thrown
 * while writing the answer (e.g. a callback's invalid status code), goes to `done(error)`.
 */
function verifyThenContinue(
  jwt: AnyJwtManager,
  route: kit.CompiledRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  done: Done,
  handOver?: () => Readable,
): void {
  const next = handOver === undefined ? done : () => done(null, handOver());
  try {
    const outcome = kit.guardRequest(jwt, glue, route, request, reply, next);
    if (outcome instanceof Promise) outcome.catch(done);
  } catch (error) {
    done(error as Error);
  }
}
