/**
 * Start-up check of every `@JwtRequired` route: a bad option (an unknown location, say) throws
 * `JwtConfigError` from `app.init()` / `app.listen()`, naming the handler, instead of a 500 on
 * the first request to it.
 *
 * @module
 */
import type { OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type AnyJwtManager, JwtConfigError, JwtManager } from '../index.js';
import { injectable } from './nestjs-di.js';
import { JWT_EXTENDED_MODULE_OPTIONS, type JwtGuardDefaults, routeOptionsFor } from './nestjs-guard.js';

/** Compiles the route options of every controller handler once, when the module starts. */
export class JwtRouteCheck implements OnModuleInit {
  readonly #discovery: DiscoveryService;
  readonly #scanner: MetadataScanner;
  readonly #reflector: Reflector;
  readonly #jwt: AnyJwtManager;
  readonly #defaults: JwtGuardDefaults;

  constructor(
    discovery: DiscoveryService,
    scanner: MetadataScanner,
    reflector: Reflector,
    jwt: AnyJwtManager,
    defaults: JwtGuardDefaults,
  ) {
    this.#discovery = discovery;
    this.#scanner = scanner;
    this.#reflector = reflector;
    this.#jwt = jwt;
    this.#defaults = defaults;
  }

  onModuleInit(): void {
    this.#check('defaultRoute of JwtExtendedModule', () => this.#defaults.defaultRoute);
    for (const { metatype, instance } of this.#discovery.getControllers()) {
      if (typeof metatype !== 'function' || instance === null || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.#scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as () => unknown;
        this.#check(`${metatype.name}.${name}`, () => routeOptionsFor(this.#reflector, [handler, metatype], {}));
      }
    }
  }

  #check(where: string, optionsOf: () => Parameters<AnyJwtManager['compileRoute']>[0] | undefined): void {
    const options = optionsOf();
    if (options === undefined) return;
    try {
      this.#jwt.compileRoute(options);
    } catch (error) {
      if (!(error instanceof JwtConfigError)) throw error;
      throw new JwtConfigError(`@JwtRequired on ${where}: ${error.message}`, { cause: error });
    }
  }
}
injectable(JwtRouteCheck, [DiscoveryService, MetadataScanner, Reflector, JwtManager, JWT_EXTENDED_MODULE_OPTIONS]);
