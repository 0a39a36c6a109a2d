/**
 * NestJS's two HTTP platforms, for `jwt-extended/nestjs` (not a public subpath). A guard gets the
 * platform's own request: Express's `req` or Fastify's `request`. Verification is handed to that
 * platform's adapter, so the Nest module reads bodies and requests exactly as `jwt-extended/express`
 * and `jwt-extended/fastify` do; only the way a refusal leaves (Nest's exception layer) is Nest's.
 *
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Request, Response } from 'express';
import type { AnyJwtManager, RegisteredJwtState, RouteOptions } from '../index.js';
import type * as kit from '../kit/index.js';
import { verifyJwtInRequest as verifyExpress } from './express.js';
import { verifyJwtInRequest as verifyFastify } from './fastify.js';
import { target as fastifyTarget } from './fastify-hooks.js';

/**
 * A response as Nest hands it to a handler (`@Res({ passthrough: true })`) or a filter: Express's
 * `res` or Fastify's `reply`, typed by the one method each cookie line goes through.
 */
export type NestResponse =
  | { append(name: string, value: string[]): unknown }
  | { header(name: string, value: string[]): unknown; readonly raw: object };

/** Fastify's request wraps Node's (`raw`); Express's request is Node's own. */
function isFastifyRequest(request: object): request is FastifyRequest {
  return 'raw' in request && 'routeOptions' in request;
}

function isExpressResponse(response: object): response is Response {
  return typeof (response as { append?: unknown }).append === 'function';
}

/**
 * Verifies `request` with its platform's adapter (body read when the route needs it, state saved
 * on the request); rejects with the core's `JwtExtendedError` as `verifyJwtInRequest` does.
 */
export function verifyOnPlatform(
  jwt: AnyJwtManager,
  request: object,
  options: RouteOptions,
): Promise<RegisteredJwtState | null> {
  return isFastifyRequest(request)
    ? verifyFastify(jwt, request, options)
    : verifyExpress(jwt, request as Request, options);
}

/** Appends `Set-Cookie` lines after those already on the response, on either platform. */
export function appendSetCookie(response: NestResponse, lines: string[]): void {
  if (isExpressResponse(response)) response.append('Set-Cookie', lines);
  else (response as FastifyReply).header('set-cookie', lines); // Fastify appends Set-Cookie itself
}

/** The kit's response target over the platform's response, as each adapter writes its answers. */
export function responseTarget(response: object): kit.ResponseTarget {
  if (!isExpressResponse(response)) return fastifyTarget(response as FastifyReply);
  return {
    header(name, value, append) {
      if (append) response.append(name, value);
      else response.setHeader(name, value);
    },
    send(status, body) {
      if (body === undefined) response.status(status).end();
      else response.status(status).json(body);
    },
  };
}
