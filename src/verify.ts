/**
 * The request pipeline (flask's `verify_jwt_in_request`): {@link STEPS} is its whole check order,
 * one step per line, each step's call and verdict side by side below. OPTIONS passes as
 * anonymous; the caller saves the state only after every step passed (flask's rule).
 *
 * A step returns nothing when it is done, or a promise when a loader, callback or store answered
 * with one: a synchronous app runs the whole list without a promise or a closure.
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
import { isPromiseLike } from './internal/promise.js';
import { LOCATORS, type Locator } from './locations/index.js';
import type { RequestView } from './request-view.js';
import type { JwtState } from './state.js';
import type { JwtHeader, JwtPayload, MaybePromise, TokenLocation } from './types.js';

/** One check: done (`undefined`) or a promise of being done. It throws the request's refusal. */
type Step = (run: PipelineRun) => PromiseLike<void> | undefined;

/** A step and the routes it applies to (decided once, when the route is compiled). */
interface StepRule {
  readonly step: Step;
  readonly appliesTo: (route: RouteOptionsResolved) => boolean;
}

/**
 * flask's order. Only "no token" falls through to the next location, and the CSRF value is read
 * before the cookie token is decoded (both in `locateToken`); the rotation claim comes last,
 * because it is a side effect: a refresh token is used up only by a request that passed.
 */
const STEPS: readonly StepRule[] = [
  { step: locateToken, appliesTo: always }, // 1-3: find, CSRF, decode and verify
  { step: checkType, appliesTo: (route) => route.verifyType }, // 4: access or refresh
  { step: checkFresh, appliesTo: (route) => route.fresh }, // 5
  { step: checkRevoked, appliesTo: (route) => !route.skipRevocationCheck }, // 6: blocklist
  { step: checkUserClaims, appliesTo: always }, // 7: tokenVerificationLoader
  { step: lookUpUser, appliesTo: always }, // 8: userLookupLoader
  { step: claimRefreshToken, appliesTo: (route) => route.refresh }, // 9: refresh-token rotation
];

// ---- 1-3: locate, CSRF, decode ----

function locateToken(run: PipelineRun): PromiseLike<void> | undefined {
  const { route, request, context } = run;
  const missing: string[] = [];
  for (let i = 0; i < route.locators.length; i++) {
    let located;
    try {
      located = (route.locators[i] as Locator)(request, context.config, route.refresh);
    } catch (error) {
      if (!(error instanceof NoAuthorizationError)) throw error;
      missing.push(error.message);
      continue;
    }
    run.location = route.locations[i] as TokenLocation;
    return settle(run, context.decode(located.token, { csrfValue: located.csrfValue }), takeDecoded);
  }
  if (!route.optional) throw new NoAuthorizationError(missingMessage(route.locations, missing));
  run.anonymous = true;
  return undefined;
}

function takeDecoded(run: PipelineRun, decoded: DecodedToken): void {
  run.header = decoded.header;
  run.payload = decoded.payload;
}

function missingMessage(locations: readonly TokenLocation[], messages: readonly string[]): string {
  if (locations.length === 1) return messages[0] as string;
  const start = locations.slice(0, -1).join(', ');
  return `Missing JWT in ${start} or ${locations[locations.length - 1]} (${messages.join('; ')})`;
}

// ---- 4: type ----

function checkType(run: PipelineRun): undefined {
  const type = run.payload.type;
  if (run.route.refresh) {
    if (type !== 'refresh') throw new WrongTokenError('Only refresh tokens are allowed');
  } else if (type === 'refresh') {
    throw new WrongTokenError('Only non-refresh tokens are allowed');
  }
  return undefined;
}

// ---- 5: fresh ----

/**
 * `true` is fresh, a number is "fresh until" that epoch; anything else (a string, say, on which
 * flask raises a TypeError) is not fresh.
 */
