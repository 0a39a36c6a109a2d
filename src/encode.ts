/**
 * Builds and signs a token in flask-jwt-extended 4.x's exact layout: `fresh, iat, jti, type,
 * <identity claim>, nbf, csrf, aud, iss, exp`, then the additional claims, which may override any
 * of those (flask's documented behaviour).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from './config.js';
import { type Duration, durationToSeconds } from './duration.js';
import { JwtEncodeError } from './errors.js';
import { timeOrderedJti } from './issue-time.js';
import { type BoundKey, nodeCryptoEngine, pythonCompatibleJson, sortedHeaderJson } from './jws/index.js';

/** Options of `createAccessToken` (flask's keyword arguments). */
export interface AccessTokenOptions {
  /**
   * `true`/`false`, or a duration (seconds or `'15m'`) for which the token stays fresh: stored as
   * a float epoch, as flask stores `fresh=timedelta(...)`. Default `false`.
   */
  fresh?: boolean | Duration;
  /** Overrides `accessTokenExpires`; `false` (or 0) for a token that never expires. */
  expiresDelta?: Duration | null;
  /** Extra claims; they win over the claims loader's and may override reserved claims. */
  additionalClaims?: Record<string, unknown> | null;
  /** Extra JOSE headers; they win over the headers loader's. */
  additionalHeaders?: Record<string, unknown> | null;
}

/** Options of `createRefreshToken`: a refresh token is never fresh. */
export type RefreshTokenOptions = Omit<AccessTokenOptions, 'fresh'>;

/** Everything a token is made of once the loaders have run. */
export interface TokenParts {
  readonly type: 'access' | 'refresh';
  readonly identity: unknown;
  readonly fresh: boolean | Duration;
  readonly expiresDelta: Duration | null | undefined;
  readonly loaderClaims: Record<string, unknown> | null | undefined;
  readonly additionalClaims: Record<string, unknown> | null | undefined;
  readonly loaderHeaders: Record<string, unknown> | null | undefined;
  readonly additionalHeaders: Record<string, unknown> | null | undefined;
  /** The signing key; a keyring's carries the `kid` every token it signs gets in its header. */
  readonly key: BoundKey & { readonly kid?: string };
}

/**
 * Signs a token from its parts. Throws {@link JwtEncodeError} for claims that cannot be a JWT:
 * a missing identity, a non-string `sub` while `verifySub` is on, a non-JSON value, or an `alg`
 * header that differs from the configured algorithm (PyJWT would silently sign with it).
 *
 * @example
 * ```ts
 * encodeToken(config, { type: 'access', identity: 'test', fresh: false, key, ... })
 * ```
 */
export function encodeToken(config: ResolvedConfig, parts: TokenParts): string {
  const payload = buildPayload(config, parts);
  const headerJson =
    parts.loaderHeaders || parts.additionalHeaders
      ? sortedHeaderJson(buildHeader(config, parts))
      : defaultHeaderJson(parts);
  return nodeCryptoEngine.sign(headerJson, pythonCompatibleJson(payload), parts.key);
}

/**
 * `{"alg":"<alg>","typ":"JWT"}`, the header of every token without extra headers (keys sorted);
 * `{"alg":"<alg>","kid":"<kid>","typ":"JWT"}` with a keyring's key.
 */
function defaultHeaderJson(parts: TokenParts): string {
  const { kid } = parts.key;
  return kid === undefined
    ? `{"alg":"${parts.key.alg}","typ":"JWT"}`
    : `{"alg":"${parts.key.alg}","kid":${JSON.stringify(kid)},"typ":"JWT"}`;
}

function buildPayload(config: ResolvedConfig, parts: TokenParts): Record<string, unknown> {
  if (parts.identity === undefined) {
    throw new JwtEncodeError(
      'The token identity is undefined: pass an identity to createAccessToken, or return one from userIdentityLoader',
    );
  }
  const nowMs = config.clock();
  const iat = Math.floor(nowMs / 1000);
  const payload: Record<string, unknown> = {
    fresh: freshClaim(parts.fresh, nowMs),
    iat,
    // A UUIDv7: flask's random-UUID jti, carrying the issue millisecond for exact cut-offs.
    jti: timeOrderedJti(nowMs),
    type: parts.type,
  };
  defineClaim(payload, config.identityClaim, parts.identity);
  if (config.encodeNbf) payload.nbf = iat;
  if (config.cookieCsrfProtect) payload.csrf = randomUUID();
  if (config.encodeAudience) payload.aud = config.encodeAudience;
  if (config.encodeIssuer) payload.iss = config.encodeIssuer;
  const defaultExpiry = parts.type === 'access' ? config.accessTokenExpires : config.refreshTokenExpires;
  const expires =
    parts.expiresDelta === undefined || parts.expiresDelta === null
      ? defaultExpiry
      : durationToSeconds(parts.expiresDelta, 'expiresDelta');
  if (expires !== false) payload.exp = Math.floor((nowMs + expires * 1000) / 1000);
  mergeInto(payload, parts.loaderClaims, 'additionalClaimsLoader');
  mergeInto(payload, parts.additionalClaims, 'additionalClaims');
  if (config.verifySub && Object.hasOwn(payload, 'sub') && typeof payload.sub !== 'string') {
    throw new JwtEncodeError(
      `The "sub" claim must be a string (got ${typeName(payload.sub)}): return a string from userIdentityLoader (e.g. String(user.id)), or set verifySub: false`,
    );
  }
  return payload;
}

function freshClaim(fresh: boolean | Duration, nowMs: number): boolean | number {
  if (fresh === true || fresh === false) return fresh;
  const seconds = durationToSeconds(fresh, 'fresh');
  // flask stores `now + timedelta` as a float epoch with sub-second precision.
  return seconds === false ? false : (nowMs + seconds * 1000) / 1000;
}

function buildHeader(config: ResolvedConfig, parts: TokenParts): Record<string, unknown> {
  const { kid } = parts.key;
  const header: Record<string, unknown> = { typ: 'JWT', alg: parts.key.alg };
  if (kid !== undefined) header.kid = kid;
  mergeInto(header, parts.loaderHeaders, 'additionalHeadersLoader');
  mergeInto(header, parts.additionalHeaders, 'additionalHeaders');
  if (header.alg !== parts.key.alg) {
    throw new JwtEncodeError(
      `The "alg" header cannot be changed per token: it is "${parts.key.alg}", the signing key's algorithm`,
    );
  }
  if (kid !== undefined && header.kid !== kid) {
    throw new JwtEncodeError(
      `The "kid" header cannot be changed per token: it is the signing key's ("${kid}"); promote another key instead`,
    );
  }
  if (!header.typ) delete header.typ;
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new JwtEncodeError('The "kid" header must be a string');
  }
  return header;
}

/** Copies claims in order; `__proto__` stays a plain claim instead of changing the prototype. */
function mergeInto(target: Record<string, unknown>, source: unknown, what: string): void {
  if (source === undefined || source === null) return;
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new JwtEncodeError(`${what} must be an object of claims, not ${typeName(source)}`);
  }
  for (const [name, value] of Object.entries(source)) defineClaim(target, name, value);
}

function defineClaim(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
