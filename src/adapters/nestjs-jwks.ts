/**
 * The `/.well-known/jwks.json` route of `JwtExtendedModule` (its `jwks` option): a controller made
 * for the configured path, answering what every other adapter's `jwksHandler` answers.
 *
 * @module
 */
import { Controller, Get, Header, type Type } from '@nestjs/common';
import {
  type AnyJwtManager,
  JWKS_PATH,
  JwtConfigError,
  JwtManager,
  type JwksResponseOptions,
  createJwksResponder,
} from '../index.js';
import { injectable } from './nestjs-di.js';
import { JwtPublic } from './nestjs-guard.js';

/**
 * The `jwks` option of `JwtExtendedModule`: the JWKS route's `Cache-Control` max age and its path
 * (default `/.well-known/jwks.json`, below any global prefix of the app).
 *
 * @example
 * ```ts
 * JwtExtendedModule.forRoot(jwt, { jwks: { maxAge: 60 } satisfies JwksRouteOptions })
 * ```
 */
export interface JwksRouteOptions extends JwksResponseOptions {
  /** Where the set is served. Default `/.well-known/jwks.json`. */
  path?: string;
}

/**
 * A controller serving the manager's JWK Set on GET of the path, public even under the module's
 * `defaultRoute`. The options are checked here, where the module is declared, so a bad `maxAge`
 * or path throws {@link JwtConfigError} at start-up.
 *
 * @example
 * ```ts
 * const controllers = [jwksController({ maxAge: 60 })];
 * ```
 */
export function jwksController(options: JwksRouteOptions): Type {
  const path = options.path ?? JWKS_PATH;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new JwtConfigError(`jwks.path must be a path such as "${JWKS_PATH}"`);
  }
  // Checks maxAge now, and gives the headers the decorators below set on every answer.
  const { headers } = createJwksResponder({ jwks: () => ({ keys: [] }) }, options)();

  class JwksController {
    readonly #respond: () => { body: string };

    constructor(jwt: AnyJwtManager) {
      this.#respond = createJwksResponder(jwt, options);
    }

    /** The current set, read on every request so a rotation shows at once. */
    jwks(): string {
      return this.#respond().body;
    }
  }

  const descriptor = Object.getOwnPropertyDescriptor(JwksController.prototype, 'jwks') as PropertyDescriptor;
  const method: MethodDecorator[] = [
    Get(path),
    JwtPublic(),
    ...Object.entries(headers).map(([name, value]) => Header(name, value)),
  ];
  for (const decorate of method) decorate(JwksController.prototype, 'jwks', descriptor);
  Controller()(JwksController);
  injectable(JwksController, [JwtManager]);
  return JwksController;
}
