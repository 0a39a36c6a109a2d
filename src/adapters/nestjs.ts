/**
 * `jwt-extended/nestjs`: flask-jwt-extended for NestJS 12, on the Express and the Fastify
 * platform alike. `JwtExtendedModule` provides the `JwtManager`; `@JwtRequired(options)` protects
 * a handler or a controller; parameter decorators read what was verified; a refused request is a
 * `JwtHttpException` that answers flask's status and `{ msg }` body unless the app's own
 * exception filter says otherwise. Requests are read by this package's Express and Fastify
 * adapters, so every behaviour is theirs. Needs TypeScript's `experimentalDecorators` (Nest's own
 * requirement) and, to inject the manager by its type, `emitDecoratorMetadata`.
 *
 * @example
 * ```ts
 * import { Controller, Get, Module, Post, Res } from '@nestjs/common'
 * import { JwtManager } from 'jwt-extended'
 * import { JwtExtendedModule, JwtIdentity, JwtRequired } from 'jwt-extended/nestjs'
 *
 * @Controller()
 * class ProtectedController {
 *   @Get('protected')
 *   @JwtRequired()
 *   protected(@JwtIdentity() identity: string) {
 *     return { logged_in_as: identity }
 *   }
 * }
 *
 * @Module({
 *   imports: [JwtExtendedModule.forRoot({ secretKey: process.env.JWT_SECRET_KEY })],
 *   controllers: [ProtectedController],
 * })
 * export class AppModule {}
 * ```
 *
 * @module jwt-extended/nestjs
 */
import type { JwtGetters } from '../index.js';
import { coreGetters } from '../index.js';

export { JwtExtendedModule } from './nestjs-module.js';
export type { JwtExtendedModuleAsyncOptions, JwtExtendedModuleOptions, JwtManagerOrOptions } from './nestjs-module.js';
export {
  JWT_EXTENDED_MODULE_OPTIONS,
  JWT_ROUTE_METADATA,
  JwtGuard,
  JwtPublic,
  JwtRequired,
  routeOptionsFor,
} from './nestjs-guard.js';
export type { JwtGuardDefaults } from './nestjs-guard.js';
export { JwtExceptionFilter, JwtHttpException } from './nestjs-errors.js';
export type { JwksRouteOptions } from './nestjs-jwks.js';
export { JwtRouteCheck } from './nestjs-route-check.js';
export { JwtScopeInterceptor } from './nestjs-scope.js';
export {
  CurrentUser,
  Jwt,
  JwtClaims,
  JwtHeader,
  JwtIdentity,
  JwtRequestLocation,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
} from './nestjs-params.js';
export type { NestResponse } from './nestjs-platform.js';
export type { CookieOptions, JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

/**
 * The whole verified state of a request (`@Req()`), or `undefined` where nothing was verified.
 * Never throws. For the parts, prefer the parameter decorators.
 *
 * @example
 * ```ts
 * readJwtState(request)
 * ```
 */
export const readJwtState: JwtGetters<object>['readJwtState'] = coreGetters.readJwtState;
