/**
 * Configuration: every flask-jwt-extended `JWT_*` option under one naming rule (drop `JWT_`,
 * camelCase the rest), with flask's defaults, validated once into a frozen object.
 *
 * @module
 */
import { type Duration, durationToSeconds } from './duration.js';
import { JwtConfigError } from './errors.js';
import { type Flask3LayoutOptions, type ResolvedFlask3Layout, resolveFlask3Layout } from './flask3.js';
import type { Algorithm, TokenLocation } from './types.js';
import { atBoundary } from './engine-boundary.js';
import { ALGORITHMS, engineFor, isAlgorithm } from './jws/index.js';
import type { EngineChoice, JwsEngine, KeyMaterial } from './jws/index.js';
import { isAsymmetric } from './jws/index.js';
import { type RemoteJwksOptions, resolveRemoteJwksOptions } from './jwks/remote.js';
import type { KeyringKey } from './keys/kid-keyring.js';

/** Cookie `SameSite` attribute; `null` omits it (flask's default). */
export type SameSite = 'Lax' | 'Strict' | 'None' | null;

/**
 * The static options of a {@link JwtManager}. Loaders and callbacks are in `ManagerCallbacks`.
 * Each option is flask's `JWT_*` key in camelCase with the same default.
 */
export interface JwtOptions {
  /** `JWT_TOKEN_LOCATION`. Order is precedence. Default `['headers']`. */
  tokenLocation?: TokenLocation | readonly TokenLocation[];
  /** `JWT_HEADER_NAME`. Default `'Authorization'`. */
  headerName?: string;
  /** `JWT_HEADER_TYPE`. `''` means the raw token. Default `'Bearer'`. */
  headerType?: string;
  /** `JWT_QUERY_STRING_NAME`. Default `'jwt'`. */
  queryStringName?: string;
  /** `JWT_QUERY_STRING_VALUE_PREFIX`. Default `''`. */
  queryStringValuePrefix?: string;
  /** `JWT_JSON_KEY`. Default `'access_token'`. */
  jsonKey?: string;
  /** `JWT_REFRESH_JSON_KEY`. Default `'refresh_token'`. */
  refreshJsonKey?: string;
  /** `JWT_ACCESS_COOKIE_NAME`. Default `'access_token_cookie'`. */
  accessCookieName?: string;
  /** `JWT_REFRESH_COOKIE_NAME`. Default `'refresh_token_cookie'`. */
  refreshCookieName?: string;
  /** `JWT_ACCESS_COOKIE_PATH`. Default `'/'`. */
  accessCookiePath?: string;
  /** `JWT_REFRESH_COOKIE_PATH`. Default `'/'`. */
  refreshCookiePath?: string;
  /** `JWT_COOKIE_SECURE`. Default `false`. */
  cookieSecure?: boolean;
  /** `JWT_COOKIE_DOMAIN`. Default none. */
  cookieDomain?: string | null;
  /** `JWT_COOKIE_SAMESITE`. Default `null` (attribute omitted). */
  cookieSamesite?: SameSite;
  /** `JWT_SESSION_COOKIE`: `false` gives cookies a `Max-Age` of 31540000 s. Default `true`. */
  sessionCookie?: boolean;
  /** `JWT_COOKIE_CSRF_PROTECT`: every token gets a `csrf` claim; cookie routes enforce it. Default `true`. */
  cookieCsrfProtect?: boolean;
  /** `JWT_CSRF_METHODS`. Default `['POST', 'PUT', 'PATCH', 'DELETE']`. */
  csrfMethods?: readonly string[];
  /** `JWT_CSRF_IN_COOKIES`: also set the readable CSRF cookies. Default `true`. */
  csrfInCookies?: boolean;
  /** `JWT_ACCESS_CSRF_COOKIE_NAME`. Default `'csrf_access_token'`. */
  accessCsrfCookieName?: string;
  /** `JWT_REFRESH_CSRF_COOKIE_NAME`. Default `'csrf_refresh_token'`. */
  refreshCsrfCookieName?: string;
  /** `JWT_ACCESS_CSRF_COOKIE_PATH`. Default `'/'`. */
  accessCsrfCookiePath?: string;
  /** `JWT_REFRESH_CSRF_COOKIE_PATH`. Default `'/'`. */
  refreshCsrfCookiePath?: string;
  /** `JWT_ACCESS_CSRF_HEADER_NAME`. Default `'X-CSRF-TOKEN'`. */
  accessCsrfHeaderName?: string;
  /** `JWT_REFRESH_CSRF_HEADER_NAME`. Default `'X-CSRF-TOKEN'`. */
  refreshCsrfHeaderName?: string;
  /** `JWT_CSRF_CHECK_FORM`: also read the CSRF value from a form field. Default `false`. */
  csrfCheckForm?: boolean;
  /** `JWT_ACCESS_CSRF_FIELD_NAME`. Default `'csrf_token'`. */
  accessCsrfFieldName?: string;
  /** `JWT_REFRESH_CSRF_FIELD_NAME`. Default `'csrf_token'`. */
  refreshCsrfFieldName?: string;
  /** `JWT_ACCESS_TOKEN_EXPIRES`. Seconds, `'15m'`, or `false`. Default 900 (15 minutes). */
  accessTokenExpires?: Duration;
  /** `JWT_REFRESH_TOKEN_EXPIRES`. Default 2592000 (30 days). */
  refreshTokenExpires?: Duration;
  /** `JWT_ALGORITHM`. Default `'HS256'`. */
  algorithm?: Algorithm;
  /** `JWT_DECODE_ALGORITHMS`. `algorithm` is always allowed too. Default `[algorithm]`. */
  decodeAlgorithms?: readonly Algorithm[] | null;
  /** `JWT_SECRET_KEY` for HS* algorithms (string as UTF-8, Buffer, or secret KeyObject/JWK). */
  secretKey?: KeyMaterial | null;
  /** `JWT_PRIVATE_KEY` for asymmetric signing: PEM, JWK or KeyObject. */
  privateKey?: KeyMaterial | null;
  /**
   * `JWT_PUBLIC_KEY` for asymmetric verification: PEM, JWK or KeyObject. Alone (no `privateKey`),
   * it makes a manager that only verifies.
   */
  publicKey?: KeyMaterial | null;
  /**
   * jwt-extended: a keyring instead of one key: keys by `kid` (default: the JWK's `kid`, else the
   * RFC 7638 thumbprint), each bound to one algorithm. New tokens carry the signing key's `kid`;
   * a token is verified with the key of its `kid`, an unknown `kid` is refused (422) unless a
   * `decodeKeyLoader` is registered. Rotate with `addKey`, `promoteKey`, `retireKey`.
   */
  keys?: readonly KeyringKey[] | null;
  /** jwt-extended: the `kid` of the key in `keys` that signs. Default: the first key that can sign. */
  signingKid?: string | null;
  /**
   * jwt-extended: verify another issuer's tokens with the keys of its JWK Set URL (verification
   * only). A URL string, or options for the timeout, cache max age and refetch cooldown.
   */
  remoteJwks?: string | URL | RemoteJwksOptions | null;
  /** `JWT_IDENTITY_CLAIM`. Default `'sub'`. */
  identityClaim?: string;
  /** `JWT_DECODE_AUDIENCE`: `aud` is checked only when set. */
  decodeAudience?: string | readonly string[] | null;
  /** `JWT_ENCODE_AUDIENCE`: added to new tokens when set. */
  encodeAudience?: string | readonly string[] | null;
  /** `JWT_DECODE_ISSUER`: `iss` is checked only when set; a list accepts any of its issuers (as PyJWT). */
  decodeIssuer?: string | readonly string[] | null;
  /** `JWT_ENCODE_ISSUER`: added to new tokens when set. */
  encodeIssuer?: string | null;
  /** `JWT_DECODE_LEEWAY` in seconds, for `exp`, `nbf` and a future `iat`. Default 0. */
  decodeLeeway?: number;
  /** `JWT_ENCODE_NBF`. Default `true`. */
  encodeNbf?: boolean;
  /** `JWT_VERIFY_SUB`: `sub` must be a string (PyJWT >= 2.10). Default `true`. */
  verifySub?: boolean;
  /** `JWT_ERROR_MESSAGE_KEY`: the key of the default error bodies. Default `'msg'`. */
  errorMessageKey?: string;
  /** jwt-extended: the clock, in milliseconds since the epoch. Default `Date.now`. Freeze it in tests. */
  clock?: () => number;
  /** jwt-extended: the largest token accepted, checked before any parsing. Default 8192 characters. */
  maxTokenSize?: number;
  /**
   * jwt-extended: the signing engine. `'auto'` (default) uses node:crypto where the runtime has it
   * (synchronous, fastest) and WebCrypto elsewhere (Workers without `nodejs_compat`, edge runtimes).
   * With `'webcrypto'` signing and verifying are asynchronous: `createAccessTokenSync` and
   * `decodeTokenSync` throw, and keys must be PEM (SPKI/PKCS#8), DER, JWK or `CryptoKey`.
   * An object implementing `JwsEngine` plugs in another engine (its errors are `JwsError`s).
   */
  engine?: EngineChoice | JwsEngine;
  /**
   * jwt-extended: also accept flask-jwt-extended 3.x tokens (identity under `identity`, claims
   * nested under `user_claims`), read as 4.x tokens; `{ write: true }` also creates tokens in the
   * 3.x layout, for a fleet whose 3.x services must accept them. `true` reads 3.25's defaults.
   * Default off. See docs/migrating-from-3x.md.
   */
  flask3Layout?: boolean | Flask3LayoutOptions;
}

