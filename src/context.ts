/**
 * `jwt-extended/context`: opt-in zero-argument getters, like the seed's `get_jwt_identity()`.
 * Importing this module installs an AsyncLocalStorage that every adapter enters after a
 * successful verification; the getters then read the current request from it.
 *
 * @example
 * ```ts
 * import { getJwtIdentity, getJwtClaims } from 'jwt-extended/context'
 * app.get('/protected', jwtRequired(jwt), (req, res) => {
 *   res.json({ current_identity: getJwtIdentity(), current_roles: getJwtClaims() })
 * })
 * ```
 *
 * @module jwt-extended/context
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { JwtNotVerifiedError } from './errors.js';
import * as getters from './getters.js';
import { installRequestScope } from './kit/scope.js';

// One storage per process, shared by the CommonJS and ESM builds (an app may import this module
// from one and its adapter from the other).
const STORAGE_KEY = Symbol.for('jwt-extended.context-storage');
const globalStorage = globalThis as typeof globalThis & { [STORAGE_KEY]?: AsyncLocalStorage<object> };
const storage = (globalStorage[STORAGE_KEY] ??= new AsyncLocalStorage<object>());
installRequestScope(
  (carrier, next) => storage.run(carrier, next),
  (carrier) => storage.enterWith(carrier),
);

function currentCarrier(): object {
  const carrier = storage.getStore();
  if (carrier === undefined) {
    throw new JwtNotVerifiedError(
      'You must protect this route with jwtRequired() or call verifyJwtInRequest() before using this method',
    );
  }
  return carrier;
}

/**
 * The current request's carrier (Express `req`, Fastify `request`, Hono `c`, Koa `ctx`), or
 * `undefined` outside a protected request.
 *
 * @example
 * ```ts
 * const req = currentRequest()
 * ```
 */
export function currentRequest(): object | undefined {
  return storage.getStore();
}

/**
 * `get_jwt()` without an argument.
 *
 * @example
 * ```ts
 * const { roles } = getJwt()
 * ```
 */
export function getJwt(): ReturnType<typeof getters.getJwt> {
  return getters.getJwt(currentCarrier());
}

/**
 * `get_jwt_header()` without an argument.
 *
 * @example
 * ```ts
 * getJwtHeader().kid
 * ```
 */
export function getJwtHeader(): ReturnType<typeof getters.getJwtHeader> {
  return getters.getJwtHeader(currentCarrier());
}

/**
 * `get_jwt_identity()` without an argument.
 *
 * @example
 * ```ts
 * getJwtIdentity() // 'test'
 * ```
 */
export function getJwtIdentity(): ReturnType<typeof getters.getJwtIdentity> {
  return getters.getJwtIdentity(currentCarrier());
}

/**
 * The seed's `get_jwt_claims()` without an argument: the application claims.
 *
 * @example
 * ```ts
 * getJwtClaims() // { roles: ['foo', 'bar'] }
 * ```
 */
export function getJwtClaims(): ReturnType<typeof getters.getJwtClaims> {
  return getters.getJwtClaims(currentCarrier());
}

/**
 * `get_current_user()` / `current_user` without an argument.
 *
 * @example
 * ```ts
 * getCurrentUser()?.email
 * ```
 */
export function getCurrentUser(): ReturnType<typeof getters.getCurrentUser> {
  return getters.getCurrentUser(currentCarrier());
}

/**
 * `get_jwt_request_location()` without an argument; `null` outside a protected request.
 *
 * @example
 * ```ts
 * getJwtRequestLocation() // 'headers'
 * ```
 */
export function getJwtRequestLocation(): ReturnType<typeof getters.getJwtRequestLocation> {
  const carrier = storage.getStore();
  return carrier === undefined ? null : getters.getJwtRequestLocation(carrier);
}
