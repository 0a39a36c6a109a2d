/**
 * Every error jwt-extended raises, one class per flask-jwt-extended / PyJWT exception.
 *
 * Core errors know nothing of HTTP: `RESPONSE_RULES` in `responses.ts` maps each `code`
 * to flask's default status and message. Messages never contain a token, secret or CSRF value.
 *
 * @module
 */
import type { JwtHeader, JwtPayload } from './types.js';

/** Stable, machine-readable error codes; one per error class. */
export type JwtErrorCode =
  | 'ERR_JWT_NO_AUTHORIZATION'
  | 'ERR_JWT_CSRF'
  | 'ERR_JWT_INVALID_HEADER'
  | 'ERR_JWT_INVALID_QUERY_PARAM'
  | 'ERR_JWT_DECODE'
  | 'ERR_JWT_SIGNATURE'
  | 'ERR_JWT_ALGORITHM'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_JWT_CLAIM_MISSING'
  | 'ERR_JWT_AUDIENCE'
  | 'ERR_JWT_ISSUER'
  | 'ERR_JWT_UNKNOWN_KID'
  | 'ERR_JWT_KEYS_UNAVAILABLE'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_WRONG_TYPE'
  | 'ERR_JWT_FRESH_REQUIRED'
  | 'ERR_JWT_REVOKED'
  | 'ERR_JWT_REFRESH_REUSED'
  | 'ERR_JWT_CLAIMS_VERIFICATION'
  | 'ERR_JWT_USER_LOOKUP'
  | 'ERR_JWT_STORE_UNAVAILABLE'
  | 'ERR_JWT_CONFIG'
  | 'ERR_JWT_NOT_VERIFIED'
  | 'ERR_JWT_ENCODE';

/** Marks jwt-extended's error classes and their instances in both builds (see `Symbol.hasInstance` below). */
const ERROR_BRAND = Symbol.for('jwt-extended.error');

/**
 * Base class of every error jwt-extended raises (flask's `JWTExtendedException` plus PyJWT's).
 *
 * @example
 * ```ts
 * try { jwt.decodeTokenSync(token) } catch (e) { if (e instanceof JwtExtendedError) console.log(e.code) }
 * ```
 */
export abstract class JwtExtendedError extends Error {
  /** Stable code for programs; the message is for people. */
  abstract readonly code: JwtErrorCode;
  /** Header of the offending token, when it was readable (for response callbacks). */
  jwtHeader: JwtHeader | undefined;
  /** Payload of the offending token, when it was readable (for response callbacks). */
  jwtPayload: JwtPayload | undefined;