function checkFresh(run: PipelineRun): undefined {
  const fresh = run.payload.fresh;
  const isFresh = fresh === true || (typeof fresh === 'number' && fresh >= run.context.config.clock() / 1000);
  if (!isFresh) throw new FreshTokenRequired('Fresh token required', { header: run.header, payload: run.payload });
  return undefined;
}

// ---- 6: blocklist (a registered tokenInBlocklistLoader wins over the store) ----

function checkRevoked(run: PipelineRun): PromiseLike<void> | undefined {
  const isRevoked = run.context.callbacks.tokenInBlocklistLoader ?? run.context.revocation.isRevoked;
  return isRevoked === null ? undefined : settle(run, isRevoked(run.header, run.payload), refuseRevoked);
}

function refuseRevoked(run: PipelineRun, revoked: boolean): void {
  if (revoked) throw new RevokedTokenError('Token has been revoked', { header: run.header, payload: run.payload });
}

// ---- 7: custom verification ----

function checkUserClaims(run: PipelineRun): PromiseLike<void> | undefined {
  const verifier = run.context.callbacks.tokenVerificationLoader;
  return verifier === undefined ? undefined : settle(run, verifier(run.header, run.payload), refuseUnverified);
}

function refuseUnverified(run: PipelineRun, verified: boolean): void {
  if (!verified) {
    throw new UserClaimsVerificationError('User claims verification failed', {
      header: run.header,
      payload: run.payload,
    });
  }
}

// ---- 8: user lookup ----

function lookUpUser(run: PipelineRun): PromiseLike<void> | undefined {
  const lookup = run.context.callbacks.userLookupLoader;
  if (lookup === undefined) return undefined;
  run.userLoaded = true;
  return settle(run, lookup(run.header, run.payload), takeUser);
}

function takeUser(run: PipelineRun, user: unknown): void {
  if (user === null || user === undefined) {
    const identity = String(run.payload[run.context.config.identityClaim]);
    throw new UserLookupError(`user_lookup returned None for ${identity}`, {
      header: run.header,
      payload: run.payload,
    });
  }
  run.user = user;
}

// ---- 9: refresh-token rotation ----

function claimRefreshToken(run: PipelineRun): PromiseLike<void> | undefined {
  const claim = run.context.revocation.claimRefresh;
  if (claim === null || run.payload.type !== 'refresh') return undefined;
  return settle(run, claim(run.header, run.payload), nothingMore);
}

function nothingMore(): void {}

// ---- the runner ----

/** What the pipeline needs from its manager. Read on every request: nothing is patched later. */
export interface PipelineContext {
  readonly config: ResolvedConfig;
  readonly callbacks: ManagerCallbacks<never, unknown, unknown, unknown>;
  decode(token: unknown, options: DecodeOptions): MaybePromise<DecodedToken>;
  /** The store's side (a registered `tokenInBlocklistLoader` wins over it). */
  readonly revocation: {
    /** The store's check, or null without a store. */
    readonly isRevoked: ((header: JwtHeader, payload: JwtPayload) => MaybePromise<boolean>) | null;
    /** Refresh-token rotation: marks a refresh token used (throws on reuse); null when rotation is off. */
    readonly claimRefresh: ((header: JwtHeader, payload: JwtPayload) => MaybePromise<void>) | null;
  };
}

/**
 * What `header` and `payload` hold until the first step decodes the token (or the route turns out
 * anonymous, whose state is built fresh). Shared and frozen: two empty objects per request were
 * measurable garbage on the hot path (see `npm run bench:ab`).
 */
const NOT_DECODED = Object.freeze({}) as JwtHeader & JwtPayload;

/** One request on its way through the steps: what they found so far. */
class PipelineRun {
  header: JwtHeader = NOT_DECODED;
  payload: JwtPayload = NOT_DECODED;
  location: TokenLocation | null = null;
  user: unknown = null;
  userLoaded = false;
  /** An optional route without a token: no step after the first applies. */
  anonymous = false;

  constructor(
    readonly context: PipelineContext,
    readonly route: CompiledRoute,
    readonly request: RequestView,
  ) {}

