/**
 * The token encoder as it was before the payload template (`src/encode.ts` at d4ec7e0: flask's
 * layout, the UUIDv7 `jti` of issue 9),
 * kept as the reference of the differential test: the template must write the very same bytes.
 * Only the uuid source is a parameter here, so both sides can draw the same values.
 */
import type { ResolvedConfig } from '../../src/config.js';
import { durationToSeconds } from '../../src/duration.js';
import type { TokenParts } from '../../src/encode.js';
import { JwtEncodeError } from '../../src/errors.js';
import { timeOrderedJti } from '../../src/issue-time.js';
// The core's mapped helpers: the previous encoder threw the core's JwtEncodeError from them.
import { atBoundary, pythonCompatibleJson, sortedHeaderJson } from '../../src/engine-boundary.js';
import { type BoundKey, nodeCryptoEngine } from '../../src/jws/index.js';
import type { Duration } from '../../src/duration.js';

/** The previous `encodeToken`, with `randomUUID` replaced by `uuid`. */
export function referenceEncode(config: ResolvedConfig, parts: TokenParts, uuid: () => string): string {
  const payload = buildPayload(config, parts, uuid);
  const headerJson =
    parts.loaderHeaders || parts.additionalHeaders
      ? sortedHeaderJson(buildHeader(config, parts))
      : `{"alg":"${parts.key.alg}","typ":"JWT"}`;
  // The node:crypto engine signs synchronously.
  return atBoundary(nodeCryptoEngine).sign(headerJson, pythonCompatibleJson(payload), parts.key as BoundKey) as string;
}

function buildPayload(config: ResolvedConfig, parts: TokenParts, uuid: () => string): Record<string, unknown> {
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
    jti: timeOrderedJti(nowMs, uuid()),
    type: parts.type,
  };
  defineClaim(payload, config.identityClaim, parts.identity);
  if (config.encodeNbf) payload.nbf = iat;
  if (config.cookieCsrfProtect) payload.csrf = uuid();
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
  return seconds === false ? false : (nowMs + seconds * 1000) / 1000;
}

function buildHeader(config: ResolvedConfig, parts: TokenParts): Record<string, unknown> {
  const header: Record<string, unknown> = { typ: 'JWT', alg: config.algorithm };
  mergeInto(header, parts.loaderHeaders, 'additionalHeadersLoader');
  mergeInto(header, parts.additionalHeaders, 'additionalHeaders');
  if (header.alg !== parts.key.alg) {
    throw new JwtEncodeError(
      `The "alg" header cannot be changed per token: it is "${parts.key.alg}" from the algorithm option`,
    );
  }
  if (!header.typ) delete header.typ;
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new JwtEncodeError('The "kid" header must be a string');
  }
  return header;
}

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
