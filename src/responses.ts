/**
 * The one table that maps each error to flask-jwt-extended's default response and to the
 * callback that may override it.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import { type JwtErrorCode, JwtExtendedError } from './errors.js';
import type { JwtHeader, JwtPayload, JwtResponse } from './types.js';

type AnyCallbacks = ManagerCallbacks<never, unknown, unknown, unknown>;

/** How one error code becomes a response: its default status, and which callback overrides it. */
interface ResponseRule {
  readonly status: number;
  /** A fixed default message; when absent the error's own message (the "reason") is used. */
  readonly message?: string;
  /** A reason callback receives the message; a token callback receives header and payload. */
  readonly reasonCallback?: 'invalidTokenLoader' | 'unauthorizedLoader';
  readonly tokenCallback?:
    | 'expiredTokenLoader'
    | 'needsFreshTokenLoader'
    | 'revokedTokenLoader'
    | 'tokenVerificationFailedLoader'
    | 'userLookupErrorLoader'
    | 'refreshTokenReusedLoader';
}

const INVALID: ResponseRule = { status: 422, reasonCallback: 'invalidTokenLoader' };
const UNAUTHORIZED: ResponseRule = { status: 401, reasonCallback: 'unauthorizedLoader' };

/**
 * flask's defaults, by error code. Codes absent here (configuration and programming errors) are
 * not client errors: they are rethrown, never turned into a response.
 */
export const RESPONSE_RULES: Readonly<Partial<Record<JwtErrorCode, ResponseRule>>> = Object.freeze({
  ERR_JWT_NO_AUTHORIZATION: UNAUTHORIZED,
  ERR_JWT_CSRF: UNAUTHORIZED,
  ERR_JWT_INVALID_HEADER: INVALID,
  ERR_JWT_INVALID_QUERY_PARAM: INVALID,
  ERR_JWT_DECODE: INVALID,
  ERR_JWT_SIGNATURE: INVALID,
  ERR_JWT_ALGORITHM: INVALID,
  ERR_JWT_NOT_YET_VALID: INVALID,
  ERR_JWT_CLAIM_INVALID: INVALID,
  ERR_JWT_CLAIM_MISSING: INVALID,
  ERR_JWT_AUDIENCE: INVALID,
  ERR_JWT_ISSUER: INVALID,
  ERR_JWT_UNKNOWN_KID: INVALID,
  ERR_JWT_WRONG_TYPE: INVALID,
  ERR_JWT_EXPIRED: { status: 401, message: 'Token has expired', tokenCallback: 'expiredTokenLoader' },
  ERR_JWT_FRESH_REQUIRED: { status: 401, message: 'Fresh token required', tokenCallback: 'needsFreshTokenLoader' },
  ERR_JWT_REVOKED: { status: 401, message: 'Token has been revoked', tokenCallback: 'revokedTokenLoader' },
  ERR_JWT_REFRESH_REUSED: {
    status: 401,
    message: 'Refresh token reuse detected',
    tokenCallback: 'refreshTokenReusedLoader',
  },
  ERR_JWT_CLAIMS_VERIFICATION: {
    status: 400,
    message: 'User claims verification failed',
    tokenCallback: 'tokenVerificationFailedLoader',
  },
  ERR_JWT_USER_LOOKUP: { status: 401, tokenCallback: 'userLookupErrorLoader' },
  ERR_JWT_STORE_UNAVAILABLE: { status: 503 },
  ERR_JWT_KEYS_UNAVAILABLE: { status: 503 },
});

/**
 * True when `error` is something a client caused (or a store outage) and so has a response.
 *
 * @example
 * ```ts
 * if (isClientError(err)) return send(await errorResponse(err, callbacks, 'msg'))
 * ```
 */
export function isClientError(error: unknown): error is JwtExtendedError {
  return error instanceof JwtExtendedError && RESPONSE_RULES[error.code] !== undefined;
}

/**
 * Builds the response for a client error: the registered callback's, else flask's default body
 * `{ [errorMessageKey]: message }`. Throws the error back if it is not a client error.
 *
 * @example
 * ```ts
 * const { status, body } = await errorResponse(err, callbacks, 'msg', 'sub')
 * ```
 */
export async function errorResponse(
  error: unknown,
  callbacks: AnyCallbacks,
  errorMessageKey: string,
  identityClaim: string,
): Promise<JwtResponse> {
  if (!isClientError(error)) throw error;
  const rule = RESPONSE_RULES[error.code] as ResponseRule;
  if (rule.reasonCallback) {
    const callback = callbacks[rule.reasonCallback];
    if (callback) return callback(error.message);
  }
  const header = error.jwtHeader ?? ({} as JwtHeader);
  const payload = error.jwtPayload ?? ({} as JwtPayload);
  if (rule.tokenCallback) {
    const callback = callbacks[rule.tokenCallback];
    if (callback) return callback(header, payload);
  }
  const message =
    rule.message ??
    (error.code === 'ERR_JWT_USER_LOOKUP'
      ? `Error loading the user ${pythonStr(payload[identityClaim])}`
      : error.message);
  return { status: rule.status, body: { [errorMessageKey]: message } };
}

/** Python's `str()` of a JSON value, for the user-lookup message flask formats with `str()`. */
function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pythonRepr(value);
}

function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
}

function pythonFloat(value: number): string {
  const text = String(value);
  return text.includes('e') || text.includes('.') ? text : `${text}.0`;
}
