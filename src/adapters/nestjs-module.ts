/**
 * `JwtExtendedModule`: provides the `JwtManager` to the whole app (inject it by its class), the
 * guard behind `@JwtRequired`, the start-up check of every protected route, and the default
 * answer to a refused request.
 *
 * @module
 */
import {
  type DynamicModule,
  type FactoryProvider,
  Global,
  type InjectionToken,
  type ModuleMetadata,
  Module,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { type AnyJwtManager, JwtConfigError, JwtManager, type JwtManagerOptions, type RouteOptions } from '../index.js';
import { JwtExceptionFilter } from './nestjs-errors.js';
import { type JwksRouteOptions, jwksController } from './nestjs-jwks.js';
import { JWT_EXTENDED_MODULE_OPTIONS, JwtGuard } from './nestjs-guard.js';
import { installFastifyBodyHook } from './nestjs-fastify-body.js';
import { JwtRouteCheck } from './nestjs-route-check.js';
import { JwtScopeInterceptor } from './nestjs-scope.js';

/** The token of the provider that reads body routes' bodies on the Fastify platform. */
const FASTIFY_BODY_HOOK = 'jwt-extended:fastify-body-hook';

/** A manager, or the options to create one with. */
export type JwtManagerOrOptions = AnyJwtManager | JwtManagerOptions;

/** Options of the module itself (the manager's are its own). */
export interface JwtExtendedModuleOptions {
  /**
   * Protect every route with these options, unless its handler or controller says otherwise
   * (`@JwtRequired(...)`, or `@JwtPublic()` for none). Registers `JwtGuard` app-wide.
   */
  defaultRoute?: RouteOptions;
  /**
   * `false` leaves refused requests to the app's own exception filters (a `JwtHttpException`
   * then answers as any `HttpException` does: its status and body, without its headers).
   * Default `true`: `JwtExceptionFilter` answers them as flask-jwt-extended does.
   */
  exceptionFilter?: boolean;
  /**
   * Serve the manager's public keys (`jwt.jwks()`) at `/.well-known/jwks.json` with
   * `Cache-Control: public, max-age=300` (`true`), or with these options; public even under
   * `defaultRoute`. Default: no route.
   */
  jwks?: boolean | JwksRouteOptions;
}

/** `forRootAsync`'s options: a factory for the manager (or its options), Nest-style. */
export interface JwtExtendedModuleAsyncOptions extends JwtExtendedModuleOptions {
  /** Modules whose providers the factory injects (e.g. `ConfigModule`). */
  imports?: ModuleMetadata['imports'];
  /** What `useFactory` receives, in order. */
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Returns the manager, or the options to create it with; may be async. */
  useFactory: (...deps: never[]) => JwtManagerOrOptions | Promise<JwtManagerOrOptions>;
}

/**
 * The module. `forRoot` creates the manager at once (a configuration mistake throws where the
 * module is declared); `forRootAsync` when the app starts. Global: import it once, in the root module.
 *
 * @example
 * ```ts
 * @Module({ imports: [JwtExtendedModule.forRoot({ secretKey: process.env.JWT_SECRET_KEY })] })
 * class AppModule {}
 * ```
 */
export class JwtExtendedModule {
  /**
   * The module over a manager, or over a new one made from options.
   *
   * @example
   * ```ts
   * JwtExtendedModule.forRoot(jwt, { defaultRoute: {} })
   * ```
   */
  static forRoot(manager: JwtManagerOrOptions, options: JwtExtendedModuleOptions = {}): DynamicModule {
    return moduleWith({ provide: JwtManager, useValue: toManager(manager) }, [], options);
  }

  /**
   * The module over a manager a factory returns, with its dependencies injected.
   *
   * @example
   * ```ts
   * JwtExtendedModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ secretKey: config.getOrThrow('JWT_SECRET_KEY') }),
   * })
   * ```
   */
  static forRootAsync(options: JwtExtendedModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== 'function') {
      throw new JwtConfigError('JwtExtendedModule.forRootAsync: pass { useFactory, inject?, imports? }');
    }
    const { useFactory, inject = [], imports = [], ...moduleOptions } = options;
    const provider: FactoryProvider = {
      provide: JwtManager,
      inject,
      useFactory: async (...deps: never[]) => toManager(await useFactory(...deps)),
    };
    return moduleWith(provider, imports, moduleOptions);
  }
}

Module({})(JwtExtendedModule);
Global()(JwtExtendedModule);

function moduleWith(
  manager: Provider,
  imports: NonNullable<ModuleMetadata['imports']>,
  options: JwtExtendedModuleOptions,
): DynamicModule {
  const providers: Provider[] = [
    manager,
    { provide: JWT_EXTENDED_MODULE_OPTIONS, useValue: Object.freeze({ defaultRoute: options.defaultRoute }) },
    JwtGuard,
    JwtRouteCheck,
    // Zero-argument getters (jwt-extended/context) inside protected handlers.
    { provide: APP_INTERCEPTOR, useClass: JwtScopeInterceptor },
    {
      // Created with the app, before Nest registers its routes with Fastify.
      provide: FASTIFY_BODY_HOOK,
      inject: [HttpAdapterHost, JwtManager],
      useFactory: (host: HttpAdapterHost, jwt: AnyJwtManager) => {
        const adapter = host.httpAdapter as { getType(): string; getInstance(): FastifyInstance } | undefined;
        if (adapter?.getType() === 'fastify') installFastifyBodyHook(adapter.getInstance(), jwt, options.defaultRoute);
        return true;
      },
    },
  ];
  if (options.exceptionFilter !== false) providers.push({ provide: APP_FILTER, useClass: JwtExceptionFilter });
  if (options.defaultRoute !== undefined) providers.push({ provide: APP_GUARD, useExisting: JwtGuard });
  const jwks = options.jwks ?? false;
  return {
    module: JwtExtendedModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    controllers: jwks === false ? [] : [jwksController(jwks === true ? {} : jwks)],
    providers,
    exports: [JwtManager, JwtGuard, JWT_EXTENDED_MODULE_OPTIONS],
  };
}

/** A manager as given, or one made from options (whose mistakes throw `JwtConfigError` here). */
function toManager(value: JwtManagerOrOptions): AnyJwtManager {
  if (value === null || typeof value !== 'object') {
    throw new JwtConfigError('JwtExtendedModule: pass a JwtManager or its options, e.g. { secretKey: ... }');
  }
  // Duck-typed: a manager from the package's other build (CommonJS beside ESM) is a manager too.
  if (typeof (value as AnyJwtManager).compileRoute === 'function') return value as AnyJwtManager;
  return new JwtManager(value as JwtManagerOptions);
}
