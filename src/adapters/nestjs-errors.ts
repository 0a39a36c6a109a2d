/**
 * How a refusal leaves a Nest route: as an exception through Nest's exception layer, so that an
 * app can answer it its own way with an exception filter, and by default exactly as
 * flask-jwt-extended (and every other adapter of this package) answers.
 *
 * @module
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { JwtExtendedError, JwtResponse } from '../index.js';
import { writeJwtResponse } from '../kit/index.js';
import { responseTarget } from './nestjs-platform.js';

/**
 * A refused request: `getStatus()` and `getResponse()` are the manager's answer (flask's status
 * and `{ msg }` body, or a response callback's), `headers` its headers, `cause` the core's
 * `JwtExtendedError` (its `code` tells the reasons apart).
 *
 * @example
 * ```ts
 * @Catch(JwtHttpException)
 * class MyJwtFilter implements ExceptionFilter {
 *   catch(error: JwtHttpException, host: ArgumentsHost) {
 *     host.switchToHttp().getResponse().status(error.getStatus()).json({ error: error.cause.code })
 *   }
 * }
 * ```
 */
export class JwtHttpException extends HttpException {
  /** Headers of the manager's answer (a response callback's), written by {@link JwtExceptionFilter}. */
  readonly headers: Readonly<Record<string, string>>;
  /** The manager's whole answer. */
  readonly jwtResponse: JwtResponse;
  declare readonly cause: JwtExtendedError;

  constructor(response: JwtResponse, cause: JwtExtendedError) {
    // HttpException's message is its response's when that is a string; never a token, either way.
    super((response.body ?? '') as string | Record<string, unknown>, response.status, { cause });
    this.headers = response.headers ?? {};
    this.jwtResponse = response;
  }
}

/**
 * The default answer to a {@link JwtHttpException}: the manager's status, headers (`Set-Cookie`
 * after the app's own) and JSON body, byte for byte what the Express and Fastify adapters send.
 * `JwtExtendedModule` registers it app-wide; a filter for `JwtHttpException` bound to a handler,
 * a controller or with `app.useGlobalFilters` runs instead of it.
 */
export class JwtExceptionFilter implements ExceptionFilter<JwtHttpException> {
  catch(exception: JwtHttpException, host: ArgumentsHost): void {
    writeJwtResponse(responseTarget(host.switchToHttp().getResponse<object>()), exception.jwtResponse);
  }
}
Catch(JwtHttpException)(JwtExceptionFilter);
