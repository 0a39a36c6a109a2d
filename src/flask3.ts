/**
 * flask-jwt-extended 3.x's token layout, for a fleet that migrates service by service: read 3.x
 * tokens as if they were 4.x tokens, and (for the migration period) write them, so a 3.25 service
 * and a jwt-extended service accept each other's tokens.
 *
 * 3.25.1 wrote, in this order: `iat, nbf, jti, exp` (no `exp` when expiry is off), then the
 * identity under `identity` (`JWT_IDENTITY_CLAIM`, any JSON value), `fresh` (a boolean or an
 * integer epoch; refresh tokens have none), `type`, the application's claims nested under
 * `user_claims` (`JWT_USER_CLAIMS`; left out when empty, and in refresh tokens only with
 * `JWT_CLAIMS_IN_REFRESH_TOKEN` or explicit claims), and `csrf` when cookies are a token location.
 *
 * @module
 */
import type { ResolvedConfig } from './config.js';
import { durationToSeconds } from './duration.js';
import type { TokenParts } from './encode.js';
import { JwtConfigError, JwtEncodeError } from './errors.js';
import { randomUUID } from './internal/random.js';
import { timeOrderedJti } from './issue-time.js';

/** The `flask3Layout` option: read 3.x tokens, and optionally write them. */
export interface Flask3LayoutOptions {
  /**
   * Also create new tokens in the 3.x layout, for the period in which 3.x services must still
   * accept them. Default `false`: read both layouts, write 4.x.
   */
  write?: boolean;
  /** 3.x `JWT_IDENTITY_CLAIM`. Default `'identity'`. */
  identityClaim?: string;
  /** 3.x `JWT_USER_CLAIMS`: the claim that nests the application's claims. Default `'user_claims'`. */
  userClaims?: string;
  /** 3.x `JWT_CLAIMS_IN_REFRESH_TOKEN`: the claims loader's claims in refresh tokens too. Default `false`. */
  claimsInRefreshToken?: boolean;
}

/** {@link Flask3LayoutOptions} validated, defaults filled. */
export interface ResolvedFlask3Layout {
  readonly write: boolean;
  readonly identityClaim: string;
  readonly userClaims: string;
  readonly claimsInRefreshToken: boolean;
}

/**
 * Validates the `flask3Layout` option: `true` reads 3.x tokens with 3.25's default claim names.
 *
 * @example
 * ```ts
 * resolveFlask3Layout({ write: true }) // { write: true, identityClaim: 'identity', userClaims: 'user_claims', ... }
 * ```
 */
export function resolveFlask3Layout(value: unknown): ResolvedFlask3Layout | null {
  if (value === undefined || value === null || value === false) return null;
  if (value !== true && (typeof value !== 'object' || Array.isArray(value))) {
    throw new JwtConfigError(
      'flask3Layout must be true or { write?, identityClaim?, userClaims?, claimsInRefreshToken? }',
    );
  }
  const options = (value === true ? {} : value) as Flask3LayoutOptions;
  const name = (given: unknown, fallback: string, key: string): string => {
    if (given === undefined) return fallback;
    if (typeof given !== 'string' || given === '') {
      throw new JwtConfigError(`flask3Layout.${key} must be a non-empty string (3.x default '${fallback}')`);
    }
    return given;
  };
  const layout = {
    write: options.write === true,
    identityClaim: name(options.identityClaim, 'identity', 'identityClaim'),
    userClaims: name(options.userClaims, 'user_claims', 'userClaims'),
    claimsInRefreshToken: options.claimsInRefreshToken === true,
  };
  if (layout.identityClaim === layout.userClaims) {
    throw new JwtConfigError('flask3Layout.identityClaim and flask3Layout.userClaims must be different claims');
  }
  return Object.freeze(layout);
}

/**
 * A verified payload in the 4.x shape the rest of jwt-extended reads, or `null` when it is not a
 * 3.x token. A 3.x token is one with the 3.x identity claim and without our own (or, when both
 * names are the same, any token): its identity moves to `identityClaim` and the claims nested
 * under `userClaims` come up to the top level. A nested claim never replaces one the token has at
 * the top, and a nested reserved claim (`exp`, `type`, `jti`, the identity, ...; `reserved`) is
 * left out: 3.x never checked those, and lifted they would look checked (a nested `exp` would,
 * say, shorten how long a revocation of the token is kept). `getJwt`, `getJwtClaims`, the loaders
 * and the stores then see one shape whichever service made the token.
 *
 * @example
 * ```ts
 * readFlask3Payload({ identity: 'test', type: 'access', user_claims: { roles: ['foo'] } }, config, RESERVED_CLAIMS)
 * // { type: 'access', sub: 'test', roles: ['foo'] }
 * ```
 */