/** The validated, frozen configuration a manager runs on. Header names are stored lower-cased for lookup. */
export interface ResolvedConfig {
  readonly tokenLocation: readonly TokenLocation[];
  readonly headerName: string;
  /** `headerName` lower-cased once, for header lookups. */
  readonly headerNameLowerCase: string;
  readonly headerType: string;
  readonly queryStringName: string;
  readonly queryStringValuePrefix: string;
  readonly jsonKey: string;
  readonly refreshJsonKey: string;
  readonly accessCookieName: string;
  readonly refreshCookieName: string;
  readonly accessCookiePath: string;
  readonly refreshCookiePath: string;
  readonly cookieSecure: boolean;
  readonly cookieDomain: string | null;
  readonly cookieSamesite: SameSite;
  readonly sessionCookie: boolean;
  readonly cookieCsrfProtect: boolean;
  readonly csrfMethods: ReadonlySet<string>;
  readonly csrfInCookies: boolean;
  readonly accessCsrfCookieName: string;
  readonly refreshCsrfCookieName: string;
  readonly accessCsrfCookiePath: string;
  readonly refreshCsrfCookiePath: string;
  readonly accessCsrfHeaderName: string;
  readonly refreshCsrfHeaderName: string;
  readonly csrfCheckForm: boolean;
  readonly accessCsrfFieldName: string;
  readonly refreshCsrfFieldName: string;
  readonly accessTokenExpires: number | false;
  readonly refreshTokenExpires: number | false;
  readonly algorithm: Algorithm;
  readonly decodeAlgorithms: readonly Algorithm[];
  readonly secretKey: KeyMaterial | null;
  readonly privateKey: KeyMaterial | null;
  readonly publicKey: KeyMaterial | null;
  readonly keys: readonly KeyringKey[] | null;
  readonly signingKid: string | null;
  readonly remoteJwks: ReturnType<typeof resolveRemoteJwksOptions> | null;
  readonly identityClaim: string;
  readonly decodeAudience: readonly string[] | null;
  readonly encodeAudience: string | readonly string[] | null;
  /** The accepted issuers (one or more), or `null` when `iss` is not checked. */
  readonly decodeIssuer: readonly string[] | null;
  readonly encodeIssuer: string | null;
  readonly decodeLeeway: number;
  readonly encodeNbf: boolean;
  readonly verifySub: boolean;
  readonly errorMessageKey: string;
  readonly clock: () => number;
  readonly maxTokenSize: number;
  /**
   * The engine chosen (or given) by the `engine` option, selected once here and wrapped so that
   * its `JwsError`s reach the core as flask's errors (`src/engine-boundary.ts`).
   */
  readonly engine: JwsEngine;
  /** `null` unless 3.x tokens are read (and perhaps written). */
  readonly flask3Layout: ResolvedFlask3Layout | null;
}

