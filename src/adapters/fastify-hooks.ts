/**
 * Fastify's quirks, for `jwt-extended/fastify` (not a public subpath). Hooks are not told their
 * stage, `done` must be called inside the request scope, and for bodies: Fastify parses a body
 * after `onRequest` and refuses bad JSON before `preValidation`, never parses a GET body, and
 * decides whether to run its parser from one look at the headers after `preParsing`. A route that
 * reads its token from the body is therefore verified at `preParsing`, from the payload stream
 * (read, and handed back to Fastify, in fastify-body.ts).
 *
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { type AnyJwtManager, JwtConfigError } from '../index.js';
import * as kit from '../kit/index.js';
import { BODYLESS, bodyKindOf, readUnparsedBody, takePayloadBody } from './fastify-body.js';

/** Fastify's `done` of a callback-style hook. */
export type Done = (error?: Error | null, payload?: Readable) => void;

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
  function jwtRequiredHook(request: FastifyRequest, reply: FastifyReply, third: unknown, fourth?: unknown): void {
    const done = (typeof third === 'function' ? third : fourth) as Done;
    if (!route.readsBody) return verifyThenContinue(jwt, route, request, reply, done);
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
