/**
 * The request scope of `jwt-extended/context` for Nest handlers, so that `getJwtIdentity()` and
 * the other zero-argument getters answer inside a protected handler and all it awaits. A guard
 * cannot enter the scope (the handler does not run inside its call); an interceptor can: Nest's
 * `next.handle()` keeps the async context it was called in for the handler it runs.
 *
 * @module
 */
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { readJwtState } from '../index.js';
import { runInRequestScope } from '../kit/index.js';

/**
 * Runs a verified request's handler inside its request scope (a no-op until
 * `jwt-extended/context` is imported). `JwtExtendedModule` registers it app-wide.
 */
export class JwtScopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): ReturnType<CallHandler['handle']> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<object>();
    if (readJwtState(request) === undefined) return next.handle(); // unprotected: nothing to scope
    return runInRequestScope(request, () => next.handle());
  }
}
