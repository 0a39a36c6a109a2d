/**
 * Reserved claims and their checks, in PyJWT's order (iat, nbf, exp, iss, aud, sub, jti), then
 * flask-jwt-extended's own (identity claim present, defaults filled, CSRF compared).
 *
 * @module
 */
import type { ResolvedConfig } from './config.js';
import {
  CsrfError,
  ExpiredSignatureError,
  ImmatureSignatureError,
  InvalidAudienceError,
  InvalidClaimError,
  InvalidIssuerError,
  JwtDecodeError,
  MissingRequiredClaimError,
} from './errors.js';
import { readFlask3Payload } from './flask3.js';
import { FAMILY_CLAIM } from './revocation.js';
import type { JwtHeader, JwtPayload } from './types.js';

/**
 * Claims jwt-extended writes itself; everything else in a payload is an application claim.
 * `fam` is the refresh family of `refreshTokenRotation` (see `FAMILY_CLAIM`): ours, not the app's.
 */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'fresh',
  'iat',
  'jti',
  'type',
  'nbf',
  'csrf',
  'aud',
  'iss',
  'exp',
  FAMILY_CLAIM,
]);

/** What a decode needs beyond the config: the CSRF value to compare and whether expiry is waived. */
export interface ClaimCheckOptions {
  csrfValue?: string | null | undefined;
  allowExpired?: boolean | undefined;
}

/**
 * Runs every claim check of `decode_token` on a payload whose signature was verified, fills
 * flask's defaults (`type`, `fresh`, `jti`) and returns it.
 *
 * An expired token is reported only after the later checks passed, because flask decodes an
 * expired token a second time with expiry off and lets that decode's error win.
 *
 * @example
 * ```ts
 * const payload = checkClaims(header, parsedPayload, config, { csrfValue: null })
 * ```
 */
export function checkClaims(
  header: JwtHeader,
  payload: Record<string, unknown>,
  config: ResolvedConfig,
  options: ClaimCheckOptions,
): JwtPayload {
  const now = config.clock() / 1000;
  const leeway = config.decodeLeeway;
  if (payload.iat !== undefined) {
    const iat = integerClaim(payload.iat, 'Issued At claim (iat) must be an integer.', InvalidClaimError);
    if (iat > now + leeway) throw new ImmatureSignatureError('The token is not yet valid (iat)');
  }
  if (payload.nbf !== undefined) {
    const nbf = integerClaim(payload.nbf, 'Not Before claim (nbf) must be an integer.', JwtDecodeError);
    if (nbf > now + leeway) throw new ImmatureSignatureError('The token is not yet valid (nbf)');
  }
  let expired = false;
  if (payload.exp !== undefined && !options.allowExpired) {
    const exp = integerClaim(payload.exp, 'Expiration Time claim (exp) must be an integer.', JwtDecodeError);
    expired = exp <= now - leeway;
  }
  if (config.decodeIssuer !== null) checkIssuer(payload, config.decodeIssuer);
  if (config.decodeAudience !== null) checkAudience(payload, config.decodeAudience);
  // A 3.x token (flask3Layout) is read in the 4.x shape; its identity may be any JSON, as in 3.x.
  const flask3 = readFlask3Payload(payload, config, RESERVED_CLAIMS);
  if (flask3 !== null) payload = flask3;
  if (config.verifySub && flask3 === null && payload.sub !== undefined && typeof payload.sub !== 'string') {
    throw new InvalidClaimError('Subject must be a string');
  }
  if (payload.jti !== undefined && typeof payload.jti !== 'string') {
    throw new InvalidClaimError('JWT ID must be a string');
  }
  if (!Object.hasOwn(payload, config.identityClaim)) {
    throw new JwtDecodeError(`Missing claim: ${config.identityClaim}`);
  }
  const filled = fillDefaults(payload);
  if (options.csrfValue) checkCsrf(filled, options.csrfValue);
  if (expired) {
    throw new ExpiredSignatureError('Signature has expired', { header, payload: filled });
  }
  return filled;
}

/** PyJWT runs `int(value)`; we accept numbers only (strings and booleans are refused) and truncate. */
function integerClaim(
  value: unknown,
  message: string,
  ErrorClass: typeof InvalidClaimError | typeof JwtDecodeError,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ErrorClass(message);
  return Math.trunc(value);
}

function checkIssuer(payload: Record<string, unknown>, issuers: readonly string[]): void {
  if (!Object.hasOwn(payload, 'iss')) throw new MissingRequiredClaimError('Token is missing the "iss" claim');
  // PyJWT: `iss` must be a string equal to the issuer, or one of the list.
  if (typeof payload.iss !== 'string' || !issuers.includes(payload.iss)) throw new InvalidIssuerError('Invalid issuer');
}

function checkAudience(payload: Record<string, unknown>, expected: readonly string[]): void {
  const claim = payload.aud;
  if (claim === undefined || claim === null || claim === '' || (Array.isArray(claim) && claim.length === 0)) {
    throw new MissingRequiredClaimError('Token is missing the "aud" claim');
  }
  const audiences = typeof claim === 'string' ? [claim] : claim;
  if (!Array.isArray(audiences) || audiences.some((aud) => typeof aud !== 'string')) {
    throw new InvalidAudienceError('Invalid claim format in token');
  }
  if (!expected.some((aud) => audiences.includes(aud))) throw new InvalidAudienceError("Audience doesn't match");
}

/** Fills `type`, `fresh` and `jti` as flask does for tokens that lack them (e.g. made by other issuers). */
function fillDefaults(payload: Record<string, unknown>): JwtPayload {
  if (payload.type === undefined) payload.type = 'access';
  if (payload.fresh === undefined) payload.fresh = false;
  if (payload.jti === undefined) payload.jti = null;
  return payload as JwtPayload;
}

function checkCsrf(payload: JwtPayload, csrfValue: string): void {
  if (!Object.hasOwn(payload, 'csrf')) throw new JwtDecodeError('Missing claim: csrf');
  if (!constantTimeEquals(payload.csrf, csrfValue)) {
    throw new CsrfError('CSRF double submit tokens do not match');
  }
}

/**
 * Compares two strings in time that does not depend on where they differ. A non-string claim
 * simply does not match (flask raises a TypeError there, a 500 we do not copy).
 */
export function constantTimeEquals(claim: unknown, value: string): boolean {
  if (typeof claim !== 'string' || claim.length !== value.length) return false;
  // Every code unit is compared whatever the earlier ones were: no early exit on a mismatch.
  // (Plain JavaScript rather than node:crypto's timingSafeEqual, so it runs on every runtime.)
  let difference = 0;
  for (let i = 0; i < claim.length; i++) difference |= claim.charCodeAt(i) ^ value.charCodeAt(i);
  return difference === 0;
}
