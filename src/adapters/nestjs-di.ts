/**
 * Nest's class decorators applied as plain calls, for `jwt-extended/nestjs` (not a public
 * subpath). The package's own classes carry no decorator syntax, so its build needs no
 * decorator mode and ships no decorator helpers; every constructor dependency is named by its
 * token, so nothing depends on emitted design-time types. Apps use the decorators as usual.
 *
 * @module
 */
import { Inject, Injectable, type InjectionToken } from '@nestjs/common';

/**
 * Marks `target` `@Injectable()` with `@Inject(token)` on each constructor parameter, in order.
 *
 * @example
 * ```ts
 * injectable(JwtGuard, [Reflector, JwtManager])
 * ```
 */
export function injectable(
  target: abstract new (...args: never[]) => unknown,
  tokens: readonly InjectionToken[],
): void {
  Injectable()(target);
  tokens.forEach((token, index) => Inject(token)(target, undefined, index));
}
