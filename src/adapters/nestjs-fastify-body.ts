/**
 * Request bodies on Nest's Fastify platform. Fastify parses a body before Nest's route handler
 * (and so before any guard) runs, refusing invalid JSON (400), `application/*+json` (415) and a
 * body over `bodyLimit` (413) where flask reads "no token" (401). So, for a route whose token (or
 * CSRF form field) is in the body, a `preParsing` hook reads the body as the Fastify adapter
 * does, and the guard verifies afterwards. The route's options reach the hook through Fastify's
 * route config, which `@JwtRequired` and `@JwtPublic` fill in Nest's route-config metadata.
 *
 * @module
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { AnyJwtManager, RouteOptions } from '../index.js';
import type * as kit from '../kit/index.js';
import { bodyKindOf, skipFastifyBodyParser, takePayloadBody } from './fastify-body.js';

/** The key of Nest's route-config metadata, which its Fastify adapter copies into Fastify's route config. */
export const NEST_FASTIFY_ROUTE_CONFIG = '__fastify_route_config__';

/** Our key in that route config: the route options, or `false` for `@JwtPublic`. */
export const ROUTE_CONFIG_KEY = 'jwtExtended';

/** Requests whose body was over `bodyLimit` and left unread: refused (413) once verified. */
const oversized = new WeakSet<object>();

/**
 * True when the request's body was too large to read for its token: the guard answers 413 once
 * the token (found elsewhere) is verified, as Fastify would have.
 */
export function wasOversized(request: object): boolean {
  return oversized.has(request);
}

/**
 * Adds the `preParsing` hook to Nest's Fastify instance (before Nest registers its routes).
 *
 * @param defaultRoute - the module's `defaultRoute`, for routes without their own options
 */
export function installFastifyBodyHook(
  instance: FastifyInstance,
  jwt: AnyJwtManager,
  defaultRoute: RouteOptions | undefined,
): void {
  const routes = new Map<RouteOptions, kit.CompiledRoute>();
  const routeFor = (options: RouteOptions): kit.CompiledRoute => {
    let route = routes.get(options);
    if (route === undefined) routes.set(options, (route = jwt.compileRoute(options)));
    return route;
  };
  instance.addHook('preParsing', (request: FastifyRequest, _reply, payload: Readable, done) => {
    const own = (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[ROUTE_CONFIG_KEY];
    const options = own === false ? undefined : ((own as RouteOptions | undefined) ?? defaultRoute);
    if (options === undefined) return done(null, payload);
    const route = routeFor(options);
    if (!route.readsBody) return done(null, payload);
    if (Number(request.headers['content-length']) > request.routeOptions.bodyLimit) {
      if (bodyKindOf(route, request) === null) return done(null, payload);
      // flask reads "no token" here: left unread, and Fastify's 413 only after the token passed.
      oversized.add(request);
      skipFastifyBodyParser(request);
      return done(null, payload);
    }
    takePayloadBody(route, request, payload).then(
      (handOver) => done(null, handOver === undefined ? payload : handOver()),
      (error: Error) => done(error),
    );
  });
}

/**
 * A decorator that puts `value` under our key of the Fastify route config of a handler, or of
 * every handler of a controller that has no options of its own (a handler's own win). Merged
 * into a route config set earlier: place `@JwtRequired` above a `@RouteConfig` of the same handler.
 */
export function markFastifyRoute(value: RouteOptions | false, ownKey: string): MethodDecorator & ClassDecorator {
  const mark = (handler: object): void => {
    const config = Reflect.getMetadata(NEST_FASTIFY_ROUTE_CONFIG, handler) as object | undefined;
    Reflect.defineMetadata(NEST_FASTIFY_ROUTE_CONFIG, { ...config, [ROUTE_CONFIG_KEY]: value }, handler);
  };
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor !== undefined) return mark(descriptor.value as object);
    const prototype = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(ownKey, handler) === undefined) mark(handler);
    }
  };
}
