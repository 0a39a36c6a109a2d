/**
 * flask's `@jwt_required()` for NestJS: `@JwtRequired(options)` route metadata and the guard that
 * acts on it, on a handler, on a controller, or app-wide.
 *
 * @module
 */
import {
  type CanActivate,
  type ExecutionContext,
  PayloadTooLargeException,
  SetMetadata,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AnyJwtManager, JwtConfigError, JwtManager, type RouteOptions, isClientError } from '../index.js';
import { JwtHttpException } from './nestjs-errors.js';
import { injectable } from './nestjs-di.js';
import { markFastifyRoute, wasOversized } from './nestjs-fastify-body.js';
import { verifyOnPlatform } from './nestjs-platform.js';

/** The metadata key of `@JwtRequired` (route options) and `@JwtPublic` (`false`). */
export const JWT_ROUTE_METADATA = 'jwt-extended:route';

/** The injection token of the module's own options (see `JwtExtendedModuleOptions`). */
export const JWT_EXTENDED_MODULE_OPTIONS = 'jwt-extended:module-options';

/** What the guard needs of the module's options. */
export interface JwtGuardDefaults {
  /** Route options for every route without `@JwtRequired` or `@JwtPublic`; none when absent. */
  readonly defaultRoute?: RouteOptions | undefined;
}

/**
 * Protects a handler, or every handler of a controller (flask `@jwt_required(...)`), with the
 * route options of the other adapters (`optional`, `fresh`, `refresh`, `locations`, `verifyType`,
 * `skipRevocationCheck`). The options are checked when the app starts. A handler's own
 * `@JwtRequired` or `@JwtPublic` wins over its controller's.
 *
 * @example
 * ```ts
 * @Post('refresh')
 * @JwtRequired({ refresh: true })
 * refresh(@JwtIdentity() identity: string) { ... }
 * ```
 */
export function JwtRequired(options: RouteOptions = {}): MethodDecorator & ClassDecorator {
  const own = { ...options };
  return applyDecorators(
    SetMetadata(JWT_ROUTE_METADATA, own),
    UseGuards(JwtGuard),
    markFastifyRoute(own, JWT_ROUTE_METADATA),
  );
}

/**
 * Exempts a handler or a controller from a controller's `@JwtRequired` or from the module's
 * `defaultRoute` (the route then runs without verification, like any unprotected route).
 *
 * @example
 * ```ts
 * @Get('health')
 * @JwtPublic()
 * health() { return { ok: true } }
 * ```
 */
export function JwtPublic(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(JWT_ROUTE_METADATA, false), markFastifyRoute(false, JWT_ROUTE_METADATA));
}

/**
 * The route options in force for a handler: its own metadata, else its controller's, else the
 * module's `defaultRoute`; `undefined` for an unprotected route.
 *
 * @example
 * ```ts
 * routeOptionsFor(reflector, [handler, controller], { defaultRoute: {} })
 * ```
 */
export function routeOptionsFor(
  reflector: Reflector,
  targets: Parameters<Reflector['getAllAndOverride']>[1],
  defaults: JwtGuardDefaults,
): RouteOptions | undefined {
  const own = reflector.getAllAndOverride<RouteOptions | false | undefined>(JWT_ROUTE_METADATA, targets);
  if (own === false) return undefined;
  return own ?? defaults.defaultRoute;
}

/** Requests a JwtGuard has verified: a guard bound twice (controller and app-wide) verifies once. */
const verified = new WeakSet<object>();

/**
 * The guard behind `@JwtRequired`: verifies the request with the Express or Fastify adapter of
 * this package and saves the state for the getters and parameter decorators; a refusal is thrown
 * as a {@link JwtHttpException} (flask's answer by default, see `JwtExceptionFilter`); any other
 * error (a bug in a callback) goes to Nest as it is, a 500. A route without `@JwtRequired` passes.
 */
export class JwtGuard implements CanActivate {
  readonly #reflector: Reflector;
  readonly #jwt: AnyJwtManager;
  readonly #defaults: JwtGuardDefaults;

  constructor(reflector: Reflector, jwt: AnyJwtManager, defaults: JwtGuardDefaults) {
    this.#reflector = reflector;
    this.#jwt = jwt;
    this.#defaults = defaults;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = routeOptionsFor(this.#reflector, [context.getHandler(), context.getClass()], this.#defaults);
    if (options === undefined) return true;
    if (context.getType() !== 'http') {
      // Never let a protected handler run unverified where this guard cannot read a request.
      throw new JwtConfigError(
        `@JwtRequired: ${context.getType()} handlers are not supported; protect HTTP routes (Express or Fastify platform)`,
      );
    }
    const request = context.switchToHttp().getRequest<object>();
    if (verified.has(request)) return true;
    try {
      await verifyOnPlatform(this.#jwt, request, options);
    } catch (error) {
      if (!isClientError(error)) throw error;
      throw new JwtHttpException(await this.#jwt.errorResponse(error), error);
    }
    verified.add(request);
    // The body Fastify would have refused as too large, left unread for flask's "no token".
    if (wasOversized(request)) throw new PayloadTooLargeException();
    return true;
  }
}
injectable(JwtGuard, [Reflector, JwtManager, JWT_EXTENDED_MODULE_OPTIONS]);
