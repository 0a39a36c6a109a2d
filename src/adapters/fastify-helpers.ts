/**
 * Fastify's typed public exports that need no glue, for `jwt-extended/fastify` (not a public
 * subpath; fastify.ts re-exports each by name): the getters and cookie helpers (one line each
 * with its TSDoc), `jwksHandler` and the `jwtExtended` plugin that puts the cookie helpers on
 * `reply`. The hook stays in fastify.ts, Fastify's quirks in fastify-hooks.ts.
 *
 * @module
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { AnyJwtManager, JwksResponseOptions, JwtGetters } from '../index.js';
import { JwtConfigError, coreGetters, createJwksResponder } from '../index.js';
import * as kit from '../kit/index.js';

// Each export typed by name, not destructured: the declarations then name the framework's type,
// not its expansion through the framework's namespaces (test/package/hygiene.test.ts).
type Getters = JwtGetters<FastifyRequest>;

/** flask `get_jwt()` on a Fastify `request` (see `JwtGetters`). */
export const getJwt: Getters['getJwt'] = coreGetters.getJwt;
/** flask `get_jwt_header()` on a Fastify `request`. */
export const getJwtHeader: Getters['getJwtHeader'] = coreGetters.getJwtHeader;
/** flask `get_jwt_identity()` on a Fastify `request`, typed by the registered manager. */
export const getJwtIdentity: Getters['getJwtIdentity'] = coreGetters.getJwtIdentity;
/** The seed page's `get_jwt_claims()` on a Fastify `request`. */
export const getJwtClaims: Getters['getJwtClaims'] = coreGetters.getJwtClaims;
/** flask `get_current_user()` on a Fastify `request`: what `userLookupLoader` returned. */
export const getCurrentUser: Getters['getCurrentUser'] = coreGetters.getCurrentUser;
/** flask `get_jwt_request_location()` on a Fastify `request`. Never throws. */
export const getJwtRequestLocation: Getters['getJwtRequestLocation'] = coreGetters.getJwtRequestLocation;
/** The whole verified state of a Fastify `request`, or `undefined`. Never throws. */
export const readJwtState: Getters['readJwtState'] = coreGetters.readJwtState;

/** Options of the {@link jwtExtended} plugin. */
export interface JwtExtendedOptions {
  /** The manager whose cookie settings the reply helpers use. */
  manager: AnyJwtManager;
}

/**
 * Serves the manager's public keys (`jwt.jwks()`) as a JWK Set with `Cache-Control: public,
 * max-age=300` (see `JwksResponseOptions`), for services that verify this one's tokens.
 *
 * @example
 * ```ts
 * app.get('/.well-known/jwks.json', jwksHandler(jwt))
 * ```
 */
export function jwksHandler(
  jwt: AnyJwtManager,
  options?: JwksResponseOptions,
): (request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const respond = createJwksResponder(jwt, options);
  return (_request, reply) => {
    const { status, headers, body } = respond();
    return reply.code(status).headers(headers).send(body);
  };
}

// Each helper typed by name (not destructured): the declarations then say `FastifyReply`, not
// its expansion through fastify's and node:http's namespaces.
type ReplyCookieHelpers = kit.CookieHelpers<FastifyReply>;

/** flask's cookie helpers on a Fastify `reply`, each line its own header after the app's. */
const cookies: ReplyCookieHelpers = kit.createCookieHelpers<FastifyReply>(
  (reply, lines) => void reply.header('set-cookie', lines),
);
/** flask `set_access_cookies` on a Fastify `reply`. */
export const setAccessCookies: ReplyCookieHelpers['setAccessCookies'] = cookies.setAccessCookies;
/** flask `set_refresh_cookies` on a Fastify `reply`. */
export const setRefreshCookies: ReplyCookieHelpers['setRefreshCookies'] = cookies.setRefreshCookies;
/** flask `unset_jwt_cookies` on a Fastify `reply`. */
export const unsetJwtCookies: ReplyCookieHelpers['unsetJwtCookies'] = cookies.unsetJwtCookies;
/** flask `unset_access_cookies` on a Fastify `reply`. */
export const unsetAccessCookies: ReplyCookieHelpers['unsetAccessCookies'] = cookies.unsetAccessCookies;
/** flask `unset_refresh_cookies` on a Fastify `reply`. */
export const unsetRefreshCookies: ReplyCookieHelpers['unsetRefreshCookies'] = cookies.unsetRefreshCookies;

/**
 * The plugin: declares `request.jwt` (`null` until verified) and the reply cookie helpers bound
 * to `manager`, on the registering context itself (like `fastify-plugin`).
 *
 * @example
 * ```ts
 * await app.register(jwtExtended, { manager: jwt })
 * ```
 */
export const jwtExtended: FastifyPluginCallback<JwtExtendedOptions> = Object.assign(
  function jwtExtendedPlugin(
    instance: Parameters<FastifyPluginCallback>[0],
    options: JwtExtendedOptions,
    done: (error?: Error) => void,
  ) {
    const jwt = options?.manager;
    if (jwt === null || typeof jwt !== 'object' || typeof jwt.setCookieLines !== 'function') {
      return done(new JwtConfigError('jwtExtended: pass the JwtManager as { manager: jwt }'));
    }
    // Fastify 5 refuses reference-type defaults for request decorators: `null`, filled per request.
    if (!instance.hasRequestDecorator('jwt')) instance.decorateRequest('jwt', null);
    const methods = kit.bindCookieMethods(cookies, jwt);
    for (const name of kit.COOKIE_HELPER_NAMES) instance.decorateReply(name, methods[name]);
    done();
  },
  {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'jwt-extended',
    [Symbol.for('plugin-meta')]: { name: 'jwt-extended', fastify: '5.x' },
  },
);
