/**
 * jwt-extended: flask-jwt-extended for TypeScript. The framework-free core: the manager, tokens,
 * errors and getters, for applications. Frameworks live in `jwt-extended/express`,
 * `jwt-extended/fastify`, `jwt-extended/hono` and `jwt-extended/koa`; what adapter authors need
 * is in `jwt-extended/kit`.
 *
 * @module jwt-extended
 */
export { JwtManager } from './manager.js';
export type { AnyJwtManager } from './manager.js';
export type { JwtManagerOptions, TokenPair } from './manager.js';
export type { OverRevocation, RefreshClaim, RevocationStore, TokenRecord, TtlSeconds } from './ports.js';
export { DEFAULT_REFRESH_REUSE_INTERVAL, FAMILY_CLAIM } from './revocation.js';
export type { JwtOptions, ResolvedConfig, SameSite } from './config.js';
export type { Flask3LayoutOptions, ResolvedFlask3Layout } from './flask3.js';
export type { Duration } from './duration.js';
export { durationToSeconds } from './duration.js';
export type {
  ManagerCallbacks,
  ReasonResponseCallback,
  TokenCheckCallback,
  TokenResponseCallback,
} from './callbacks.js';
export type { AccessTokenOptions, RefreshTokenOptions } from './encode.js';
export type { DecodeOptions, DecodedToken } from './decode.js';
export type { VerifiedTokenCacheOptions } from './token-cache.js';
export type { RouteOptions } from './verify.js';
export type { CookieKind, CookieOptions } from './cookies.js';
export { PERSISTENT_COOKIE_MAX_AGE } from './cookies.js';
export { RESERVED_CLAIMS } from './claims.js';
export { isClientError } from './responses.js';
// Two request utilities apps use too (flask's `request.is_json` and cookie reading).
export { isJsonContentType } from './locations/index.js';
export { parseCookieHeader } from './request-view.js';
export type { JwtGetters } from './getters.js';
export {
  coreGetters,
  getCurrentUser,
  getJwt,
  getJwtClaims,
  getJwtHeader,
  getJwtIdentity,
  getJwtRequestLocation,
} from './getters.js';
export { readJwtState } from './state.js';
export type { JwtState, RegisteredJwtState } from './state.js';
export type { Register, RegisteredClaims, RegisteredIdentity, RegisteredManager, RegisteredUser } from './register.js';
export type {
  Algorithm,
  JsonValue,
  JwtHeader,
  JwtPayload,
  JwtResponse,
  MaybePromise,
  TokenLocation,
  TokenType,
} from './types.js';
export type { EngineKey, EngineParsedJws, JwkObject, JwsEngine, JwsErrorCode, KeyMaterial } from './jws/index.js';
export { JwsError } from './jws/index.js';
export type { Jwk, JwkSet } from './keys/jwk.js';
export { jwkThumbprint } from './keys/jwk.js';
export type { KeyringKey } from './keys/kid-keyring.js';
export type { RemoteJwksOptions } from './jwks/remote.js';
export { JWKS_PATH, createJwksResponder, jwksResponse } from './jwks/publish.js';
export type { JwksResponseOptions } from './jwks/publish.js';
export { ALGORITHMS } from './jws/index.js';
export {
  CsrfError,
  ExpiredSignatureError,
  FreshTokenRequired,
  ImmatureSignatureError,
  InvalidAlgorithmError,
  InvalidAudienceError,
  InvalidClaimError,
  InvalidHeaderError,
  InvalidIssuerError,
  InvalidQueryParamError,
  InvalidSignatureError,
  JwtConfigError,
  JwtDecodeError,
  JwtEncodeError,
  JwtExtendedError,
  JwtNotVerifiedError,
  KeySetUnavailableError,
  MissingRequiredClaimError,
  NoAuthorizationError,
  RefreshTokenReuseError,
  RevokedTokenError,
  StoreUnavailableError,
  UnknownKeyIdError,
  UserClaimsVerificationError,
  UserLookupError,
  WrongTokenError,
} from './errors.js';
export type { JwtErrorCode } from './errors.js';
