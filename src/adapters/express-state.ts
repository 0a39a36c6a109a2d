/**
 * Express's request prototype, for `jwt-extended/express` (not a public subpath). Express moves
 * each request onto its app's `request` object (`Object.setPrototypeOf`), after which adding a
 * property to the request, or looking up one it lacks, is slow; so the state is kept aside and
 * `req.jwt` read through an accessor (see {@link prepare}).
 *
 * @module
 */
import type { Request } from 'express';
import { type RegisteredJwtState, readJwtState } from '../index.js';
import * as kit from '../kit/index.js';

/** Called first on every request: prepares its app's `request` object once (one comparison after). */
export function prepareRequest(req: Request): void {
  if (Object.getPrototypeOf(req) !== preparedAppRequest) prepare(req);
}

/**
 * The glue's `keep`: on a prepared request `req.jwt` already reads the state (see
 * {@link prepare}), nothing to add to `req`, unless the app assigned its own `req.jwt` before,
 * which is overwritten as it always was.
 */
export function keepState(req: Request, state: RegisteredJwtState): void {
  if (!preparedAppRequests.has(Object.getPrototypeOf(req) as object) || Object.hasOwn(req, 'jwt')) req.jwt = state;
}

/** Apps' `request` objects whose requests keep their state aside and read `req.jwt` from it. */
const preparedAppRequests = new WeakSet<object>();
/** The last of them seen: one comparison per request afterwards. */
let preparedAppRequest: object | null = null;

/** Marks the `jwt` accessor as jwt-extended's (either build's) on a prototype it finds it on. */
const JWT_ACCESSOR = Symbol.for('jwt-extended.express-jwt-accessor');

/**
 * Express moves each request onto its app's `request` object (`Object.setPrototypeOf`), which
 * makes adding a property to the request, or looking up one it does not have, cost about a
 * microsecond or more (see `keepJwtStateAside`): saving the state and `req.jwt` as two own
 * properties was about a fifth of this middleware's time. So, once per app, its `request` object is
 * registered with `keepJwtStateAside` (the state goes to a WeakMap) and `req.jwt` becomes an
 * accessor that reads the state, defined on the prototype every app of this copy of Express shares
 * (Express's own `request`), so it is still there when a request leaves a sub-app for its parent.
 * Assigning `req.jwt` still makes an own property. A request not dispatched by an Express app (no
 * `app` on its prototype), or a prototype that has another `jwt`, keeps the own properties.
 */
function prepare(req: Request): void {
  const appRequest: unknown = Object.getPrototypeOf(req);
  if (typeof appRequest !== 'object' || appRequest === null || !Object.hasOwn(appRequest, 'app')) return;
  if (!preparedAppRequests.has(appRequest)) {
    const shared: unknown = Object.getPrototypeOf(appRequest);
    if (typeof shared !== 'object' || shared === null || shared === Object.prototype) return;
    if (!hasJwtAccessor(shared)) return;
    kit.keepJwtStateAside(appRequest);
    preparedAppRequests.add(appRequest);
  }
  preparedAppRequest = appRequest;
}

/**
 * Defines the `jwt` accessor on `shared` unless it already inherits it (a sub-app's `request`
 * inherits from its parent's); false when its chain has another `jwt`.
 */
function hasJwtAccessor(shared: object): boolean {
  for (let o: object | null = shared; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const existing = Object.getOwnPropertyDescriptor(o, 'jwt');
    if (existing !== undefined) return (existing.get as { [JWT_ACCESSOR]?: true } | undefined)?.[JWT_ACCESSOR] === true;
  }
  if (!Object.isExtensible(shared)) return false;
  const get = Object.assign(
    function (this: Request) {
      return readJwtState(this);
    },
    { [JWT_ACCESSOR]: true as const },
  );
  Object.defineProperty(shared, 'jwt', {
    configurable: true,
    enumerable: false,
    get,
    set(this: Request, value: unknown) {
      Object.defineProperty(this, 'jwt', { value, writable: true, enumerable: true, configurable: true });
    },
  });
  return true;
}