  state(): JwtState {
    if (this.anonymous) return this.anonymousState();
    const identityClaim = this.context.config.identityClaim;
    const { header, payload } = this;
    const identity = payload[identityClaim] ?? null;
    return {
      header,
      payload,
      identityClaim,
      identity,
      user: this.user,
      userLoaded: this.userLoaded,
      location: this.location,
    };
  }

  /** An optional route without a token, or OPTIONS: flask's empty `get_jwt()`. */
  anonymousState(): JwtState {
    const identityClaim = this.context.config.identityClaim;
    return { header: {}, payload: {}, identityClaim, identity: null, user: null, userLoaded: false, location: null };
  }
}

/**
 * Hands a step's answer to its verdict: at once when it is a value, after it settles when it is a
 * promise. The verdict is a module-level function, so the synchronous path allocates nothing.
 */
function settle<T>(
  run: PipelineRun,
  answer: MaybePromise<T> | PromiseLike<T>,
  verdict: (run: PipelineRun, value: T) => void,
): PromiseLike<void> | undefined {
  if (!isPromiseLike<T>(answer)) {
    verdict(run, answer);
    return undefined;
  }
  return Promise.resolve(answer).then((value) => verdict(run, value));
}

/**
 * Runs the pipeline. Gives the state to save; throws, or rejects, with the first error in flask's
 * order.
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
  const run = new PipelineRun(context, route, request);
  if (request.method === 'OPTIONS') return run.anonymousState();
  return runSteps(run, 0);
}

function runSteps(run: PipelineRun, first: number): MaybePromise<JwtState> {
  const steps = run.route.steps;
  for (let i = first; i < steps.length && !run.anonymous; i++) {
    const pending = (steps[i] as Step)(run);
    if (pending !== undefined) return Promise.resolve(pending).then(() => runSteps(run, i + 1));
  }
  return run.state();
}

// ---- routes ----

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

/** Route options with their defaults applied. */
interface RouteOptionsResolved {
  readonly optional: boolean;
  readonly fresh: boolean;
  readonly refresh: boolean;
  readonly verifyType: boolean;
  readonly skipRevocationCheck: boolean;
}

/** Route options checked once, when the route is declared. */
export interface CompiledRoute extends RouteOptionsResolved {
  readonly locations: readonly TokenLocation[];
  readonly locators: readonly Locator[];
  /** The steps of `STEPS` (the pipeline) this route runs, in order. */
  readonly steps: readonly Step[];
  /** True when the JSON body must be parsed before the pipeline runs. */
  readonly needsJsonBody: boolean;
  /** True when a form body may be read (cookies with `csrfCheckForm`). */
  readonly needsFormBody: boolean;
  /** Either of the two: an adapter reads a body before verifying (else it never looks at one). */
  readonly readsBody: boolean;
}

function always(): boolean {
  return true;
}

/**
 * Validates route options once (an unknown location is a start-up error, not a 500 per request)
 * and picks the steps the route runs.
 *
 * @example
 * ```ts
 * const route = compileRoute(config, { refresh: true, locations: ['cookies'] })
 * ```
 */
export function compileRoute(config: ResolvedConfig, options: RouteOptions = {}): CompiledRoute {
  const locations =
    options.locations === undefined ? config.tokenLocation : resolveLocations(options.locations, 'locations');
  const resolved: RouteOptionsResolved = {
    optional: options.optional === true,
    fresh: options.fresh === true,
    refresh: options.refresh === true,
    verifyType: options.verifyType !== false,
    skipRevocationCheck: options.skipRevocationCheck === true,
  };
  const needsJsonBody = locations.includes('json');
  const needsFormBody = locations.includes('cookies') && config.csrfCheckForm;
  return Object.freeze({
    ...resolved,
    locations,
    locators: locations.map((location) => LOCATORS[location]),
    steps: Object.freeze(STEPS.filter((rule) => rule.appliesTo(resolved)).map((rule) => rule.step)),
    needsJsonBody,
    needsFormBody,
    readsBody: needsJsonBody || needsFormBody,
  });
}