export function readFlask3Payload(
  payload: Record<string, unknown>,
  config: ResolvedConfig,
  reserved: ReadonlySet<string>,
): Record<string, unknown> | null {
  const layout = config.flask3Layout;
  if (layout === null || !Object.hasOwn(payload, layout.identityClaim)) return null;
  const sameName = layout.identityClaim === config.identityClaim;
  if (!sameName && Object.hasOwn(payload, config.identityClaim)) return null;
  const nested = payload[layout.userClaims];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (name === layout.identityClaim || (name === layout.userClaims && isPlainObject(nested))) continue;
    setClaim(out, name, value);
  }
  setClaim(out, config.identityClaim, payload[layout.identityClaim]);
  if (isPlainObject(nested)) {
    for (const [name, value] of Object.entries(nested)) {
      if (!Object.hasOwn(out, name) && !reserved.has(name) && name !== config.identityClaim) setClaim(out, name, value);
    }
  }
  return out;
}

/**
 * The payload of a new token in 3.25's layout and claim order (see the module comment). The jti
 * is our time-ordered UUID, which 3.x reads as any UUID; `fresh` given as a duration is an integer
 * epoch, as 3.x wrote it; claims from the loader and the call are merged (4.x's rule) and nested.
 *
 * @example
 * ```ts
 * buildFlask3Payload(config, parts) // { iat, nbf, jti, exp, identity, fresh, type, user_claims }
 * ```
 */
export function buildFlask3Payload(config: ResolvedConfig, parts: TokenParts): Record<string, unknown> {
  const layout = config.flask3Layout as ResolvedFlask3Layout;
  if (parts.identity === undefined) {
    throw new JwtEncodeError(
      'The token identity is undefined: pass an identity to createAccessToken, or return one from userIdentityLoader',
    );
  }
  const nowMs = config.clock();
  const now = Math.floor(nowMs / 1000);
  const payload: Record<string, unknown> = { iat: now, nbf: now, jti: timeOrderedJti(nowMs) };
  const defaultExpiry = parts.type === 'access' ? config.accessTokenExpires : config.refreshTokenExpires;
  const expires =
    parts.expiresDelta === undefined || parts.expiresDelta === null
      ? defaultExpiry
      : durationToSeconds(parts.expiresDelta, 'expiresDelta');
  if (expires !== false) payload.exp = Math.floor((nowMs + expires * 1000) / 1000);
  setClaim(payload, layout.identityClaim, parts.identity);
  if (parts.type === 'access') payload.fresh = freshClaim(parts.fresh, nowMs);
  payload.type = parts.type;
  const claims: Record<string, unknown> = {};
  if (parts.type === 'access' || layout.claimsInRefreshToken)
    mergeClaims(claims, parts.loaderClaims, 'additionalClaimsLoader');
  mergeClaims(claims, parts.additionalClaims, 'additionalClaims');
  if (Object.keys(claims).length > 0) payload[layout.userClaims] = claims;
  if (config.cookieCsrfProtect && config.tokenLocation.includes('cookies')) payload.csrf = randomUUID();
  if (config.encodeIssuer) payload.iss = config.encodeIssuer;
  if (config.encodeAudience) payload.aud = config.encodeAudience;
  return payload;
}

/** 3.x stored `fresh=timedelta` as `timegm(...)`: whole seconds. */
function freshClaim(fresh: TokenParts['fresh'], nowMs: number): boolean | number {
  if (fresh === true || fresh === false) return fresh;
  const seconds = durationToSeconds(fresh, 'fresh');
  return seconds === false ? false : Math.floor((nowMs + seconds * 1000) / 1000);
}

function mergeClaims(target: Record<string, unknown>, source: unknown, what: string): void {
  if (source === undefined || source === null) return;
  if (!isPlainObject(source)) throw new JwtEncodeError(`${what} must be an object of claims`);
  for (const [name, value] of Object.entries(source)) setClaim(target, name, value);
}

/** `__proto__` stays a plain claim instead of changing the prototype. */
function setClaim(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
