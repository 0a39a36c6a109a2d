/**
 * Fastify's body quirks, for `jwt-extended/fastify` and the NestJS Fastify platform (not a public
 * subpath): reading the body a route takes its token from at `preParsing`, from the payload
 * stream, and handing it on without Fastify's parser (which would refuse bad JSON before flask's
 * answer), or reading the body Fastify never parses (a GET body). The hook stages are in
 * fastify-hooks.ts.
 *
 * @module
 */
import type { FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import * as kit from '../kit/index.js';

/** Methods whose body Fastify never parses: reading it ourselves needs no hand-over. */
export const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);
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
  const kind = kit.bodyKindFor(route, request.headers['content-type'], request.method);
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
