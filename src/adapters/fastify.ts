/**
 * `jwt-extended/fastify`: flask-jwt-extended's `@jwt_required()` for Fastify 5: a hook for any
 * stage, and a plugin that declares `request.jwt` and the reply cookie helpers.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { JwtManager } from 'jwt-extended'
 * import { jwtExtended, jwtRequired } from 'jwt-extended/fastify'
 *
 * const jwt = new JwtManager({ secretKey: process.env.JWT_SECRET_KEY })
 * const app = Fastify()
 * await app.register(jwtExtended, { manager: jwt })
 * app.get('/protected', { onRequest: jwtRequired(jwt) }, async (request) => ({ id: request.jwt?.identity }))
 * ```
 *
 * @module jwt-extended/fastify
 */
import type { FastifyError, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type {
  onRequestHookHandler,
  preHandlerHookHandler,
  preParsingHookHandler,
  preValidationHookHandler,
} from 'fastify';
import type { AnyJwtManager, JwksResponseOptions, JwtGetters, RegisteredJwtState, RouteOptions } from '../index.js';
import { JwtConfigError, coreGetters, createJwksResponder } from '../index.js';
import * as kit from '../kit/index.js';
import { glue, stageHook, verifyGlue } from './fastify-hooks.js';

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
export type { CookieOptions, JwtState, RegisteredJwtState, RouteOptions } from '../index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified token state, set by `jwtRequired` / `verifyJwtInRequest`; `null` before that,
     * on unprotected routes and on OPTIONS (which passes unverified).
     */
    jwt: RegisteredJwtState | null;
  }
  // flask's cookie helpers as reply methods, documented in the kit (need the `jwtExtended` plugin).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyReply extends kit.CookieMethods {}
}

/** One function Fastify accepts as an `onRequest`, `preParsing`, `preValidation` or `preHandler` hook. */
export type JwtRequiredHook = onRequestHookHandler &
  preParsingHookHandler &
  preValidationHookHandler &
  preHandlerHookHandler;

/** Options of the {@link jwtExtended} plugin. */
export interface JwtExtendedOptions {
  /** The manager whose cookie settings the reply helpers use. */
  manager: AnyJwtManager;
}

/**
 * Protects a route (flask `@jwt_required(...)`); route options are checked now. A client error
 * becomes the manager's response, anything else goes to Fastify's error handler; on success
 * `request.jwt` holds the state and the handler runs inside the request scope. Register it at
 * `onRequest` for tokens in headers, cookies or the query string, and at `preParsing` for routes
 * that read the body (`json` location, `csrfCheckForm`): there it reads the body itself, like
 * flask (invalid JSON is "no token", never Fastify's 400), and leaves it on `request.body`.
 *
 * @example
 * ```ts
 * app.post('/refresh', { preParsing: jwtRequired(jwt, { refresh: true, locations: 'json' }) }, async (request) => ({
 *   access_token: await jwt.createAccessToken(request.jwt?.identity),
 * }))
 * ```
 */
export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}): JwtRequiredHook {
  return stageHook(jwt, jwt.compileRoute(options)) as unknown as JwtRequiredHook;
}

/**
 * Verifies the request by hand (flask `verify_jwt_in_request`): resolves to the state (also on
 * `request.jwt`; anonymous for OPTIONS); rejects with the `JwtExtendedError`.
 *
 * @example
 * ```ts
 * const state = await verifyJwtInRequest(jwt, request, { optional: true })
 * ```
 */
export function verifyJwtInRequest(
  jwt: AnyJwtManager,
  request: FastifyRequest,
  options?: RouteOptions,
): Promise<RegisteredJwtState | null> {
  return kit.verifyInRequest(jwt, verifyGlue, request, options); // reads a GET body too, as flask does
}

/**
 * A Fastify error handler: jwt-extended's client errors get flask's answers; anything else goes
 * to the parent error handler.
 *
 * @example
 * ```ts
 * app.setErrorHandler(jwtErrorHandler(jwt))
 * ```
 */
export function jwtErrorHandler(jwt: AnyJwtManager) {
  return (error: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply): Promise<void> =>
    kit.answerClientError(jwt, glue, reply, error);
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
