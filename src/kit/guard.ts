/**
 * The flow every adapter's middleware shares, written once: verify, then write the refusal or run
 * the rest of the request in its scope; verify by hand; answer a client error thrown later. An
 * adapter describes its framework once, in an {@link AdapterGlue} at module level, so the hot path
 * makes no closure: a synchronous configuration verifies without a promise, as before.
 *
 * @module
 */
import type { AnyJwtManager } from '../manager.js';
import type { RequestPort } from '../ports.js';
import { isClientError } from '../responses.js';
import { type RegisteredJwtState, readJwtState } from '../state.js';
import type { JwtResponse } from '../types.js';
import type { CompiledRoute, RouteOptions } from '../verify.js';
import { type ResponseTarget, writeJwtResponse } from './response.js';
import { runInRequestScope } from './scope.js';

/**
 * What an adapter says once about its framework.
 *
 * @typeParam C - the carrier the state is saved on (Express `req`, Koa `ctx`, Hono `c`)
 * @typeParam S - what a response is written to (Express `res`; for most frameworks the carrier)
 * @typeParam R - what writing a response returns (Hono, fetch: a `Response`)
 */
export interface AdapterGlue<C extends object, S = C, R = void> {
  /** The request as the core reads it; a promise only when the route's body must be read first. */
  port(carrier: C, route: CompiledRoute): RequestPort | Promise<RequestPort>;
  /** Where a refusal, or the answer to a client error, is written. */
  target(sink: S): ResponseTarget<R>;
  /** Puts a verified state where the framework's handlers read it (`req.jwt`, `ctx.state.jwt`). */
  keep?(carrier: C, state: RegisteredJwtState): void;
}

/**
 * A protected route's middleware, after its framework-specific first line: verifies; writes the
 * refusal through `glue.target(sink)` and returns what that returns; or keeps the state and
 * returns `next()`, run inside the request scope. Synchronous when the port and the verification
 * are; a promise otherwise. Errors that are not a client's doing are thrown (or reject).
 *
 * @example
 * ```ts
 * const route = jwt.compileRoute(options)
 * return (ctx, next) => guardRequest(jwt, glue, route, ctx, ctx, next)
 * ```
 */
export function guardRequest<C extends object, S, R, T>(
  jwt: AnyJwtManager,
  glue: AdapterGlue<C, S, R>,
  route: CompiledRoute,
  carrier: C,
  sink: S,
  next: () => T,
): R | T | Promise<R | T> {
  const port = glue.port(carrier, route);
  // The closures below exist on the asynchronous paths only (a body to read, an async loader).
  if (port instanceof Promise) return port.then((ready) => authorizeThen(jwt, glue, route, carrier, sink, next, ready));
  return authorizeThen(jwt, glue, route, carrier, sink, next, port);
}

function authorizeThen<C extends object, S, R, T>(
  jwt: AnyJwtManager,
  glue: AdapterGlue<C, S, R>,
  route: CompiledRoute,
  carrier: C,
  sink: S,
  next: () => T,
  port: RequestPort,
): R | T | Promise<R | T> {
  const outcome = jwt.authorize(carrier, port, route);
  if (outcome instanceof Promise) return outcome.then((response) => proceed(glue, carrier, sink, next, response));
  return proceed(glue, carrier, sink, next, outcome as JwtResponse | undefined);
}

function proceed<C extends object, S, R, T>(
  glue: AdapterGlue<C, S, R>,
  carrier: C,
  sink: S,
  next: () => T,
  response: JwtResponse | undefined,
): R | T {
  if (response !== undefined) return writeJwtResponse(glue.target(sink), response);
  if (glue.keep !== undefined) {
    const state = readJwtState(carrier); // after a pass always there (anonymous on OPTIONS)
    if (state !== undefined) glue.keep(carrier, state);
  }
  return runInRequestScope(carrier, next);
}

/**
 * flask's `verify_jwt_in_request` for an adapter: resolves to the state (kept through
 * `glue.keep`; flask's anonymous state on OPTIONS and on an optional route without a token), or rejects with the
 * `JwtExtendedError` (see {@link answerClientError}).
 *
 * @example
 * ```ts
 * export const verifyJwtInRequest = (jwt, ctx, options = {}) => verifyInRequest(jwt, glue, ctx, options)
 * ```
 */
export async function verifyInRequest<C extends object>(
  jwt: AnyJwtManager,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  glue: AdapterGlue<C, any, any>,
  carrier: C,
  options: RouteOptions = {},
): Promise<RegisteredJwtState | null> {
  const route = jwt.compileRoute(options);
  const state = (await jwt.verifyRequest(carrier, await glue.port(carrier, route), route)) as RegisteredJwtState | null;
  if (state !== null) glue.keep?.(carrier, state);
  return state;
}

/**
 * An error handler's job: a jwt-extended client error (from `verifyInRequest`, a getter, or
 * `decodeToken` in a handler) gets flask's answer, or the manager's override, through
 * `glue.target(sink)`; any other error is rethrown, for the framework's own handling.
 *
 * @example
 * ```ts
 * try { await next() } catch (error) { await answerClientError(jwt, glue, ctx, error) }
 * ```
 */
export async function answerClientError<S, R>(
  jwt: AnyJwtManager,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  glue: AdapterGlue<any, S, R>,
  sink: S,
  error: unknown,
): Promise<R> {
  if (!isClientError(error)) throw error;
  return writeJwtResponse(glue.target(sink), await jwt.errorResponse(error));
}