const LOCATIONS: readonly TokenLocation[] = ['headers', 'cookies', 'query_string', 'json'];

/**
 * Checks a route's or the manager's token locations and returns them as a list.
 *
 * @example
 * ```ts
 * resolveLocations('cookies', 'locations') // ['cookies']
 * ```
 */
export function resolveLocations(value: unknown, optionName: string): readonly TokenLocation[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new JwtConfigError(
      `${optionName} must be one of ${LOCATIONS.map((l) => `'${l}'`).join(', ')} or a non-empty list of them`,
    );
  }
  for (const location of list) {
    if (!LOCATIONS.includes(location as TokenLocation)) {
      throw new JwtConfigError(
        `'${String(location)}' is not a valid location in ${optionName}: use 'headers', 'cookies', 'query_string' or 'json'`,
      );
    }
  }
  return Object.freeze([...(list as TokenLocation[])]);
}

/**
 * Validates options once and fills flask's defaults. Throws {@link JwtConfigError} with a message
 * that says how to fix the mistake. Keys themselves are checked and imported by the manager.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ secretKey: process.env.JWT_SECRET_KEY })
 * ```
 */
export function resolveConfig(options: JwtOptions): ResolvedConfig {
  const algorithm = options.algorithm ?? 'HS256';
  if (!isAlgorithm(algorithm)) {
    throw new JwtConfigError(`algorithm '${String(algorithm)}' is not supported: use one of ${ALGORITHMS.join(', ')}`);
  }
  const decodeAlgorithms = resolveDecodeAlgorithms(options.decodeAlgorithms, algorithm);
  const headerName = options.headerName ?? 'Authorization';
  if (typeof headerName !== 'string' || headerName.length === 0) {
    throw new JwtConfigError('headerName cannot be empty: leave it unset for the default Authorization header');
  }
  const leeway = options.decodeLeeway ?? 0;
  if (typeof leeway !== 'number' || !Number.isFinite(leeway) || leeway < 0) {
    throw new JwtConfigError('decodeLeeway must be a number of seconds >= 0');
  }
  const maxTokenSize = options.maxTokenSize ?? 8192;
  if (!Number.isInteger(maxTokenSize) || maxTokenSize < 64) {
    throw new JwtConfigError('maxTokenSize must be an integer number of characters >= 64 (default 8192)');
  }
  const samesite = options.cookieSamesite ?? null;
  if (samesite !== null && !['Lax', 'Strict', 'None'].includes(samesite)) {
    throw new JwtConfigError(
      `cookieSamesite must be 'Lax', 'Strict', 'None' or null (omitted), not '${String(samesite)}'`,
    );
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw new JwtConfigError('clock must be a function returning epoch milliseconds');

  const config: ResolvedConfig = {
    tokenLocation: resolveLocations(options.tokenLocation ?? ['headers'], 'tokenLocation'),
    headerName,
    headerNameLowerCase: headerName.toLowerCase(),
    headerType: stringOption(options.headerType, 'Bearer', 'headerType'),
    queryStringName: stringOption(options.queryStringName, 'jwt', 'queryStringName'),
    queryStringValuePrefix: stringOption(options.queryStringValuePrefix, '', 'queryStringValuePrefix'),
    jsonKey: stringOption(options.jsonKey, 'access_token', 'jsonKey'),
    refreshJsonKey: stringOption(options.refreshJsonKey, 'refresh_token', 'refreshJsonKey'),
    accessCookieName: stringOption(options.accessCookieName, 'access_token_cookie', 'accessCookieName'),
    refreshCookieName: stringOption(options.refreshCookieName, 'refresh_token_cookie', 'refreshCookieName'),
    accessCookiePath: stringOption(options.accessCookiePath, '/', 'accessCookiePath'),
    refreshCookiePath: stringOption(options.refreshCookiePath, '/', 'refreshCookiePath'),
    cookieSecure: options.cookieSecure ?? false,
    cookieDomain: options.cookieDomain ?? null,
    cookieSamesite: samesite,
    sessionCookie: options.sessionCookie ?? true,
    cookieCsrfProtect: options.cookieCsrfProtect ?? true,
    csrfMethods: new Set((options.csrfMethods ?? ['POST', 'PUT', 'PATCH', 'DELETE']).map((m) => m.toUpperCase())),
    csrfInCookies: options.csrfInCookies ?? true,
    accessCsrfCookieName: stringOption(options.accessCsrfCookieName, 'csrf_access_token', 'accessCsrfCookieName'),
    refreshCsrfCookieName: stringOption(options.refreshCsrfCookieName, 'csrf_refresh_token', 'refreshCsrfCookieName'),
    accessCsrfCookiePath: stringOption(options.accessCsrfCookiePath, '/', 'accessCsrfCookiePath'),
    refreshCsrfCookiePath: stringOption(options.refreshCsrfCookiePath, '/', 'refreshCsrfCookiePath'),
    accessCsrfHeaderName: stringOption(options.accessCsrfHeaderName, 'X-CSRF-TOKEN', 'accessCsrfHeaderName'),
    refreshCsrfHeaderName: stringOption(options.refreshCsrfHeaderName, 'X-CSRF-TOKEN', 'refreshCsrfHeaderName'),
    csrfCheckForm: options.csrfCheckForm ?? false,
    accessCsrfFieldName: stringOption(options.accessCsrfFieldName, 'csrf_token', 'accessCsrfFieldName'),
    refreshCsrfFieldName: stringOption(options.refreshCsrfFieldName, 'csrf_token', 'refreshCsrfFieldName'),
    accessTokenExpires: durationToSeconds(options.accessTokenExpires ?? 900, 'accessTokenExpires'),
    refreshTokenExpires: durationToSeconds(options.refreshTokenExpires ?? 2_592_000, 'refreshTokenExpires'),
    algorithm,
    decodeAlgorithms,
    secretKey: options.secretKey ?? null,
    privateKey: options.privateKey ?? null,
    publicKey: options.publicKey ?? null,
    keys: options.keys ?? null,
    signingKid: options.signingKid ?? null,
    remoteJwks: options.remoteJwks ? resolveRemoteJwksOptions(options.remoteJwks) : null,
    identityClaim: stringOption(options.identityClaim, 'sub', 'identityClaim', false),
    decodeAudience: resolveAudience(options.decodeAudience),
    encodeAudience: options.encodeAudience ? options.encodeAudience : null,
    decodeIssuer: resolveIssuers(options.decodeIssuer),
    encodeIssuer: options.encodeIssuer ? options.encodeIssuer : null,
    decodeLeeway: leeway,
    encodeNbf: options.encodeNbf ?? true,
    verifySub: options.verifySub ?? true,
    errorMessageKey: stringOption(options.errorMessageKey, 'msg', 'errorMessageKey', false),
    clock,
    maxTokenSize,
    engine: atBoundary(resolveEngine(options.engine)),
    flask3Layout: resolveFlask3Layout(options.flask3Layout),
  };
  // Key material is held where nothing prints it: not enumerable, so console.log(jwt.config),
  // util.inspect and JSON.stringify leave it out (a log line is a leak). The keyring reads it.
  for (const name of ['secretKey', 'privateKey', 'keys'] as const) {
    Object.defineProperty(config, name, { enumerable: false });
  }
  return Object.freeze(config);
}

const ENGINE_METHODS = ['importSigningKey', 'importVerifyingKey', 'sign', 'parse', 'verify'] as const;

function resolveEngine(choice: EngineChoice | JwsEngine | undefined): JwsEngine {
  if (typeof choice === 'object' && choice !== null) {
    const missing = ENGINE_METHODS.filter((method) => typeof choice[method] !== 'function');
    if (missing.length > 0 || typeof choice.async !== 'boolean' || typeof choice.name !== 'string') {
      const what = missing.length > 0 ? `no ${missing.join(', ')} method` : 'no string name or boolean async';
      throw new JwtConfigError(
        `engine: the object given has ${what}; pass an object implementing JwsEngine, or 'auto', 'node' or 'webcrypto'`,
      );
    }
    return choice;
  }
  if (choice !== undefined && choice !== 'auto' && choice !== 'node' && choice !== 'webcrypto') {
    throw new JwtConfigError(`engine must be 'auto', 'node' or 'webcrypto' (got '${String(choice)}')`);
  }
  const engine = engineFor(choice ?? 'auto');
  if (engine === undefined) {
    throw new JwtConfigError(
      "engine 'node' needs node:crypto, which this runtime does not provide (or not through process.getBuiltinModule: Node >= 20.16 / 22.3); use engine: 'webcrypto' or 'auto'",
    );
  }
  return engine;
}

function stringOption(value: unknown, fallback: string, name: string, allowEmpty = true): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new JwtConfigError(`${name} must be a${allowEmpty ? '' : ' non-empty'} string (default '${fallback}')`);
  }
  return value;
}

