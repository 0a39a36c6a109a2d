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
 * One kind of carrier is the exception: an object whose prototype was replaced after it was made
 * (Express moves every request onto its app's `request` object with `Object.setPrototypeOf`). V8
 * gives such an object a hidden class no other object shares, so every property added to it makes a
 * new hidden class (2-4 us on a request, measured on Node 20) and every lookup of a property it
 * does not have walks its prototype chain without a cache (about 1 us). For carriers whose
 * prototype was given to {@link keepJwtStateAside}, the state goes to a WeakMap instead: no
 * property added, none looked up.
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
  if (aside.used && aside.prototypes.has(Object.getPrototypeOf(carrier) as object)) aside.states.set(carrier, state);
  else (carrier as Carrier)[STATE] = state;
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
  if (!aside.used) return (carrier as Carrier)[STATE] as RegisteredJwtState | undefined;
  if (aside.prototypes.has(Object.getPrototypeOf(carrier) as object)) {
    return aside.states.get(carrier) as RegisteredJwtState | undefined;
  }
  // A carrier may have moved to another prototype since its state was saved (an Express request
  // leaving a sub-app goes back to the parent app's `request`): the table is the second place to look.
  return ((carrier as Carrier)[STATE] ?? aside.states.get(carrier)) as RegisteredJwtState | undefined;
}

/** Where the states of carriers on registered prototypes are kept (see the module's note). */
interface Aside {
  /** Prototypes given to {@link keepJwtStateAside}. */
  readonly prototypes: WeakSet<object>;
  readonly states: WeakMap<object, JwtState>;
  /** Whether any prototype was registered: until then, saving and reading cost what they did. */
  used: boolean;
}

/**
 * On `globalThis` under a registered symbol, like the state key: the CommonJS and ESM builds
 * (two copies of this module) must read the same states.
 */
const ASIDE_KEY = Symbol.for('jwt-extended.state-aside');
const globalAside = globalThis as typeof globalThis & { [ASIDE_KEY]?: Aside };
const aside: Aside = (globalAside[ASIDE_KEY] ??= { prototypes: new WeakSet(), states: new WeakMap(), used: false });

/**
 * Keeps the state of every carrier whose prototype is `prototype` in a WeakMap instead of an own
 * property: for carriers that are costly to add a property to or to look one up on (see the
 * module's note). `saveJwtState` and `readJwtState` (so every getter) take care of it; nothing
 * else changes. For adapter authors (the Express adapter registers each app's `request` object).
 *
 * @example
 * ```ts
 * keepJwtStateAside(Object.getPrototypeOf(req)) // Express: the app's `request` object
 * ```
 */
export function keepJwtStateAside(prototype: object): void {
  aside.prototypes.add(prototype);
  aside.used = true;
}
