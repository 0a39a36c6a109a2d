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

/** The identity claim type of the registered manager. */
export type RegisteredIdentity = RegisteredManager extends JwtManager<never, infer I, object, unknown> ? I : unknown;

/** The application claims type of the registered manager. */
export type RegisteredClaims =
  RegisteredManager extends JwtManager<never, unknown, infer C, unknown> ? C : Record<string, unknown>;

/** The user type of the registered manager (from its `userLookupLoader`). */
export type RegisteredUser = RegisteredManager extends JwtManager<never, unknown, object, infer U> ? U : unknown;
