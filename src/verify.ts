/**
 * The request pipeline (flask's `verify_jwt_in_request`), in its exact check order:
 * OPTIONS passes as anonymous -> locate and decode (only "no token" falls through to the next location; CSRF
 * is read before the cookie token is decoded) -> type -> fresh -> blocklist -> custom
 * verification -> user lookup. The caller saves the state only after all of it passed.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import { type ResolvedConfig, resolveLocations } from './config.js';
import type { DecodedToken, DecodeOptions } from './decode.js';
import {
  FreshTokenRequired,
  NoAuthorizationError,
  RevokedTokenError,
  UserClaimsVerificationError,
  UserLookupError,
  WrongTokenError,
} from './errors.js';
import { chain, isPromiseLike } from './internal/promise.js';
import { LOCATORS, type Locator } from './locations/index.js';
import type { RequestView } from './request-view.js';
import type { JwtState } from './state.js';
import type { JwtHeader, JwtPayload, MaybePromise, TokenLocation } from './types.js';

/** Options of a protected route (flask's `jwt_required(...)` keyword arguments). */
export interface RouteOptions {
  /** Continue as anonymous when no token is found (an invalid token is still refused). */
  optional?: boolean;
  /** Require a fresh token. */
  fresh?: boolean;
  /** Require a refresh token; read the refresh cookie, CSRF header and JSON key. */
  refresh?: boolean;
  /** Where to look, overriding `tokenLocation` for this route. */
  locations?: TokenLocation | readonly TokenLocation[];
  /** `false` accepts access and refresh tokens alike. Default `true`. */
  verifyType?: boolean;
  /** Do not consult the blocklist on this route. */
  skipRevocationCheck?: boolean;
}

/** Route options checked once, when the route is declared. */
export interface CompiledRoute {
  readonly optional: boolean;
  readonly fresh: boolean;
  readonly refresh: boolean;
  readonly verifyType: boolean;
  readonly skipRevocationCheck: boolean;
  readonly locations: readonly TokenLocation[];
  readonly locators: readonly Locator[];
  /** True when the JSON body must be parsed before the pipeline runs. */
  readonly needsJsonBody: boolean;
  /** True when a form body may be read (cookies with `csrfCheckForm`). */
  readonly needsFormBody: boolean;
}

/** What the pipeline needs from its manager. */
export interface PipelineContext {
  readonly config: ResolvedConfig;
  readonly callbacks: ManagerCallbacks<never, unknown, unknown, unknown>;
  decode(token: unknown, options: DecodeOptions): MaybePromise<DecodedToken>;
  /** The store's side, read on each request (a registered `tokenInBlocklistLoader` wins over it). */
  readonly revocation: {
    /** The store's check, or null without a store. */
    readonly isRevoked: ((header: JwtHeader, payload: JwtPayload) => MaybePromise<boolean>) | null;
    /** Refresh-token rotation: marks a refresh token used (throws on reuse); null when rotation is off. */
    readonly claimRefresh: ((header: JwtHeader, payload: JwtPayload) => MaybePromise<void>) | null;
  };
}

/**
 * Validates route options once (an unknown location is a start-up error, not a 500 per request).
 *
 * @example
 * ```ts
 * const route = compileRoute(config, { refresh: true, locations: ['cookies'] })
 * ```
 */
export function compileRoute(config: ResolvedConfig, options: RouteOptions = {}): CompiledRoute {
  const locations =
    options.locations === undefined ? config.tokenLocation : resolveLocations(options.locations, 'locations');
  return Object.freeze({
    optional: options.optional === true,
    fresh: options.fresh === true,
    refresh: options.refresh === true,
    verifyType: options.verifyType !== false,
    skipRevocationCheck: options.skipRevocationCheck === true,
    locations,
    locators: locations.map((location) => LOCATORS[location]),
    needsJsonBody: locations.includes('json'),
    needsFormBody: locations.includes('cookies') && config.csrfCheckForm,
  });
}

/**
 * Runs the pipeline. Gives the state to save; throws, or rejects, with the first error in flask's
 * order. It returns a promise only when a key loader, the store or a callback does: a synchronous
 * app verifies without any.
 *
 * OPTIONS passes without looking at any token, as in flask (a CORS preflight carries none), and
 * gets the state of an optional route without a token: flask saves nothing there, so a handler
 * that reads the identity raises and answers 500. Here the getters give `null` / `{}` instead,
 * which is what a handler that serves both anonymous and signed-in requests already expects.
 *
 * @example
 * ```ts
 * const state = await runPipeline(context, view, route)
 * ```
 */
export function runPipeline(
  context: PipelineContext,
  request: RequestView,
  route: CompiledRoute,
): MaybePromise<JwtState> {
  if (request.method === 'OPTIONS') return anonymousState(context.config);
  const found = locateAndDecode(context, request, route);
  return isPromiseLike<FoundToken | null>(found)
    ? Promise.resolve(found).then((value) => afterLocation(context, route, value))
    : afterLocation(context, route, found);
}

function afterLocation(
  context: PipelineContext,
  route: CompiledRoute,
  found: FoundToken | null,
): MaybePromise<JwtState> {
  return found === null ? anonymousState(context.config) : checkToken(context, route, found);
}

interface FoundToken {
  readonly decoded: DecodedToken;
  readonly location: TokenLocation;
}

