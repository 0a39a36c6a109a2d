/**
 * The one table of manager options: every name `new JwtManager({...})` accepts and the run-time
 * type each must have. The constructor checks the options against it before anything else, so a
 * JavaScript user (or a cast) gets a {@link JwtConfigError} at start-up instead of a silently
 * ignored typo or a 500 later.
 *
 * The table is typed `satisfies Record<keyof JwtManagerOptions, OptionKind>`: adding an option to
 * the interface without adding it here (or the reverse) does not compile, so the list of known
 * names can never drift from the type.
 *
 * @module
 */
import { JwtConfigError } from './errors.js';
import type { JwtManagerOptions } from './manager.js';

/** What an option's value must be at run time (`undefined` is always allowed: the default). */
type OptionKind =
  | 'string'
  | 'string|null'
  | 'boolean'
  | 'number'
  | 'function'
  | 'duration'
  | 'locations'
  | 'string-list'
  | 'string|string-list|null'
  | 'key'
  | 'object'
  | 'boolean|object'
  | 'list|null'
  | 'string|object|null'
  | 'string|object';

const OPTION_KINDS = {
  tokenLocation: 'locations',
  headerName: 'string',
  headerType: 'string',
  queryStringName: 'string',
  queryStringValuePrefix: 'string',
  jsonKey: 'string',
  refreshJsonKey: 'string',
  accessCookieName: 'string',
  refreshCookieName: 'string',
  accessCookiePath: 'string',
  refreshCookiePath: 'string',
  cookieSecure: 'boolean',
  cookieDomain: 'string|null',
  cookieSamesite: 'string|null',
  sessionCookie: 'boolean',
  cookieCsrfProtect: 'boolean',
  csrfMethods: 'string-list',
  csrfInCookies: 'boolean',
  accessCsrfCookieName: 'string',
  refreshCsrfCookieName: 'string',
  accessCsrfCookiePath: 'string',
  refreshCsrfCookiePath: 'string',
  accessCsrfHeaderName: 'string',
  refreshCsrfHeaderName: 'string',
  csrfCheckForm: 'boolean',
  accessCsrfFieldName: 'string',
  refreshCsrfFieldName: 'string',
  accessTokenExpires: 'duration',
  refreshTokenExpires: 'duration',
  algorithm: 'string',
  decodeAlgorithms: 'string-list',
  secretKey: 'key',
  privateKey: 'key',
  publicKey: 'key',
  identityClaim: 'string',
  decodeAudience: 'string|string-list|null',
  encodeAudience: 'string|string-list|null',
  decodeIssuer: 'string|string-list|null',
  encodeIssuer: 'string|null',
  decodeLeeway: 'number',
  encodeNbf: 'boolean',
  verifySub: 'boolean',
  errorMessageKey: 'string',
  clock: 'function',
  maxTokenSize: 'number',
  keys: 'list|null',
  signingKid: 'string|null',
  remoteJwks: 'string|object|null',
  refreshReuseInterval: 'number',
  engine: 'string|object',
  flask3Layout: 'boolean|object',
  blocklist: 'object',
  refreshTokenRotation: 'boolean',
  verifiedTokenCache: 'boolean|object',
  userIdentityLoader: 'function',
  additionalClaimsLoader: 'function',
  userClaimsLoader: 'function',
  additionalHeadersLoader: 'function',
  encodeKeyLoader: 'function',
  decodeKeyLoader: 'function',
  tokenInBlocklistLoader: 'function',
  tokenVerificationLoader: 'function',
  userLookupLoader: 'function',
  expiredTokenLoader: 'function',
  invalidTokenLoader: 'function',
  unauthorizedLoader: 'function',
  needsFreshTokenLoader: 'function',
  revokedTokenLoader: 'function',
  tokenVerificationFailedLoader: 'function',
  userLookupErrorLoader: 'function',
  refreshTokenReusedLoader: 'function',
} as const satisfies Record<keyof Required<JwtManagerOptions>, OptionKind>;

/** Every option name a manager accepts, from the table above. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set(Object.keys(OPTION_KINDS));

/**
 * flask-jwt-extended 3.x names (and their camelCase forms) that 4.x renamed or removed, with what
 * to write instead. The seed page is a 3.x page, so these are the names a Flask user types first.
 */