/** flask appends `JWT_ALGORITHM` to the decode list (mutating the user's list); we copy instead. */
function resolveDecodeAlgorithms(value: readonly Algorithm[] | null | undefined, algorithm: Algorithm): Algorithm[] {
  if (value === undefined || value === null || value.length === 0) return [algorithm];
  if (!Array.isArray(value)) throw new JwtConfigError('decodeAlgorithms must be a list such as ["RS256"]');
  for (const alg of value) {
    if (!isAlgorithm(alg)) {
      throw new JwtConfigError(
        `decodeAlgorithms contains '${String(alg)}', which is not supported: use ${ALGORITHMS.join(', ')}`,
      );
    }
  }
  const algorithms = [...new Set<Algorithm>([...value, algorithm])];
  const hmac = algorithms.filter((alg) => !isAsymmetric(alg));
  const asymmetric = algorithms.filter((alg) => isAsymmetric(alg));
  if (hmac.length > 0 && asymmetric.length > 0) {
    // Each algorithm would have its own key, but the token's header would then choose between a
    // shared secret and a key pair: refused, as the one-key-type rule of the engine wants.
    throw new JwtConfigError(
      `decodeAlgorithms mixes HMAC (${hmac.join(', ')}) and asymmetric (${asymmetric.join(', ')}) algorithms: a token's header would then choose the key type. ` +
        `Accept one family per JwtManager (flask-jwt-extended verifies every algorithm with the one key, so such tokens never verify there); ` +
        `to accept both during a migration, verify the old tokens with a second JwtManager.`,
    );
  }
  return algorithms;
}

function resolveIssuers(value: string | readonly string[] | null | undefined): readonly string[] | null {
  if (value === undefined || value === null) return null;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((iss) => typeof iss !== 'string')) {
    throw new JwtConfigError('decodeIssuer must be a string or a non-empty list of strings');
  }
  return Object.freeze([...list]);
}

function resolveAudience(value: string | readonly string[] | null | undefined): readonly string[] | null {
  if (value === undefined || value === null) return null;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((aud) => typeof aud !== 'string')) {
    throw new JwtConfigError('decodeAudience must be a string or a list of strings');
  }
  return Object.freeze([...list]);
}
