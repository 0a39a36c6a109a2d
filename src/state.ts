/**
 * Request-scoped verification results, kept on the framework's carrier (Express `req`, Fastify
 * `request`, Hono `c`, Koa `ctx`) under a module-private symbol. Written once, only after every
 * check passed, so a failed request never leaves a half-verified state behind (flask's rule).
 *
 * The architecture first put this in a WeakMap keyed by the carrier. Measured on Node 20: a
 * WeakMap insert of a fresh request object costs about 290 ns (plus ephemeron work for the GC),
 * a symbol-keyed property about 15 ns; the hot path takes the property.
 *
 * The symbol is registered (`Symbol.for`), not module-private: the package ships a CommonJS and an
 * ESM build, and an app may load both (a manager from `require('jwt-extended')`, the adapter from
 * `import 'jwt-extended/express'`). With a private symbol each build had its own key, so the state
 * one build saved was invisible to the other's getters (the dual-package hazard). A symbol key never
 * shows in `JSON.stringify(req)` or `Object.keys(req)`.
 *
 * @module
 */
import type { RegisteredClaims, RegisteredIdentity, RegisteredUser } from './register.js';
import type { JwtHeader, JwtPayload, TokenLocation } from './types.js';

/**
 * What a protected request knows after verification. On an optional route without a token,
 * `payload` and `header` are `{}` and the rest `null`, as in flask.
 */
export interface JwtState<TIdentity = unknown, TClaims = Record<string, unknown>, TUser = unknown> {
  readonly header: JwtHeader | Record<string, never>;
  readonly payload: (JwtPayload & TClaims) | Record<string, never>;
  /** The name of the identity claim (`identityClaim`, default `sub`). */
  readonly identityClaim: string;
  /** The identity claim's value; `null` without a token. */
  readonly identity: TIdentity | null;
  /** The loaded user; `null` without a token or when no `userLookupLoader` is registered. */
  readonly user: TUser | null;
  /** Whether a `userLookupLoader` ran for this request (flask raises when asked for a user otherwise). */
  readonly userLoaded: boolean;
  readonly location: TokenLocation | null;
}

/**
 * The state as the registered manager types it (see `Register`): what every framework's slot
 * holds (Express `req.jwt`, Fastify `request.jwt`, Hono `c.get('jwt')`, Koa `ctx.state.jwt`) and
 * {@link readJwtState} returns. Without a registration it is a plain `JwtState`.
 *
 * @example
 * ```ts
 * declare module 'jwt-extended' { interface Register { manager: typeof jwt } }
 * const state: RegisteredJwtState | undefined = readJwtState(req)
 * state?.identity // your identity type
 * ```
 */
export type RegisteredJwtState = JwtState<RegisteredIdentity, RegisteredClaims, RegisteredUser>;

const STATE: unique symbol = Symbol.for('jwt-extended.state');

type Carrier = { [STATE]?: JwtState };

/**
 * Records the verified state of a request. Called by the pipeline only, once per request.
 *
 * @example
 * ```ts
 * saveJwtState(req, state)
 * ```
 */
export function saveJwtState(carrier: object, state: JwtState): void {
  (carrier as Carrier)[STATE] = state;
}

/**
 * The verified state of a request, or `undefined` when no verification ran (or it failed). Typed
 * with the registered manager's identity, claims and user (the pipeline that saved it ran that
 * manager's loaders).
 *
 * @example
 * ```ts
 * const state = readJwtState(req)
 * ```
 */
export function readJwtState(carrier: object): RegisteredJwtState | undefined {
  return (carrier as Carrier)[STATE] as RegisteredJwtState | undefined;
}
