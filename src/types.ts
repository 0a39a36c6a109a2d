/**
 * Shared public types: token header and payload shapes, algorithms, locations, responses.
 *
 * @module
 */

/** JWS algorithms jwt-extended signs and verifies. `none` does not exist here. */
export type Algorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'ES256K'
  | 'EdDSA';

/** Where a token may be read from, in flask's spelling. */
export type TokenLocation = 'headers' | 'cookies' | 'query_string' | 'json';

/** Token kinds flask-jwt-extended creates; other strings (e.g. `"app"`) are accepted at access routes. */
export type TokenType = 'access' | 'refresh' | (string & {});

/** A JSON value as it may appear in a claim. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A decoded JOSE header. */
export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  [key: string]: unknown;
}

/**
 * A decoded payload as `decodeToken` returns it: `type`, `fresh` and `jti` are always filled
 * (defaults `"access"`, `false`, `null`), exactly as flask-jwt-extended does.
 */
export interface JwtPayload {
  type: TokenType;
  fresh: boolean | number;
  jti: string | null;
  iat?: number;
  nbf?: number;
  exp?: number;
  sub?: unknown;
  csrf?: string;
  iss?: string;
  aud?: string | string[];
  [claim: string]: unknown;
}

/** A response a callback or the default error table produces; the adapter writes it as JSON. */
export interface JwtResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A value or a promise of it: every loader and callback may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;