  /**
   * `instanceof` that also recognises errors from the package's other build: an app that loads the
   * manager with `require('jwt-extended')` and an adapter with `import` has two copies of every
   * class, and a plain prototype check would answer `false` (the adapter would then turn a client
   * error into a 500). An error of the other build matches when a class of the same name is in its
   * prototype chain and carries this package's brand.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(ERROR_BRAND in value)) return false;
    for (let proto: unknown = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const ctor = (proto as { constructor?: unknown }).constructor;
      if (typeof ctor === 'function' && ERROR_BRAND in ctor && ctor.name === this.name) return true;
    }
    return false;
  }

  constructor(message: string, options?: { cause?: unknown; header?: JwtHeader; payload?: JwtPayload }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.jwtHeader = options?.header;
    this.jwtPayload = options?.payload;
  }
}

/** No token was found in any allowed location (flask `NoAuthorizationError`). Default 401. */
export class NoAuthorizationError extends JwtExtendedError {
  readonly code = 'ERR_JWT_NO_AUTHORIZATION';
}

/** The CSRF double-submit value was missing or did not match (flask `CSRFError`). Default 401. */
export class CsrfError extends JwtExtendedError {
  readonly code = 'ERR_JWT_CSRF';
}

/** The Authorization header was malformed (flask `InvalidHeaderError`). Default 422. */
export class InvalidHeaderError extends JwtExtendedError {
  readonly code = 'ERR_JWT_INVALID_HEADER';
}

/** The query-string value lacked the configured prefix (flask `InvalidQueryParamError`). Default 422. */
export class InvalidQueryParamError extends JwtExtendedError {
  readonly code = 'ERR_JWT_INVALID_QUERY_PARAM';
}

/**
 * The token could not be decoded: malformed, wrong segments, bad JSON, or a required
 * jwt-extended claim is missing (PyJWT `DecodeError`, flask `JWTDecodeError`). Default 422.
 */
export class JwtDecodeError extends JwtExtendedError {
  readonly code: JwtErrorCode = 'ERR_JWT_DECODE';
}

/** The signature did not verify (PyJWT `InvalidSignatureError`). Default 422. */
export class InvalidSignatureError extends JwtDecodeError {
  override readonly code = 'ERR_JWT_SIGNATURE';
}

/** The token's algorithm is not in the allow-list (PyJWT `InvalidAlgorithmError`). Default 422. */
export class InvalidAlgorithmError extends JwtExtendedError {
  readonly code = 'ERR_JWT_ALGORITHM';
}

/** `nbf` or `iat` lies in the future (PyJWT `ImmatureSignatureError`). Default 422. */
export class ImmatureSignatureError extends JwtExtendedError {
  readonly code = 'ERR_JWT_NOT_YET_VALID';
}

/** A registered claim has the wrong type, e.g. a non-string `sub` (PyJWT `InvalidSubjectError`, ...). Default 422. */
export class InvalidClaimError extends JwtExtendedError {
  readonly code = 'ERR_JWT_CLAIM_INVALID';
}

/** A claim the configuration requires (`aud`, `iss`) is absent (PyJWT `MissingRequiredClaimError`). Default 422. */
export class MissingRequiredClaimError extends JwtExtendedError {
  readonly code = 'ERR_JWT_CLAIM_MISSING';
}

/** `aud` does not match the configured audience (PyJWT `InvalidAudienceError`). Default 422. */
export class InvalidAudienceError extends JwtExtendedError {
  readonly code = 'ERR_JWT_AUDIENCE';
}

/** `iss` does not match the configured issuer (PyJWT `InvalidIssuerError`). Default 422. */
export class InvalidIssuerError extends JwtExtendedError {
  readonly code = 'ERR_JWT_ISSUER';
}

/**
 * No configured key has the token's `kid` (key id), or a token without `kid` met a key set that
 * cannot choose for it. Default 422. The message never repeats the client's `kid`.
 */
export class UnknownKeyIdError extends JwtExtendedError {
  readonly code = 'ERR_JWT_UNKNOWN_KID';
}

/**
 * The issuer's key set (remote JWKS) could not be fetched and no copy is cached, so no token can be
 * verified: the manager fails closed. Default 503.
 */
export class KeySetUnavailableError extends JwtExtendedError {
  readonly code = 'ERR_JWT_KEYS_UNAVAILABLE';
}

/** The token has expired (PyJWT `ExpiredSignatureError`); carries header and payload. Default 401. */
export class ExpiredSignatureError extends JwtExtendedError {
  readonly code = 'ERR_JWT_EXPIRED';
}

/** A refresh token reached an access route or the reverse (flask `WrongTokenError`). Default 422. */
export class WrongTokenError extends JwtExtendedError {
  readonly code = 'ERR_JWT_WRONG_TYPE';
}

/** The route needs a fresh token (flask `FreshTokenRequired`). Default 401. */
export class FreshTokenRequired extends JwtExtendedError {
  readonly code = 'ERR_JWT_FRESH_REQUIRED';
}

/** The token is revoked (flask `RevokedTokenError`). Default 401. */
export class RevokedTokenError extends JwtExtendedError {
  readonly code = 'ERR_JWT_REVOKED';
}

/**
 * A refresh token that was already exchanged was presented again; its whole family is now
 * revoked (jwt-extended's refresh-token rotation; no flask equivalent). Default 401.
 */
export class RefreshTokenReuseError extends JwtExtendedError {
  readonly code = 'ERR_JWT_REFRESH_REUSED';
}

/** `tokenVerificationLoader` returned false (flask `UserClaimsVerificationError`). Default 400. */
export class UserClaimsVerificationError extends JwtExtendedError {
  readonly code = 'ERR_JWT_CLAIMS_VERIFICATION';
}

/** `userLookupLoader` returned null/undefined (flask `UserLookupError`). Default 401. */
export class UserLookupError extends JwtExtendedError {
  readonly code = 'ERR_JWT_USER_LOOKUP';
}

/**
 * The revocation store could not answer (e.g. Redis down or slow) and the manager fails closed.
 * Default 503.
 */
export class StoreUnavailableError extends JwtExtendedError {
  readonly code = 'ERR_JWT_STORE_UNAVAILABLE';
}

/** A configuration mistake, thrown by `new JwtManager(...)` at start-up, never on a request. */
export class JwtConfigError extends JwtExtendedError {
  readonly code = 'ERR_JWT_CONFIG';
}

/**
 * A getter was used where no verification ran (flask's `RuntimeError`), or a lookup getter without a
 * user lookup loader. A programming error: it is never turned into a client response.
 */
export class JwtNotVerifiedError extends JwtExtendedError {
  readonly code = 'ERR_JWT_NOT_VERIFIED';
}

/** A token could not be created, e.g. a claim is not JSON-serialisable (flask's `TypeError`). */
export class JwtEncodeError extends JwtExtendedError {
  readonly code = 'ERR_JWT_ENCODE';
}

// The brand, on the base class (inherited by every subclass as a static) and its prototype (so on
// every instance). Symbol-keyed, so it never shows in JSON or `Object.keys`.
Object.defineProperty(JwtExtendedError, ERROR_BRAND, { value: true });
Object.defineProperty(JwtExtendedError.prototype, ERROR_BRAND, { value: true });
