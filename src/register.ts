/**
 * Type registration: declare your manager once and every getter and framework slot is typed
 * with your identity, claims and user.
 *
 * @example
 * ```ts
 * const jwt = new JwtManager({ secretKey, userIdentityLoader: (u: User) => u.username, ... })
 * declare module 'jwt-extended' {
 *   interface Register { manager: typeof jwt }
 * }
 * getJwtIdentity(req) // string | null
 * ```
 *
 * @module
 */
import type { JwtManager } from './manager.js';

/** Augment this interface with `manager: typeof yourManager` to type the free getters. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Register {}

/** The registered manager type, or a manager of unknown types when none is registered. */
export type RegisteredManager = Register extends { manager: infer M } ? M : JwtManager;

/** The identity claim type of the registered manager; `unknown` when none is registered. */
export type RegisteredIdentity = Register extends { manager: JwtManager<never, infer I, object, unknown> }
  ? I
  : unknown;

/** The application claims type of the registered manager; any record when none is registered. */
export type RegisteredClaims = Register extends { manager: JwtManager<never, unknown, infer C, unknown> }
  ? C
  : Record<string, unknown>;

/** The user type of the registered manager (from its `userLookupLoader`); `unknown` when none is registered. */
export type RegisteredUser = Register extends { manager: JwtManager<never, unknown, object, infer U> } ? U : unknown;
