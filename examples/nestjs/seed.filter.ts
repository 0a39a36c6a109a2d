/**
 * The seed app's answers for everything that is not a route's own JSON: the example's refusals
 * (bad login body, wrong password, too many attempts), unknown routes and unexpected errors, as
 * JSON with the seed's status and message on every platform. Refused tokens are left to
 * jwt-extended's own filter, so they answer as flask-jwt-extended does.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { JwtExceptionFilter, JwtHttpException } from 'jwt-extended/nestjs';
import { type Answer, NOT_FOUND, answerForError } from '../seed/http-rules.js';

/** A seed answer thrown by a route (Nest sets a handler's status itself, so refusals are thrown). */
export class AnswerException extends HttpException {
  readonly answer: Answer;
  constructor(answer: Answer) {
    super(answer.body as Record<string, unknown>, answer.status);
    this.answer = answer;
  }
}

/** Writes every error as the seed app documents it. */
@Catch()
export class SeedExceptionFilter implements ExceptionFilter {
  readonly #adapter: HttpAdapterHost;
  readonly #jwtFilter = new JwtExceptionFilter();
  constructor(adapter: HttpAdapterHost) {
    this.#adapter = adapter;
  }

  catch(error: unknown, host: ArgumentsHost): void {
    // A global catch-all filter runs before the module's: hand jwt-extended's refusals back to it.
    if (error instanceof JwtHttpException) return this.#jwtFilter.catch(error, host);
    const response = host.switchToHttp().getResponse<object>();
    const answer = answerOf(error);
    if (answer.status >= 500) console.error(error);
    const { httpAdapter } = this.#adapter;
    for (const [name, value] of Object.entries(answer.headers ?? {})) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, answer.body, answer.status);
  }
}

function answerOf(error: unknown): Answer {
  if (error instanceof AnswerException) return error.answer;
  if (error instanceof NotFoundException) return NOT_FOUND;
  // Nest's Express platform wraps a body parser's error (bad JSON, too large) in an
  // HttpException whose cause is the parser's own, which says what went wrong.
  if (error instanceof HttpException && error.cause !== undefined) return answerForError(error.cause);
  return answerForError(error);
}