const REPLACED_NAMES: Readonly<Record<string, string>> = {
  blacklistEnabled:
    'was removed in flask-jwt-extended 4: revocation is checked whenever a blocklist store or a tokenInBlocklistLoader is configured',
  blacklistTokenChecks:
    'was removed in flask-jwt-extended 4: every token type is checked; skip it per route with jwtRequired(jwt, { skipRevocationCheck: true })',
  tokenInBlacklistLoader: 'is now tokenInBlocklistLoader (flask-jwt-extended 4)',
  userClaims:
    'was removed in flask-jwt-extended 4: additional claims are top-level claims of the token; return them from additionalClaimsLoader',
  userClaimsKey:
    'was removed in flask-jwt-extended 4: additional claims are top-level claims of the token; return them from additionalClaimsLoader',
  userClaimsInRefreshToken:
    'was removed in flask-jwt-extended 4: additionalClaimsLoader adds its claims to refresh tokens too',
  claimsInRefreshToken:
    'was removed in flask-jwt-extended 4: additionalClaimsLoader adds its claims to refresh tokens too',
  userLoaderCallbackLoader: 'is now userLookupLoader (flask-jwt-extended 4): (header, payload) => user',
  userLoaderErrorLoader: 'is now userLookupErrorLoader (flask-jwt-extended 4)',
  claimsVerificationLoader: 'is now tokenVerificationLoader (flask-jwt-extended 4): (header, payload) => boolean',
  claimsVerificationFailedLoader: 'is now tokenVerificationFailedLoader (flask-jwt-extended 4)',
  secret: 'is secretKey',
  key: 'is secretKey (HMAC) or privateKey/publicKey (RSA, EC, EdDSA)',
  expiresIn: 'is accessTokenExpires (or refreshTokenExpires): seconds, a string such as "15m", or false',
  algorithms: 'is decodeAlgorithms (and algorithm for signing)',
  audience: 'is decodeAudience (checked on decode) and encodeAudience (added to new tokens)',
  issuer: 'is decodeIssuer (checked on decode) and encodeIssuer (added to new tokens)',
  leeway: 'is decodeLeeway, in seconds',
};

/**
 * Checks every option name and value type. Throws {@link JwtConfigError} saying how to fix the first
 * mistake; values are checked in depth later (a location's spelling, a key's shape).
 *
 * @example
 * ```ts
 * checkOptions({ tokenLocaton: ['cookies'] }) // JwtConfigError: ... did you mean tokenLocation?
 * ```
 */
export function checkOptions(options: object): void {
  for (const name of Object.keys(options)) {
    const kind = (OPTION_KINDS as Record<string, OptionKind>)[name];
    if (kind === undefined) throw new JwtConfigError(unknownOptionMessage(name));
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && !hasKind(value, kind)) {
      throw new JwtConfigError(`${name} must be ${KIND_DESCRIPTIONS[kind]}, not ${describeValue(value)}`);
    }
  }
}

const KIND_DESCRIPTIONS: Readonly<Record<OptionKind, string>> = {
  string: 'a string',
  'string|null': 'a string or null',
  boolean: 'true or false',
  number: 'a number',
  function: 'a function',
  duration: "a number of seconds, a duration string such as '15m', or false",
  locations: "'headers', 'cookies', 'query_string', 'json' or a list of them",
  'string-list': 'a list of strings',
  'string|string-list|null': 'a string, a list of strings or null',
  key: 'a string, a Buffer/Uint8Array, a KeyObject, a JWK object or null',
  object: 'an object',
  'boolean|object': 'true, false or an options object',
  'list|null': 'a list or null',
  'string|object|null': 'a string, a URL, an options object or null',
  'string|object': "'auto', 'node', 'webcrypto' or an engine object",
};

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function hasKind(value: unknown, kind: OptionKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'string|null':
      return value === null || typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'function':
      return typeof value === 'function';
    case 'duration':
      return value === false || typeof value === 'number' || typeof value === 'string';
    case 'locations':
      return typeof value === 'string' || isStringList(value);
    case 'string-list':
      return value === null || isStringList(value);
    case 'string|string-list|null':
      return value === null || typeof value === 'string' || isStringList(value);
    case 'key':
      return value === null || typeof value === 'string' || (typeof value === 'object' && !Array.isArray(value));
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'list|null':
      return value === null || Array.isArray(value);
    case 'string|object':
      return typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value));
    case 'string|object|null':
      return value === null || typeof value === 'string' || (typeof value === 'object' && !Array.isArray(value));
    case 'boolean|object':
      return typeof value === 'boolean' || (typeof value === 'object' && value !== null && !Array.isArray(value));
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function unknownOptionMessage(name: string): string {
  const replaced = REPLACED_NAMES[name] ?? REPLACED_NAMES[camelCase(name)];
  if (replaced !== undefined) return `Unknown option '${name}': ${name} ${replaced}`;
  const suggestion = closestOption(name);
  const hint = suggestion === null ? 'see the options table in docs/options.md' : `did you mean ${suggestion}?`;
  return `Unknown option '${name}' for JwtManager: ${hint}`;
}

/** `JWT_SECRET_KEY`, `secret_key` and `SecretKey` all become `secretKey`. */
function camelCase(name: string): string {
  const words = name
    .replace(/^JWT_/i, '')
    .split(/[_\-\s]+/)
    .filter(Boolean);
  if (words.length === 0) return name;
  const joined = words
    .map((word, index) => {
      const lower = word === word.toUpperCase() ? word.toLowerCase() : word;
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
  return joined.charAt(0).toLowerCase() + joined.slice(1);
}

/** The known option nearest to `name` (flask spelling, case or a typo of up to a third of its letters). */
function closestOption(name: string): string | null {
  const candidate = camelCase(name);
  if (KNOWN_OPTIONS.has(candidate)) return candidate;
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(candidate.length / 3)) + 1;
  for (const known of KNOWN_OPTIONS) {
    const distance = editDistance(candidate.toLowerCase(), known.toLowerCase());
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