/**
 * Steps 4-9 of flask's order. Each step is a named function taking its predecessor's result, so
 * the synchronous path allocates no closures; a step whose callback returns a promise continues
 * through `.then`.
 */
function checkToken(context: PipelineContext, route: CompiledRoute, found: FoundToken): MaybePromise<JwtState> {
  const { header, payload } = found.decoded;
  if (route.verifyType) checkType(payload, route.refresh);
  if (route.fresh) checkFresh(header, payload, context.config.clock());
  if (route.skipRevocationCheck) return afterRevocation(context, route, found, false);
  const isRevoked = context.callbacks.tokenInBlocklistLoader ?? context.revocation.isRevoked;
  if (isRevoked === null) return afterRevocation(context, route, found, false);
  const revoked = isRevoked(header, payload);
  return isPromiseLike<boolean>(revoked)
    ? Promise.resolve(revoked).then((value) => afterRevocation(context, route, found, value))
    : afterRevocation(context, route, found, revoked);
}

function afterRevocation(
  context: PipelineContext,
  route: CompiledRoute,
  found: FoundToken,
  revoked: boolean,
): MaybePromise<JwtState> {
  const { header, payload } = found.decoded;
  if (revoked) throw new RevokedTokenError('Token has been revoked', { header, payload });
  const verifier = context.callbacks.tokenVerificationLoader;
  if (verifier === undefined) return afterVerification(context, route, found, true);
  const verified = verifier(header, payload);
  return isPromiseLike<boolean>(verified)
    ? Promise.resolve(verified).then((value) => afterVerification(context, route, found, value))
    : afterVerification(context, route, found, verified);
}

function afterVerification(
  context: PipelineContext,
  route: CompiledRoute,
  found: FoundToken,
  verified: boolean,
): MaybePromise<JwtState> {
  const { header, payload } = found.decoded;
  if (!verified) throw new UserClaimsVerificationError('User claims verification failed', { header, payload });
  const lookup = context.callbacks.userLookupLoader;
  if (lookup === undefined) return afterLookup(context, route, found, null);
  const user = lookup(header, payload);
  return isPromiseLike(user)
    ? Promise.resolve(user).then((value) => afterLookup(context, route, found, value))
    : afterLookup(context, route, found, user);
}

function afterLookup(
  context: PipelineContext,
  route: CompiledRoute,
  found: FoundToken,
  user: unknown,
): MaybePromise<JwtState> {
  const { header, payload } = found.decoded;
  const identityClaim = context.config.identityClaim;
  const userLoaded = context.callbacks.userLookupLoader !== undefined;
  if (userLoaded && (user === null || user === undefined)) {
    throw new UserLookupError(`user_lookup returned None for ${String(payload[identityClaim])}`, { header, payload });
  }
  const state: JwtState = {
    header,
    payload,
    identityClaim,
    identity: payload[identityClaim] ?? null,
    user: user ?? null,
    userLoaded,
    location: found.location,
  };
  // Last, because it is a side effect: a refresh token is used up only by a request that passed.
  if (!route.refresh || payload.type !== 'refresh') return state;
  const claimRefresh = context.revocation.claimRefresh;
  return claimRefresh === null ? state : chain(claimRefresh(header, payload), () => state);
}

function locateAndDecode(
  context: PipelineContext,
  request: RequestView,
  route: CompiledRoute,
): MaybePromise<FoundToken | null> {
  const missing: string[] = [];
  for (let i = 0; i < route.locators.length; i++) {
    let located;
    try {
      located = (route.locators[i] as Locator)(request, context.config, route.refresh);
    } catch (error) {
      if (error instanceof NoAuthorizationError) {
        missing.push(error.message);
        continue;
      }
      throw error;
    }
    const location = route.locations[i] as TokenLocation;
    const decoded = context.decode(located.token, { csrfValue: located.csrfValue });
    return isPromiseLike<DecodedToken>(decoded)
      ? Promise.resolve(decoded).then((value) => ({ decoded: value, location }))
      : { decoded, location };
  }
  if (route.optional) return null;
  throw new NoAuthorizationError(missingMessage(route.locations, missing));
}

function missingMessage(locations: readonly TokenLocation[], messages: readonly string[]): string {
  if (locations.length === 1) return messages[0] as string;
  const start = locations.slice(0, -1).join(', ');
  return `Missing JWT in ${start} or ${locations[locations.length - 1]} (${messages.join('; ')})`;
}

function checkType(payload: JwtPayload, refresh: boolean): void {
  if (refresh) {
    if (payload.type !== 'refresh') throw new WrongTokenError('Only refresh tokens are allowed');
  } else if (payload.type === 'refresh') {
    throw new WrongTokenError('Only non-refresh tokens are allowed');
  }
}

/**
 * `true` is fresh, a number is "fresh until" that epoch; anything else (a string, say, on which
 * flask raises a TypeError) is not fresh.
 */
function checkFresh(header: JwtHeader, payload: JwtPayload, nowMs: number): void {
  const fresh = payload.fresh;
  const isFresh = fresh === true || (typeof fresh === 'number' && fresh >= nowMs / 1000);
  if (!isFresh) throw new FreshTokenRequired('Fresh token required', { header, payload });
}

function anonymousState(config: ResolvedConfig): JwtState {
  return {
    header: {},
    payload: {},
    identityClaim: config.identityClaim,
    identity: null,
    user: null,
    userLoaded: false,
    location: null,
  };
}
