/**
 * The behaviour table: every black-box scenario of the spec's §4.1 (rows 1–65) plus the adapter
 * contract's own rows, each as data: a manager configuration, the tokens to make, the request and
 * the exact response. scenarios.test.ts runs every row against every framework in frameworks.ts.
 *
 * Conventions: the secret is flask's test secret `foobarbaz`; the clock is frozen at {@link NOW_MS}
 * (no sleeping); tokens flask's tests signed with raw PyJWT are signed here with the engine
 * directly ({@link TokenKit.raw}); a 200 answers `describeRequest(...)` of the app contract.
 */
import type { AccessTokenOptions, JwtManagerOptions, RefreshTokenOptions } from '../../src/index.js';
import { JwtManager, RESERVED_CLAIMS } from '../../src/index.js';
import { encodeBase64url, importSigningKey, nodeCryptoEngine, sortedHeaderJson } from '../../src/jws/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { flask3Fixtures, tokenFixtures } from '../helpers/fixtures.js';
import type { RequestSpec } from './http.js';

/** flask-jwt-extended's test secret (the engine accepts any non-empty HMAC secret). */
export const SECRET = 'foobarbaz';
/** The frozen clock of every scenario manager: 2030-01-01T12:00:00Z. */
export const NOW_MS = Date.UTC(2030, 0, 1, 12, 0, 0);
const NOW = NOW_MS / 1000;

const rsaKey = tokenFixtures.keys.RS256 as { privateKeyPem: string; publicKeyPem: string };

/** Loaders that act on marker claims, so one manager serves several rows. */
const markerLoaders = {
  tokenInBlocklistLoader: (_h: unknown, p: Record<string, unknown>) => p.revoked === true,
  tokenVerificationLoader: (_h: unknown, p: Record<string, unknown>) => p.bad !== true,
  userLookupLoader: (_h: unknown, p: Record<string, unknown>) => (p.ghost === true ? null : { username: p.sub }),
} satisfies Partial<JwtManagerOptions>;

/** Every response callback overridden: a distinctive status, body and header each. */
const responseOverrides = {
  unauthorizedLoader: (reason: string) => ({
    status: 403,
    body: { error: 'unauthorized', reason },
    headers: { 'www-authenticate': 'Bearer realm="test"' },
  }),
  invalidTokenLoader: (reason: string) => ({
    status: 400,
    body: { error: 'invalid', reason },
    headers: { 'x-jwt-error': 'invalid' },
  }),
  expiredTokenLoader: (_h: unknown, p: Record<string, unknown>) => ({
    status: 410,
    body: { error: 'expired', sub: p.sub },
    headers: { 'x-jwt-error': 'expired' },
  }),
  needsFreshTokenLoader: (_h: unknown, p: Record<string, unknown>) => ({
    status: 428,
    body: { error: 'fresh', sub: p.sub },
    headers: { 'x-jwt-error': 'fresh' },
  }),
  revokedTokenLoader: (h: Record<string, unknown>, p: Record<string, unknown>) => ({
    status: 409,
    body: { error: 'revoked', sub: p.sub, alg: h.alg },
    headers: { 'x-jwt-error': 'revoked' },
  }),
  tokenVerificationFailedLoader: (_h: unknown, p: Record<string, unknown>) => ({
    status: 406,
    body: { error: 'verification', sub: p.sub },
    headers: { 'x-jwt-error': 'verification' },
  }),
  userLookupErrorLoader: (_h: unknown, p: Record<string, unknown>) => ({
    status: 404,
    body: { error: 'user', sub: p.sub },
    headers: { 'x-jwt-error': 'user' },
  }),
} as unknown as Partial<JwtManagerOptions>;

/** Revoked `jti`s for the Set-backed blocklist rows. */
export const REVOKED_JTIS = new Set<string>();

/**
 * The manager configurations, flask-style options by name. Each framework builds one app per
 * configuration a row uses and reuses it for every row of that configuration.
 */
export const CONFIGS = {
  default: {},
  errorKey: { errorMessageKey: 'message' },
  rawHeader: { headerType: '' },
  xToken: { headerName: 'X-Token', headerType: 'JWT' },
  verifySubOff: { verifySub: false },
  leeway30: { decodeLeeway: 30 },
  cookies: { tokenLocation: ['cookies'] },
  cookiesForm: { tokenLocation: ['cookies'], csrfCheckForm: true },
  query: { tokenLocation: ['query_string'] },
  queryPrefix: { tokenLocation: ['query_string'], queryStringName: 'token', queryStringValuePrefix: 'Bearer ' },
  json: { tokenLocation: ['json'] },
  blocklistAll: { tokenInBlocklistLoader: () => true },
  blocklistSet: { tokenInBlocklistLoader: (_h, p) => typeof p.jti === 'string' && REVOKED_JTIS.has(p.jti) },
  userLookupNone: { userLookupLoader: () => null },
  verificationFalse: { tokenVerificationLoader: () => false },
  markers: markerLoaders,
  overrides: { ...markerLoaders, ...responseOverrides },
  buggyCallback: {
    userLookupLoader: () => {
      throw new Error('bug in userLookupLoader');
    },
  },
  buggyAsyncCallback: { tokenVerificationLoader: () => Promise.reject(new Error('bug in tokenVerificationLoader')) },
  audience: { decodeAudience: 'my_aud' },
  issuer: { decodeIssuer: 'my_iss' },
  rs256: { algorithm: 'RS256', privateKey: rsaKey.privateKeyPem, publicKey: rsaKey.publicKeyPem },
  hs512: { algorithm: 'HS512' },
  rotation: { refreshTokenRotation: true, blocklist: createMemoryStore() },
  flask3Read: { secretKey: flask3Fixtures.secret, flask3Layout: true },
  flask3Off: { secretKey: flask3Fixtures.secret },
  flask3Write: { flask3Layout: { write: true } },
} satisfies Record<string, JwtManagerOptions>;

/** A configuration's name. */
export type ConfigName = keyof typeof CONFIGS;

/**
 * The full options of a configuration: the secret and frozen clock, then the row's options.
 *
 * @example
 * ```ts
 * new JwtManager(managerOptions('cookies'))
 * ```
 */
export function managerOptions(name: ConfigName): JwtManagerOptions {
  return { secretKey: SECRET, clock: () => NOW_MS, ...(CONFIGS[name] as JwtManagerOptions) } as JwtManagerOptions;
}

/**
 * The manager of a configuration, as the suite's apps use it.
 *
 * @example
 * ```ts
 * const app = await framework.factory(createManager('cookies'))
 * ```
 */
export function createManager(name: ConfigName, extra: Partial<JwtManagerOptions> = {}): JwtManager {
  return new JwtManager({ ...managerOptions(name), ...extra } as JwtManagerOptions);
}

// ---------------------------------------------------------------------------------------------
// Tokens

/** How a row makes its tokens: with the app's own manager, or signed raw like flask's tests. */
export interface TokenKit {
  readonly jwt: JwtManager;
  /** `jwt.createAccessToken` (identity default `username`). */
  access(identity?: unknown, options?: AccessTokenOptions): Promise<string>;
  /** `jwt.createRefreshToken` (identity default `username`). */
  refresh(identity?: unknown, options?: RefreshTokenOptions): Promise<string>;
  /** The payload as given, signed HS256 with {@link SECRET}, whatever the app's algorithm. */
  raw(payload: Record<string, unknown>, header?: Record<string, unknown>): string;
}

const rawKey = importSigningKey('HS256', SECRET);

/**
 * A payload signed as given (no claims added) with HS256 and {@link SECRET}: flask's tests'
 * `encode_token(app, payload)`.
 *
 * @example
 * ```ts
 * rawToken({ sub: 'me', type: 'app' })
 * ```
 */
export function rawToken(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return nodeCryptoEngine.sign(
    sortedHeaderJson({ alg: 'HS256', typ: 'JWT', ...header }),
    JSON.stringify(payload),
    rawKey,
  );
}

/**
 * The kit for one manager.
 *
 * @example
 * ```ts
 * const token = await tokenKit(jwt).access('me', { fresh: true })
 * ```
 */
export function tokenKit(jwt: JwtManager): TokenKit {
  return {
    jwt,
    access: (identity = 'username', options) => jwt.createAccessToken(identity, options),
    refresh: (identity = 'username', options) => jwt.createRefreshToken(identity, options),
    raw: rawToken,
  };
}

/** A token of test/fixtures/fje-3.25.1-tokens.json. */
function flask3Case(name: string) {
  const found = flask3Fixtures.cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`scenario bug: no 3.x fixture ${name}`);
  return found;
}

/** A scenario's own precondition (a bug in the table, not in the library, when it fails). */
function expect_(condition: boolean, what: string): void {
  if (!condition) throw new Error(`scenario bug: ${what}`);
}

/** A token of the given header and payload texts (JSON or not), with a signature never checked. */
function textToken(header: string, payload: string): string {
  return `${encodeBase64url(header)}.${encodeBase64url(payload)}.c2lnbmF0dXJl`;
}

/** An unsigned `alg: none` token (PyJWT's `algorithm=None`). */
function unsignedToken(payload: Record<string, unknown>): string {
  return `${encodeBase64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${encodeBase64url(JSON.stringify(payload))}.`;
}

/** The token with the last 4 characters of its signature changed (still canonical base64url). */
function tamperSignature(token: string | undefined): string {
  const text = need(token);
  return text.slice(0, -4) + (text.endsWith('AAAA') ? 'EEEE' : 'AAAA');
}

/** A token a row needs; a typo in a token name fails loudly instead of sending "undefined". */
function need(token: string | undefined): string {
  if (token === undefined) throw new Error('scenario bug: token not made');
  return token;
}

function segment(token: string | undefined, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(need(token).split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * The `csrf` claim of a token, read without verifying (what the CSRF cookie would hold).
 *
 * @example
 * ```ts
 * csrfOf(accessToken) // '2f17cea4-...'
 * ```
 */
export function csrfOf(token: string | undefined): string {
  return segment(token, 1).csrf as string;
}

// ---------------------------------------------------------------------------------------------
// Expectations

/** The response a row expects. Fields left out are not checked. */
export interface Expectation {
  readonly status: number;
  /** The body parsed as JSON, compared deeply. */
  readonly body?: unknown;
  /** The raw body text (used for HEAD, which has none). */
  readonly text?: string;
  /** Response headers that must be present with these values (lower-case names). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The exact `Set-Cookie` lines, in order. */
  readonly setCookie?: readonly string[];
}

/** Named tokens a row made (a missing one fails the row: see {@link need}). */
export type Tokens = Readonly<Record<string, string | undefined>>;

/** One row of the table. */
export interface Scenario {
  /** Unique, e.g. `04a`; the number is the §4.1 row, `x` rows are the suite's own. */
  readonly id: string;
  /** The §4.1 row number, or `null` for the suite's own rows. */
  readonly row: number | null;
  readonly title: string;
  readonly config: ConfigName;
  readonly tokens?: (kit: TokenKit) => Promise<Tokens> | Tokens;
  readonly request: (tokens: Tokens) => RequestSpec;
  readonly expect: Expectation | ((tokens: Tokens) => Expectation);
}

const NO_USER_LOOKUP = 'no user lookup loader';

/** A client error's expectation: `status` and `{ [key]: msg }`. */
export function fail(status: number, msg: string, key = 'msg'): Expectation {
  return { status, body: { [key]: msg } };
}

/**
 * The 200 body of the contract's handler for a verified token: payload with flask's defaults,
 * header, application claims, location and user, all derived from the token's own segments.
 */
export function verified(token: string | undefined, location = 'headers', user: unknown = NO_USER_LOOKUP): Expectation {
  const payload: Record<string, unknown> = { type: 'access', fresh: false, jti: null, ...segment(token, 1) };
  const claims = Object.fromEntries(
    Object.entries(payload).filter(([name]) => !RESERVED_CLAIMS.has(name) && name !== 'sub'),
  );
  return {
    status: 200,
    body: { identity: payload.sub ?? null, jwt: payload, header: segment(token, 0), claims, location, user },
  };
}

const ANONYMOUS: Expectation = {
  status: 200,
  body: { identity: null, jwt: {}, header: {}, claims: {}, location: null, user: null },
};
/**
 * OPTIONS passes without a token, as in flask, and the getters answer as on an optional route
 * without one (flask's raise `RuntimeError` there, so a handler that reads the identity is a 500).
 */
const OPTIONS_ANONYMOUS: Expectation = ANONYMOUS;

const MISSING_BEARER = "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'";
const BAD_HEADER = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'";
const MISSING_ACCESS_COOKIE = 'Missing cookie "access_token_cookie"';
const MISSING_JSON_KEY = 'Missing "access_token" key in json data.';
const NOT_JSON = 'Invalid content-type. Must be application/json.';
const ALG_NOT_ALLOWED = 'The specified alg value is not allowed';

const bearer = (token: string | undefined) => ({ authorization: `Bearer ${need(token)}` });
const get = (path: string, headers: Record<string, string | readonly string[]> = {}): RequestSpec => ({
  path,
  headers,
});
const accessCookie = (token: string | undefined) => ({ access_token_cookie: need(token) });
const oneAccess = (kit: TokenKit) => kit.access().then((a) => ({ a }));
const oneRefresh = (kit: TokenKit) => kit.refresh().then((r) => ({ r }));
const expired10s = (kit: TokenKit) => kit.access('username', { expiresDelta: -10 }).then((a) => ({ a }));

// ---------------------------------------------------------------------------------------------
// The table

/** Every row. */
export const SCENARIOS: readonly Scenario[] = [
  // ---- headers (1–15) ----
  {
    id: '01',
    row: 1,
    title: 'no Authorization header',
    config: 'default',
    request: () => get('/protected'),
    expect: fail(401, 'Missing Authorization Header'),
  },
  {
    id: '02',
    row: 2,
    title: 'Basic credentials only',
    config: 'default',
    request: () => get('/protected', { authorization: 'Basic creds' }),
    expect: fail(401, MISSING_BEARER),
  },
  {
    id: '03',
    row: 3,
    title: '"Bearer " without a token',
    config: 'default',
    request: () => get('/protected', { authorization: 'Bearer ' }),
    expect: fail(422, BAD_HEADER),
  },
  {
    id: '04a',
    row: 4,
    title: 'Basic first, then Bearer',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: `Basic creds, Bearer ${need(t.a)}` }),
    expect: (t) => verified(t.a),
  },
  {
    id: '04b',
    row: 4,
    title: 'Bearer first, then Basic',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: `Bearer ${need(t.a)}, Basic creds` }),
    expect: (t) => verified(t.a),
  },
  {
    id: '05',
    row: 5,
    title: 'trailing comma and spaces',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: `Bearer ${need(t.a)},   ` }),
    expect: (t) => verified(t.a),
  },
  {
    id: '06',
    row: 6,
    title: 'two Bearer values in one header',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: `Bearer ${need(t.a)}, Bearer ${need(t.a)}` }),
    expect: fail(401, MISSING_BEARER),
  },
  {
    id: '07',
    row: 7,
    title: 'lower-case type',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: `bearer ${need(t.a)}` }),
    expect: fail(401, MISSING_BEARER),
  },
  {
    id: '08',
    row: 8,
    title: 'three words',
    config: 'default',
    request: () => get('/protected', { authorization: 'Bearer a b' }),
    expect: fail(422, BAD_HEADER),
  },
  {
    id: '09',
    row: 9,
    title: 'one segment',
    config: 'default',
    request: () => get('/protected', bearer('xxx')),
    expect: fail(422, 'Not enough segments'),
  },
  {
    id: '10',
    row: 10,
    title: 'undecodable header segment',
    config: 'default',
    request: () => get('/protected', bearer('aaaaa.bbbbb.ccccc')),
    expect: fail(422, 'Invalid header padding'),
  },
  {
    id: '11',
    row: 11,
    title: 'tampered signature',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(tamperSignature(t.a))),
    expect: fail(422, 'Signature verification failed'),
  },
  {
    id: '12',
    row: 12,
    title: 'alg none',
    config: 'default',
    request: () => get('/protected', bearer(unsignedToken({ sub: 'username' }))),
    expect: fail(422, ALG_NOT_ALLOWED),
  },
  {
    id: '13a',
    row: 13,
    title: 'empty header type: raw token',
    config: 'rawHeader',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: need(t.a) }),
    expect: (t) => verified(t.a),
  },
  {
    id: '13b',
    row: 13,
    title: 'empty header type: Bearer token',
    config: 'rawHeader',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(422, "Bad Authorization header. Expected 'Authorization: <JWT>'"),
  },
  {
    id: '14a',
    row: 14,
    title: 'X-Token/JWT: no header',
    config: 'xToken',
    request: () => get('/protected'),
    expect: fail(401, 'Missing X-Token Header'),
  },
  {
    id: '14b',
    row: 14,
    title: 'X-Token/JWT: Bearer type',
    config: 'xToken',
    request: () => get('/protected', { 'x-token': 'Bearer t' }),
    expect: fail(401, "Missing 'JWT' type in 'X-Token' header. Expected 'X-Token: JWT <JWT>'"),
  },
  {
    id: '14c',
    row: 14,
    title: 'X-Token/JWT: JWT type',
    config: 'xToken',
    tokens: oneAccess,
    request: (t) => get('/protected', { 'x-token': `JWT ${need(t.a)}` }),
    expect: (t) => verified(t.a),
  },
  {
    id: '14x',
    row: null,
    title: 'X-Token/JWT: a token in Authorization is not read',
    config: 'xToken',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(401, 'Missing X-Token Header'),
  },
  {
    id: '15a',
    row: 15,
    title: 'errorMessageKey "message": no header',
    config: 'errorKey',
    request: () => get('/protected'),
    expect: fail(401, 'Missing Authorization Header', 'message'),
  },
  {
    id: '15b',
    row: null,
    title: 'errorMessageKey "message": invalid token',
    config: 'errorKey',
    request: () => get('/protected', bearer('xxx')),
    expect: fail(422, 'Not enough segments', 'message'),
  },

  // ---- flask-jwt-extended 3.x tokens (flask3Layout) ----
  {
    id: 'x-flask3-a',
    row: null,
    title: 'flask3Layout: a token made by flask-jwt-extended 3.25.1 is read in the 4.x shape',
    config: 'flask3Read',
    request: () => get('/protected', bearer(flask3Case('access-never-expires').token)),
    expect: () => {
      const { identity, user_claims: claims, ...rest } = flask3Case('access-never-expires').payload;
      return {
        status: 200,
        body: {
          identity,
          jwt: { ...rest, sub: identity, ...(claims as object) },
          header: { alg: 'HS256', typ: 'JWT' },
          claims,
          location: 'headers',
          user: NO_USER_LOOKUP,
        },
      };
    },
  },
  {
    id: 'x-flask3-b',
    row: null,
    title: 'without flask3Layout, the same 3.x token is refused as flask-jwt-extended 4 refuses it',
    config: 'flask3Off',
    request: () => get('/protected', bearer(flask3Case('access-never-expires').token)),
    expect: fail(422, 'Missing claim: sub'),
  },
  {
    id: 'x-flask3-c',
    row: null,
    title: 'flask3Layout { write: true }: our 3.x token, with nested claims, reads back in the 4.x shape',
    config: 'flask3Write',
    tokens: (k) => k.access('username', { additionalClaims: { roles: ['foo'] } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => {
      const { identity, user_claims: claims, ...rest } = segment(t.a, 1);
      expect_(identity === 'username' && rest.sub === undefined, 'a 3.x layout token');
      return {
        status: 200,
        body: {
          identity,
          jwt: { ...rest, sub: identity, roles: ['foo'] },
          header: segment(t.a, 0),
          claims,
          location: 'headers',
          user: NO_USER_LOOKUP,
        },
      };
    },
  },

  // ---- getJwtClaims: the application's claims only ----
  {
    id: 'x-claims-fam',
    row: null,
    title: 'refreshTokenRotation: getJwtClaims leaves out the family claim fam (getJwt keeps it)',
    config: 'rotation',
    tokens: async (k) => {
      const pair = await k.jwt.createTokenPair('username', { additionalClaims: { roles: ['foo', 'bar'] } });
      return { a: pair.accessToken };
    },
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => {
      const payload: Record<string, unknown> = { type: 'access', fresh: false, jti: null, ...segment(t.a, 1) };
      expect_(typeof payload.fam === 'string', 'the token carries a family');
      return {
        status: 200,
        body: {
          identity: 'username',
          jwt: payload,
          header: segment(t.a, 0),
          claims: { roles: ['foo', 'bar'] },
          location: 'headers',
          user: NO_USER_LOOKUP,
        },
      };
    },
  },

  // ---- Python's whitespace in the header (what the locator property test found) ----
  {
    id: 'x-ws-a',
    row: null,
    title: 'NEL (U+0085, latin-1 0x85) separates "Bearer" and the token, as Python\'s split() does',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: `Bearer\u0085${need(t.a)}` }),
    expect: (t) => verified(t.a),
  },
  {
    id: 'x-ws-b',
    row: null,
    title: "a header of NEL only is a missing header, as Python's strip() makes it",
    config: 'default',
    request: () => get('/protected', { authorization: '\u0085' }),
    expect: fail(401, 'Missing Authorization Header'),
  },

  // ---- JSON errors: Python's wording and a position, never token text (V8's message quoted it) ----
  {
    id: 'x-reason-a',
    row: null,
    title: 'a payload that is not JSON ("exp":NaN): the message has no token text',
    config: 'default',
    request: () =>
      get(
        '/protected',
        bearer(textToken('{"alg":"HS256","typ":"JWT"}', '{"sub":"username","iat":1893499332,"exp":NaN}')),
      ),
    expect: fail(422, 'Invalid payload string: Expecting value: line 1 column 42 (char 41)'),
  },
  {
    id: 'x-reason-b',
    row: null,
    title: 'a header that is not JSON (unclosed): the message has no token text',
    config: 'default',
    request: () => get('/protected', bearer(textToken('{"alg":"HS256","typ":"JWT"', '{"sub":"username"}'))),
    expect: fail(422, "Invalid header string: Expecting ',' delimiter: line 1 column 27 (char 26)"),
  },

  // ---- a token or CSRF header on two lines, a JWT cookie sent twice ----
  // Node keeps only the first `Authorization` line (the rest stay in `rawHeaders`) and a WSGI server
  // joins repeated lines, so which line counted used to depend on the server: a valid token followed
  // by a forged one was accepted here. Two lines are now refused with flask's 422 for a malformed
  // header, whatever they hold and on every framework (optional routes included: it is not "no
  // token"). The same for a JWT cookie sent twice and a CSRF header on two lines.
  {
    id: 'x-dup-a',
    row: null,
    title: 'Authorization on two lines, valid then forged: 422',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: [`Bearer ${need(t.a)}`, 'Bearer xxx'] }),
    expect: fail(422, BAD_HEADER),
  },
  {
    id: 'x-dup-b',
    row: null,
    title: 'Authorization on two lines, forged then valid: 422',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: ['Bearer xxx', `Bearer ${need(t.a)}`] }),
    expect: fail(422, BAD_HEADER),
  },
  {
    id: 'x-dup-c',
    row: null,
    title: 'Authorization on two lines, the same valid token twice: 422',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: [`Bearer ${need(t.a)}`, `Bearer ${need(t.a)}`] }),
    expect: fail(422, BAD_HEADER),
  },
  {
    id: 'x-dup-d',
    row: null,
    title: 'Authorization on two lines at an optional route: 422, not anonymous',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/optional', { authorization: ['Basic creds', `Bearer ${need(t.a)}`] }),
    expect: fail(422, BAD_HEADER),
  },
  {
    id: 'x-dup-e',
    row: null,
    title: 'a custom header name and type on two lines: the message names them',
    config: 'xToken',
    tokens: oneAccess,
    request: (t) => get('/protected', { 'x-token': [`JWT ${need(t.a)}`, `JWT ${need(t.a)}`] }),
    expect: fail(422, "Bad X-Token header. Expected 'X-Token: JWT <JWT>'"),
  },
  {
    id: 'x-dup-f',
    row: null,
    title: 'an empty header type, two lines: the message has no type',
    config: 'rawHeader',
    tokens: oneAccess,
    request: (t) => get('/protected', { authorization: [need(t.a), need(t.a)] }),
    expect: fail(422, "Bad Authorization header. Expected 'Authorization: <JWT>'"),
  },
  {
    id: 'x-dup-g',
    row: null,
    title: 'Authorization on two lines at a cookies-only app: not read, the cookie decides',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({ path: '/protected', cookies: accessCookie(t.a), headers: { authorization: ['x', 'y'] } }),
    expect: (t) => verified(t.a, 'cookies'),
  },
  {
    id: 'x-dup-h',
    row: null,
    title: 'the JWT cookie twice in one Cookie header: 422',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => get('/protected', { cookie: `access_token_cookie=${need(t.a)}; access_token_cookie=xxx` }),
    expect: fail(422, 'Bad cookie "access_token_cookie": sent more than once'),
  },
  {
    id: 'x-dup-i',
    row: null,
    title: 'the JWT cookie on two Cookie lines: 422',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => get('/protected', { cookie: ['access_token_cookie=xxx', `access_token_cookie=${need(t.a)}`] }),
    expect: fail(422, 'Bad cookie "access_token_cookie": sent more than once'),
  },
  {
    id: 'x-dup-j',
    row: null,
    title: 'another cookie twice is not the JWT cookie: 200',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => get('/protected', { cookie: `theme=a; access_token_cookie=${need(t.a)}; theme=b` }),
    expect: (t) => verified(t.a, 'cookies'),
  },
  {
    id: 'x-dup-k',
    row: null,
    title: 'the CSRF header on two lines at a POST: 422',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      cookies: accessCookie(t.a),
      headers: { 'x-csrf-token': [csrfOf(t.a), csrfOf(t.a)] },
    }),
    expect: fail(422, "Bad X-CSRF-TOKEN header. Expected 'X-CSRF-TOKEN: <CSRF token>'"),
  },
  {
    id: 'x-dup-l',
    row: null,
    title: 'the CSRF header on two lines at a GET: not read, 200',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({
      path: '/protected',
      cookies: accessCookie(t.a),
      headers: { 'x-csrf-token': [csrfOf(t.a), 'other'] },
    }),
    expect: (t) => verified(t.a, 'cookies'),
  },

  // ---- methods (16) ----
  {
    id: '16a',
    row: 16,
    title: 'OPTIONS without a token passes',
    config: 'default',
    request: () => ({ method: 'OPTIONS', path: '/protected' }),
    expect: OPTIONS_ANONYMOUS,
  },
  {
    id: '16b',
    row: 16,
    title: 'OPTIONS at a fresh route passes',
    config: 'default',
    request: () => ({ method: 'OPTIONS', path: '/fresh' }),
    expect: OPTIONS_ANONYMOUS,
  },
  {
    id: '16c',
    row: 16,
    title: 'OPTIONS at a refresh route passes',
    config: 'default',
    request: () => ({ method: 'OPTIONS', path: '/refresh' }),
    expect: OPTIONS_ANONYMOUS,
  },
  {
    id: '16d',
    row: 16,
    title: 'OPTIONS with a garbage token passes untouched',
    config: 'default',
    request: () => ({ method: 'OPTIONS', path: '/protected', headers: bearer('xxx') }),
    expect: OPTIONS_ANONYMOUS,
  },
  {
    id: '16e',
    row: 16,
    title: 'OPTIONS with cookies and no CSRF passes',
    config: 'cookies',
    request: () => ({ method: 'OPTIONS', path: '/protected', cookies: accessCookie('xxx') }),
    expect: OPTIONS_ANONYMOUS,
  },
  {
    id: '16f',
    row: 16,
    title: 'OPTIONS with a valid token: still anonymous (no token is read on OPTIONS)',
    config: 'default',
    tokens: oneAccess,
    request: (t) => ({ method: 'OPTIONS', path: '/protected', headers: bearer(t.a) }),
    expect: OPTIONS_ANONYMOUS,
  },
  {
    id: '16g',
    row: 16,
    title: 'OPTIONS on a route with a userLookupLoader: the user is null, no lookup runs',
    config: 'userLookupNone',
    request: () => ({ method: 'OPTIONS', path: '/protected' }),
    expect: OPTIONS_ANONYMOUS,
  },
  {
    id: 'x-head-a',
    row: null,
    title: 'HEAD is not exempt: no token',
    config: 'default',
    request: () => ({ method: 'HEAD', path: '/protected' }),
    expect: { status: 401, text: '' },
  },
  {
    id: 'x-head-b',
    row: null,
    title: 'HEAD with a valid token',
    config: 'default',
    tokens: oneAccess,
    request: (t) => ({ method: 'HEAD', path: '/protected', headers: bearer(t.a) }),
    expect: { status: 200, text: '' },
  },
  {
    id: 'x-head-c',
    row: null,
    title: 'HEAD with a refresh token',
    config: 'default',
    tokens: oneRefresh,
    request: (t) => ({ method: 'HEAD', path: '/protected', headers: bearer(t.r) }),
    expect: { status: 422, text: '' },
  },
  {
    id: 'x-methods',
    row: null,
    title: 'DELETE with a header token (no CSRF for headers)',
    config: 'default',
    tokens: oneAccess,
    request: (t) => ({ method: 'DELETE', path: '/protected', headers: bearer(t.a) }),
    expect: (t) => verified(t.a),
  },

  // ---- claims (17–20) ----
  {
    id: '17',
    row: 17,
    title: 'no sub claim',
    config: 'default',
    request: () => get('/protected', bearer(rawToken({ foo: 'bar' }))),
    expect: fail(422, 'Missing claim: sub'),
  },
  {
    id: '18',
    row: 18,
    title: 'minimal {"sub":"me"} at verifyType:false gets flask defaults',
    config: 'default',
    tokens: (k) => ({ a: k.raw({ sub: 'me' }) }),
    request: (t) => get('/any-type', bearer(t.a)),
    // Written out in full: the defaults type/fresh/jti are filled, nothing else is added.
    expect: {
      status: 200,
      body: {
        identity: 'me',
        jwt: { sub: 'me', type: 'access', fresh: false, jti: null },
        header: { alg: 'HS256', typ: 'JWT' },
        claims: {},
        location: 'headers',
        user: NO_USER_LOOKUP,
      },
    },
  },
  {
    id: '19a',
    row: 19,
    title: 'integer sub (PyJWT >= 2.10 wording)',
    config: 'default',
    request: () => get('/protected', bearer(rawToken({ sub: 123 }))),
    expect: fail(422, 'Subject must be a string'),
  },
  {
    id: '19b',
    row: 19,
    title: 'integer sub with verifySub:false',
    config: 'verifySubOff',
    tokens: (k) => ({ a: k.raw({ sub: 123 }) }),
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '20a',
    row: 20,
    title: 'type "app" at an access route',
    config: 'default',
    tokens: (k) => ({ a: k.raw({ sub: 'me', type: 'app' }) }),
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '20b',
    row: 20,
    title: 'type "app" at a refresh route',
    config: 'default',
    request: () => get('/refresh', bearer(rawToken({ sub: 'me', type: 'app' }))),
    expect: fail(422, 'Only refresh tokens are allowed'),
  },

  // ---- expiry (21–25) ----
  {
    id: '21',
    row: 21,
    title: 'expired 10 s ago',
    config: 'default',
    tokens: expired10s,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(401, 'Token has expired'),
  },
  {
    id: '22',
    row: 22,
    title: 'expired 10 s ago, leeway 30 s',
    config: 'leeway30',
    tokens: expired10s,
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '23a',
    row: 23,
    title: 'nbf 30 s ahead',
    config: 'default',
    tokens: (k) => k.access('username', { additionalClaims: { nbf: NOW + 30 } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(422, 'The token is not yet valid (nbf)'),
  },
  {
    id: '23b',
    row: 23,
    title: 'nbf 30 s ahead, leeway 30 s',
    config: 'leeway30',
    tokens: (k) => k.access('username', { additionalClaims: { nbf: NOW + 30 } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '24',
    row: 24,
    title: 'iat 60 s ahead',
    config: 'default',
    tokens: (k) => k.access('username', { additionalClaims: { iat: NOW + 60 } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(422, 'The token is not yet valid (iat)'),
  },
  {
    id: '25',
    row: 25,
    title: 'no exp (expiresDelta false)',
    config: 'default',
    tokens: (k) => k.access('username', { expiresDelta: false }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },

  // ---- fresh and type (26–30) ----
  {
    id: '26',
    row: 26,
    title: 'non-fresh token at a fresh route',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/fresh', bearer(t.a)),
    expect: fail(401, 'Fresh token required'),
  },
  {
    id: '27a',
    row: 27,
    title: 'fresh for 5 more minutes',
    config: 'default',
    tokens: (k) => k.access('username', { fresh: 300 }).then((a) => ({ a })),
    request: (t) => get('/fresh', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '27b',
    row: 27,
    title: 'fresh until 1 minute ago',
    config: 'default',
    tokens: (k) => k.access('username', { fresh: -60 }).then((a) => ({ a })),
    request: (t) => get('/fresh', bearer(t.a)),
    expect: fail(401, 'Fresh token required'),
  },
  {
    id: '27c',
    row: null,
    title: 'fresh: true at a fresh route',
    config: 'default',
    tokens: (k) => k.access('username', { fresh: true }).then((a) => ({ a })),
    request: (t) => get('/fresh', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '28a',
    row: 28,
    title: 'refresh token at an access route',
    config: 'default',
    tokens: oneRefresh,
    request: (t) => get('/protected', bearer(t.r)),
    expect: fail(422, 'Only non-refresh tokens are allowed'),
  },
  {
    id: '28b',
    row: 28,
    title: 'refresh token at a fresh route',
    config: 'default',
    tokens: oneRefresh,
    request: (t) => get('/fresh', bearer(t.r)),
    expect: fail(422, 'Only non-refresh tokens are allowed'),
  },
  {
    id: '29',
    row: 29,
    title: 'access token at a refresh route',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/refresh', bearer(t.a)),
    expect: fail(422, 'Only refresh tokens are allowed'),
  },
  {
    id: '29x',
    row: null,
    title: 'refresh token at a refresh route',
    config: 'default',
    tokens: oneRefresh,
    request: (t) => get('/refresh', bearer(t.r)),
    expect: (t) => verified(t.r),
  },
  {
    id: '30',
    row: 30,
    title: 'refresh token at verifyType:false',
    config: 'default',
    tokens: oneRefresh,
    request: (t) => get('/any-type', bearer(t.r)),
    expect: (t) => verified(t.r),
  },

  // ---- optional (31–32) ----
  {
    id: '31a',
    row: 31,
    title: 'optional: no token is anonymous',
    config: 'default',
    request: () => get('/optional'),
    expect: ANONYMOUS,
  },
  {
    id: '31b',
    row: 31,
    title: 'optional: Basic credentials are anonymous',
    config: 'default',
    request: () => get('/optional', { authorization: 'Basic creds' }),
    expect: ANONYMOUS,
  },
  {
    id: '31c',
    row: null,
    title: 'optional: a valid token is verified',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get('/optional', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '32a',
    row: 32,
    title: 'optional: "Bearer " is still refused',
    config: 'default',
    request: () => get('/optional', { authorization: 'Bearer ' }),
    expect: fail(422, BAD_HEADER),
  },
  {
    id: '32b',
    row: 32,
    title: 'optional: an expired token is still refused',
    config: 'default',
    tokens: expired10s,
    request: (t) => get('/optional', bearer(t.a)),
    expect: fail(401, 'Token has expired'),
  },
  {
    id: '32c',
    row: 32,
    title: 'optional: a refresh token is still refused',
    config: 'default',
    tokens: oneRefresh,
    request: (t) => get('/optional', bearer(t.r)),
    expect: fail(422, 'Only non-refresh tokens are allowed'),
  },
  {
    id: '32x',
    row: null,
    title: 'optional refresh route: no token is anonymous',
    config: 'default',
    request: () => get('/optional-refresh'),
    expect: ANONYMOUS,
  },

  // ---- cookies (33–43) ----
  {
    id: '33',
    row: 33,
    title: 'cookies: none sent',
    config: 'cookies',
    request: () => get('/protected'),
    expect: fail(401, MISSING_ACCESS_COOKIE),
  },
  {
    id: '33x',
    row: null,
    title: 'cookies: an empty cookie is missing',
    config: 'cookies',
    request: () => ({ path: '/protected', cookies: { access_token_cookie: '' } }),
    expect: fail(401, MISSING_ACCESS_COOKIE),
  },
  {
    id: '34',
    row: 34,
    title: 'cookies: GET needs no CSRF',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({ path: '/protected', cookies: accessCookie(t.a) }),
    expect: (t) => verified(t.a, 'cookies'),
  },
  {
    id: '35',
    row: 35,
    title: 'cookies: POST without X-CSRF-TOKEN',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/protected', cookies: accessCookie(t.a) }),
    expect: fail(401, 'Missing CSRF token'),
  },
  {
    id: '36',
    row: 36,
    title: 'cookies: POST with a wrong X-CSRF-TOKEN',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      cookies: accessCookie(t.a),
      headers: { 'x-csrf-token': 'wrong' },
    }),
    expect: fail(401, 'CSRF double submit tokens do not match'),
  },
  ...(['POST', 'DELETE', 'PUT', 'PATCH'] as const).map((method): Scenario => ({
    id: `37-${method}`,
    row: 37,
    title: `cookies: ${method} with the CSRF cookie value in X-CSRF-TOKEN`,
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({
      method,
      path: '/protected',
      cookies: accessCookie(t.a),
      headers: { 'x-csrf-token': csrfOf(t.a) },
    }),
    expect: (t) => verified(t.a, 'cookies'),
  })),
  {
    id: '38a',
    row: 38,
    title: 'cookies: CSRF in a form field, csrfCheckForm off',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      cookies: accessCookie(t.a),
      form: { csrf_token: csrfOf(t.a) },
    }),
    expect: fail(401, 'Missing CSRF token'),
  },
  {
    id: '38b',
    row: 38,
    title: 'cookies: CSRF in a form field, csrfCheckForm on',
    config: 'cookiesForm',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      cookies: accessCookie(t.a),
      form: { other: 'x', csrf_token: csrfOf(t.a) },
    }),
    expect: (t) => verified(t.a, 'cookies'),
  },
  {
    id: '38c',
    row: null,
    title: 'cookies: csrfCheckForm reads forms only, not a JSON field',
    config: 'cookiesForm',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      cookies: accessCookie(t.a),
      json: { csrf_token: csrfOf(t.a) },
    }),
    expect: fail(401, 'Missing CSRF token'),
  },
  {
    id: '38d',
    row: null,
    title: 'cookies: csrfCheckForm with a wrong form value',
    config: 'cookiesForm',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/protected', cookies: accessCookie(t.a), form: { csrf_token: 'wrong' } }),
    expect: fail(401, 'CSRF double submit tokens do not match'),
  },
  {
    id: '39a',
    row: 39,
    title: 'cookies: refresh route with the access CSRF value',
    config: 'cookies',
    tokens: async (k) => ({ a: await k.access(), r: await k.refresh() }),
    request: (t) => ({
      method: 'POST',
      path: '/refresh',
      cookies: { refresh_token_cookie: need(t.r) },
      headers: { 'x-csrf-token': csrfOf(t.a) },
    }),
    expect: fail(401, 'CSRF double submit tokens do not match'),
  },
  {
    id: '39b',
    row: null,
    title: 'cookies: refresh route with the refresh CSRF value',
    config: 'cookies',
    tokens: oneRefresh,
    request: (t) => ({
      method: 'POST',
      path: '/refresh',
      cookies: { refresh_token_cookie: need(t.r) },
      headers: { 'x-csrf-token': csrfOf(t.r) },
    }),
    expect: (t) => verified(t.r, 'cookies'),
  },
  {
    id: '39c',
    row: null,
    title: 'cookies: refresh route reads the refresh cookie only',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({ path: '/refresh', cookies: accessCookie(t.a) }),
    expect: fail(401, 'Missing cookie "refresh_token_cookie"'),
  },
  {
    id: '40',
    row: 40,
    title: 'cookies: optional POST with a cookie and no CSRF',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/optional', cookies: accessCookie(t.a) }),
    expect: fail(401, 'Missing CSRF token'),
  },
  {
    id: '41',
    row: 41,
    title: 'cookies: token without a csrf claim',
    config: 'cookies',
    request: () => ({
      method: 'POST',
      path: '/protected',
      cookies: accessCookie(rawToken({ sub: 'me' })),
      headers: { 'x-csrf-token': 'anything' },
    }),
    expect: fail(422, 'Missing claim: csrf'),
  },
  {
    id: '42a',
    row: 42,
    title: 'cookies: garbage cookie, POST without CSRF',
    config: 'cookies',
    request: () => ({ method: 'POST', path: '/protected', cookies: accessCookie('garbage') }),
    expect: fail(401, 'Missing CSRF token'),
  },
  {
    id: '42b',
    row: 42,
    title: 'cookies: garbage cookie, GET',
    config: 'cookies',
    request: () => ({ path: '/protected', cookies: accessCookie('garbage') }),
    expect: fail(422, 'Not enough segments'),
  },
  {
    id: '43',
    row: 43,
    title: 'cookies: unsetJwtCookies writes four expiring cookies',
    config: 'cookies',
    request: () => ({ method: 'POST', path: '/cookies/unset', json: { which: 'all' } }),
    expect: {
      status: 200,
      body: {},
      setCookie: [
        'access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/',
        'csrf_access_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
        'refresh_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/',
        'csrf_refresh_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
      ],
    },
  },
  {
    id: '43x',
    row: null,
    title: 'cookies: setAccessCookies + setRefreshCookies on one response',
    config: 'cookies',
    tokens: async (k) => ({ a: await k.access(), r: await k.refresh() }),
    request: (t) => ({ method: 'POST', path: '/cookies/set', json: { access: t.a, refresh: t.r } }),
    expect: (t) => ({
      status: 200,
      body: {},
      setCookie: [
        `access_token_cookie=${need(t.a)}; HttpOnly; Path=/`,
        `csrf_access_token=${csrfOf(t.a)}; Path=/`,
        `refresh_token_cookie=${need(t.r)}; HttpOnly; Path=/`,
        `csrf_refresh_token=${csrfOf(t.r)}; Path=/`,
      ],
    }),
  },
  {
    id: '43d',
    row: null,
    title: 'cookies: a domain argument ".override.example.com" is written without its dot (Werkzeug >= 2.3)',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/cookies/set', json: { access: t.a, domain: '.override.example.com' } }),
    expect: (t) => ({
      status: 200,
      body: {},
      setCookie: [
        `access_token_cookie=${need(t.a)}; Domain=override.example.com; HttpOnly; Path=/`,
        `csrf_access_token=${csrfOf(t.a)}; Domain=override.example.com; Path=/`,
      ],
    }),
  },
  {
    id: '43e',
    row: null,
    title: 'cookies: unset with the domain ".override.example.com" matches the cookie set with it',
    config: 'cookies',
    request: () => ({
      method: 'POST',
      path: '/cookies/unset',
      json: { which: 'access', domain: '.override.example.com' },
    }),
    expect: {
      status: 200,
      body: {},
      setCookie: [
        'access_token_cookie=; Domain=override.example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/',
        'csrf_access_token=; Domain=override.example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
      ],
    },
  },

  // ---- query string (44–45) ----
  {
    id: '44a',
    row: 44,
    title: 'query: ?jwt=<token>',
    config: 'query',
    tokens: oneAccess,
    request: (t) => get(`/protected?jwt=${need(t.a)}`),
    expect: (t) => verified(t.a, 'query_string'),
  },
  {
    id: '44b',
    row: 44,
    title: 'query: none',
    config: 'query',
    request: () => get('/protected'),
    expect: fail(401, "Missing 'jwt' query paramater"),
  },
  {
    id: '44c',
    row: 44,
    title: 'query: ?jwt=',
    config: 'query',
    request: () => get('/protected?jwt='),
    expect: fail(401, "Missing 'jwt' query paramater"),
  },
  {
    id: '45a',
    row: 45,
    title: 'query: prefix "Bearer " and name "token"',
    config: 'queryPrefix',
    tokens: oneAccess,
    request: (t) => get(`/protected?token=Bearer%20${need(t.a)}`),
    expect: (t) => verified(t.a, 'query_string'),
  },
  {
    id: '45b',
    row: 45,
    title: 'query: value without the prefix',
    config: 'queryPrefix',
    tokens: oneAccess,
    request: (t) => get(`/protected?token=${need(t.a)}`),
    expect: fail(422, "Invalid value for query parameter 'token'. Expected the value to start with 'Bearer '"),
  },

  // ---- JSON body (46–48, 65) ----
  {
    id: '46a',
    row: 46,
    title: 'json: {"access_token": t}',
    config: 'json',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/protected', json: { access_token: t.a } }),
    expect: (t) => verified(t.a, 'json'),
  },
  {
    id: '46b',
    row: 46,
    title: 'json: form-encoded body',
    config: 'json',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/protected', form: { access_token: need(t.a) } }),
    expect: fail(401, NOT_JSON),
  },
  {
    id: '46c',
    row: 46,
    title: 'json: GET without a body',
    config: 'json',
    request: () => get('/protected'),
    expect: fail(401, NOT_JSON),
  },
  {
    id: '47a',
    row: 47,
    title: 'json: no access_token key',
    config: 'json',
    request: () => ({ method: 'POST', path: '/protected', json: { other: 1 } }),
    expect: fail(401, MISSING_JSON_KEY),
  },
  {
    id: '47b',
    row: 47,
    title: 'json: invalid JSON',
    config: 'json',
    request: () => ({
      method: 'POST',
      path: '/protected',
      headers: { 'content-type': 'application/json' },
      body: '{"access_token": ',
    }),
    expect: fail(401, MISSING_JSON_KEY),
  },
  {
    id: '47c',
    row: 47,
    title: 'json: empty body',
    config: 'json',
    request: () => ({ method: 'POST', path: '/protected', headers: { 'content-type': 'application/json' }, body: '' }),
    expect: fail(401, MISSING_JSON_KEY),
  },
  {
    id: '47d',
    row: 47,
    title: 'json: refresh route given access_token',
    config: 'json',
    tokens: oneRefresh,
    request: (t) => ({ method: 'POST', path: '/refresh', json: { access_token: t.r } }),
    expect: fail(401, 'Missing "refresh_token" key in json data.'),
  },
  {
    id: '47e',
    row: null,
    title: 'json: refresh route given refresh_token',
    config: 'json',
    tokens: oneRefresh,
    request: (t) => ({ method: 'POST', path: '/refresh', json: { refresh_token: t.r } }),
    expect: (t) => verified(t.r, 'json'),
  },
  {
    id: '47f',
    row: null,
    title: 'json: a falsy value is missing',
    config: 'json',
    request: () => ({ method: 'POST', path: '/protected', json: { access_token: '' } }),
    expect: fail(401, MISSING_JSON_KEY),
  },
  {
    id: '47g',
    row: null,
    title: 'json: a number is not a token',
    config: 'json',
    request: () => ({ method: 'POST', path: '/protected', json: { access_token: 123 } }),
    expect: fail(422, "Invalid token type. Token must be a <class 'bytes'>"),
  },
  {
    id: '48a',
    row: 48,
    title: 'json: application/vnd.api+json',
    config: 'json',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      headers: { 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ access_token: t.a }),
    }),
    expect: (t) => verified(t.a, 'json'),
  },
  {
    id: '48b',
    row: 48,
    title: 'json: application/json;charset=UTF-8',
    config: 'json',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: JSON.stringify({ access_token: t.a }),
    }),
    expect: (t) => verified(t.a, 'json'),
  },
  {
    id: '65',
    row: 65,
    title: 'json: an array body is a 401, not a 500',
    config: 'json',
    request: () => ({ method: 'POST', path: '/protected', json: [1, 2] }),
    expect: fail(401, MISSING_JSON_KEY),
  },
  {
    id: 'x-json-big',
    row: null,
    title: 'json: a body over 1 MiB is treated as absent',
    config: 'json',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/protected',
      json: { access_token: t.a, padding: 'x'.repeat(1024 * 1024) },
    }),
    expect: fail(401, MISSING_JSON_KEY),
  },
  {
    id: 'x-json-get',
    row: null,
    title: 'json: GET with a JSON body',
    config: 'json',
    tokens: oneAccess,
    request: (t) => ({ method: 'GET', path: '/protected', json: { access_token: t.a } }),
    expect: (t) => verified(t.a, 'json'),
  },

  // ---- several locations (49–54) ----
  {
    id: '49',
    row: 49,
    title: 'multi: [cookies, headers], nothing sent',
    config: 'default',
    request: () => get('/cookies-then-headers'),
    expect: fail(
      401,
      'Missing JWT in cookies or headers (Missing cookie "access_token_cookie"; Missing Authorization Header)',
    ),
  },
  {
    id: '50',
    row: 50,
    title: 'multi: all four locations, nothing sent',
    config: 'default',
    request: () => get('/all-locations'),
    expect: fail(
      401,
      `Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie "access_token_cookie"; Missing 'jwt' query paramater; ${NOT_JSON})`,
    ),
  },
  {
    id: '50x',
    row: null,
    title: 'multi: all four locations, JSON body without the key',
    config: 'default',
    request: () => ({ method: 'POST', path: '/all-locations', json: {} }),
    expect: fail(
      401,
      `Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie "access_token_cookie"; Missing 'jwt' query paramater; ${MISSING_JSON_KEY})`,
    ),
  },
  {
    id: '50y',
    row: null,
    title: 'multi: all four locations, token in the JSON body',
    config: 'default',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/all-locations', json: { access_token: t.a } }),
    expect: (t) => verified(t.a, 'json'),
  },
  {
    id: '50z',
    row: null,
    title: 'multi: all four locations, token in the query',
    config: 'default',
    tokens: oneAccess,
    request: (t) => get(`/all-locations?jwt=${need(t.a)}`),
    expect: (t) => verified(t.a, 'query_string'),
  },
  {
    id: '51a',
    row: 51,
    title: 'multi: valid cookie + invalid header, cookies first',
    config: 'default',
    tokens: oneAccess,
    request: (t) => ({
      path: '/cookies-then-headers',
      cookies: accessCookie(t.a),
      headers: bearer('aaaaa.bbbbb.ccccc'),
    }),
    expect: (t) => verified(t.a, 'cookies'),
  },
  {
    id: '51b',
    row: 51,
    title: 'multi: valid cookie + invalid header, headers first',
    config: 'default',
    tokens: oneAccess,
    request: (t) => ({
      path: '/headers-then-cookies',
      cookies: accessCookie(t.a),
      headers: bearer('aaaaa.bbbbb.ccccc'),
    }),
    expect: fail(422, 'Invalid header padding'),
  },
  {
    id: '52',
    row: 52,
    title: 'multi: valid cookie + valid header, headers first',
    config: 'default',
    tokens: async (k) => ({ c: await k.access('cookie-user'), h: await k.access('header-user') }),
    request: (t) => ({ path: '/headers-then-cookies', cookies: accessCookie(t.c), headers: bearer(t.h) }),
    expect: (t) => verified(t.h, 'headers'),
  },
  {
    id: '53',
    row: 53,
    title: 'multi: cookie without CSRF is not skipped for a valid header',
    config: 'default',
    tokens: oneAccess,
    request: (t) => ({
      method: 'POST',
      path: '/cookies-then-headers',
      cookies: accessCookie(t.a),
      headers: bearer(t.a),
    }),
    expect: fail(401, 'Missing CSRF token'),
  },
  {
    id: '54',
    row: 54,
    title: 'multi: global cookies, route locations "headers"',
    config: 'cookies',
    tokens: oneAccess,
    request: (t) => get('/headers-only', bearer(t.a)),
    expect: (t) => verified(t.a, 'headers'),
  },

  // ---- blocklist, user lookup, verification, precedence (55–58) ----
  {
    id: '55a',
    row: 55,
    title: 'blocklist: access token revoked',
    config: 'blocklistAll',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(401, 'Token has been revoked'),
  },
  {
    id: '55b',
    row: 55,
    title: 'blocklist: refresh token revoked',
    config: 'blocklistAll',
    tokens: oneRefresh,
    request: (t) => get('/refresh', bearer(t.r)),
    expect: fail(401, 'Token has been revoked'),
  },
  {
    id: '55c',
    row: 55,
    title: 'blocklist: skipRevocationCheck',
    config: 'blocklistAll',
    tokens: oneAccess,
    request: (t) => get('/skip-revocation', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '55d',
    row: null,
    title: 'blocklist: a revoked jti in a Set; another token passes',
    config: 'blocklistSet',
    tokens: async (k) => {
      const revoked = await k.access('username');
      // decodeToken rather than the synchronous getJti: the row also runs on the async WebCrypto engine.
      REVOKED_JTIS.add((await k.jwt.decodeToken(revoked)).jti as string);
      return { revoked, other: await k.access('username') };
    },
    request: (t) => get('/protected', bearer(t.revoked)),
    expect: fail(401, 'Token has been revoked'),
  },
  {
    id: '55e',
    row: null,
    title: 'blocklist: a jti not in the Set passes',
    config: 'blocklistSet',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '56',
    row: 56,
    title: 'userLookupLoader returns null',
    config: 'userLookupNone',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(401, 'Error loading the user username'),
  },
  {
    id: '57',
    row: 57,
    title: 'tokenVerificationLoader returns false',
    config: 'verificationFalse',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(400, 'User claims verification failed'),
  },
  {
    id: '58a',
    row: 58,
    title: 'precedence: not fresh + revoked + unverified + no user, at a fresh route',
    config: 'markers',
    tokens: (k) =>
      k.access('username', { additionalClaims: { revoked: true, bad: true, ghost: true } }).then((a) => ({ a })),
    request: (t) => get('/fresh', bearer(t.a)),
    expect: fail(401, 'Fresh token required'),
  },
  {
    id: '58b',
    row: 58,
    title: 'precedence: revoked + unverified + no user',
    config: 'markers',
    tokens: (k) =>
      k
        .access('username', { fresh: true, additionalClaims: { revoked: true, bad: true, ghost: true } })
        .then((a) => ({ a })),
    request: (t) => get('/fresh', bearer(t.a)),
    expect: fail(401, 'Token has been revoked'),
  },
  {
    id: '58c',
    row: 58,
    title: 'precedence: unverified + no user',
    config: 'markers',
    tokens: (k) => k.access('username', { additionalClaims: { bad: true, ghost: true } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(400, 'User claims verification failed'),
  },
  {
    id: '58d',
    row: 58,
    title: 'precedence: no user only',
    config: 'markers',
    tokens: (k) => k.access('username', { additionalClaims: { ghost: true } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(401, 'Error loading the user username'),
  },
  {
    id: '58e',
    row: null,
    title: 'userLookupLoader: the loaded user is in the handler',
    config: 'markers',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a, 'headers', { username: 'username' }),
  },
  {
    id: '58f',
    row: null,
    title: 'userLookupLoader: skipped without a token on an optional route',
    config: 'markers',
    request: () => get('/optional'),
    expect: ANONYMOUS,
  },

  // ---- response callbacks override every default ----
  {
    id: 'x-cb-unauthorized',
    row: null,
    title: 'unauthorizedLoader',
    config: 'overrides',
    request: () => get('/protected'),
    expect: {
      status: 403,
      body: { error: 'unauthorized', reason: 'Missing Authorization Header' },
      headers: { 'www-authenticate': 'Bearer realm="test"' },
    },
  },
  {
    id: 'x-cb-csrf',
    row: null,
    title: 'unauthorizedLoader also answers CSRF errors',
    config: 'overrides',
    tokens: oneAccess,
    request: (t) => ({ method: 'POST', path: '/cookies-then-headers', cookies: accessCookie(t.a) }),
    expect: { status: 403, body: { error: 'unauthorized', reason: 'Missing CSRF token' } },
  },
  {
    id: 'x-cb-invalid',
    row: null,
    title: 'invalidTokenLoader',
    config: 'overrides',
    request: () => get('/protected', bearer('xxx')),
    expect: {
      status: 400,
      body: { error: 'invalid', reason: 'Not enough segments' },
      headers: { 'x-jwt-error': 'invalid' },
    },
  },
  {
    id: 'x-cb-wrong-type',
    row: null,
    title: 'invalidTokenLoader also answers a wrong type',
    config: 'overrides',
    tokens: oneRefresh,
    request: (t) => get('/protected', bearer(t.r)),
    expect: { status: 400, body: { error: 'invalid', reason: 'Only non-refresh tokens are allowed' } },
  },
  {
    id: 'x-cb-expired',
    row: null,
    title: 'expiredTokenLoader gets the expired payload',
    config: 'overrides',
    tokens: expired10s,
    request: (t) => get('/protected', bearer(t.a)),
    expect: { status: 410, body: { error: 'expired', sub: 'username' }, headers: { 'x-jwt-error': 'expired' } },
  },
  {
    id: 'x-cb-fresh',
    row: null,
    title: 'needsFreshTokenLoader',
    config: 'overrides',
    tokens: oneAccess,
    request: (t) => get('/fresh', bearer(t.a)),
    expect: { status: 428, body: { error: 'fresh', sub: 'username' }, headers: { 'x-jwt-error': 'fresh' } },
  },
  {
    id: 'x-cb-revoked',
    row: null,
    title: 'revokedTokenLoader gets header and payload',
    config: 'overrides',
    tokens: (k) => k.access('username', { additionalClaims: { revoked: true } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: {
      status: 409,
      body: { error: 'revoked', sub: 'username', alg: 'HS256' },
      headers: { 'x-jwt-error': 'revoked' },
    },
  },
  {
    id: 'x-cb-verification',
    row: null,
    title: 'tokenVerificationFailedLoader',
    config: 'overrides',
    tokens: (k) => k.access('username', { additionalClaims: { bad: true } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: {
      status: 406,
      body: { error: 'verification', sub: 'username' },
      headers: { 'x-jwt-error': 'verification' },
    },
  },
  {
    id: 'x-cb-user',
    row: null,
    title: 'userLookupErrorLoader',
    config: 'overrides',
    tokens: (k) => k.access('username', { additionalClaims: { ghost: true } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: { status: 404, body: { error: 'user', sub: 'username' }, headers: { 'x-jwt-error': 'user' } },
  },
  {
    id: 'x-cb-ok',
    row: null,
    title: 'overrides leave a valid request alone',
    config: 'overrides',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a, 'headers', { username: 'username' }),
  },

  // ---- a bug in a callback is a server error, through the framework's error handling ----
  {
    id: 'x-bug-sync',
    row: null,
    title: 'a throwing userLookupLoader is a 500',
    config: 'buggyCallback',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: { status: 500 },
  },
  {
    id: 'x-bug-async',
    row: null,
    title: 'a rejecting tokenVerificationLoader is a 500',
    config: 'buggyAsyncCallback',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: { status: 500 },
  },
  {
    id: 'x-bug-client',
    row: null,
    title: 'a client error still answers normally on that app',
    config: 'buggyCallback',
    request: () => get('/protected'),
    expect: fail(401, 'Missing Authorization Header'),
  },

  // ---- audience, issuer, algorithms (59–61, 64) ----
  {
    id: '59a',
    row: 59,
    title: 'aud: token without aud',
    config: 'audience',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(422, 'Token is missing the "aud" claim'),
  },
  {
    id: '59b',
    row: 59,
    title: 'aud: "other" (PyJWT >= 2.10 wording)',
    config: 'audience',
    tokens: (k) => k.access('username', { additionalClaims: { aud: 'other' } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(422, "Audience doesn't match"),
  },
  {
    id: '59c',
    row: 59,
    title: 'aud: ["x", "my_aud"]',
    config: 'audience',
    tokens: (k) => k.access('username', { additionalClaims: { aud: ['x', 'my_aud'] } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '60a',
    row: 60,
    title: 'iss: token without iss',
    config: 'issuer',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(422, 'Token is missing the "iss" claim'),
  },
  {
    id: '60b',
    row: 60,
    title: 'iss: "x"',
    config: 'issuer',
    tokens: (k) => k.access('username', { additionalClaims: { iss: 'x' } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: fail(422, 'Invalid issuer'),
  },
  {
    id: '60c',
    row: 60,
    title: 'iss: "my_iss"',
    config: 'issuer',
    tokens: (k) => k.access('username', { additionalClaims: { iss: 'my_iss' } }).then((a) => ({ a })),
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '61a',
    row: 61,
    title: 'RS256 app: RS256 token',
    config: 'rs256',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
  {
    id: '61b',
    row: 61,
    title: 'RS256 app: HS256 token',
    config: 'rs256',
    request: () => get('/protected', bearer(rawToken({ sub: 'username' }))),
    expect: fail(422, ALG_NOT_ALLOWED),
  },
  {
    id: '64',
    row: 64,
    title: 'HS512 app: HS256 token',
    config: 'hs512',
    request: () => get('/protected', bearer(rawToken({ sub: 'username' }))),
    expect: fail(422, ALG_NOT_ALLOWED),
  },
  {
    id: '64x',
    row: null,
    title: 'HS512 app: its own HS512 token',
    config: 'hs512',
    tokens: oneAccess,
    request: (t) => get('/protected', bearer(t.a)),
    expect: (t) => verified(t.a),
  },
];

/** A §4.1 row that is a start-up error now: the manager refuses the configuration. */
export interface StartupScenario {
  readonly id: string;
  readonly row: number;
  readonly title: string;
  readonly options: JwtManagerOptions;
  /** A fragment of the JwtConfigError's message. */
  readonly message: string;
}

/** Rows 62 and 63: flask answered 500 per request; jwt-extended refuses to start. */
export const STARTUP_SCENARIOS: readonly StartupScenario[] = [
  {
    id: '62a',
    row: 62,
    title: 'RS256 app that also accepts HS256, without a secret',
    options: {
      algorithm: 'RS256',
      privateKey: rsaKey.privateKeyPem,
      publicKey: rsaKey.publicKeyPem,
      decodeAlgorithms: ['HS256'],
    },
    message: 'decodeAlgorithms mixes HMAC (HS256) and asymmetric (RS256) algorithms',
  },
  {
    id: '62b',
    row: 62,
    title: 'RS256 app that also accepts HS256, with the RSA public key as the secret (key confusion)',
    options: {
      algorithm: 'RS256',
      privateKey: rsaKey.privateKeyPem,
      publicKey: rsaKey.publicKeyPem,
      decodeAlgorithms: ['HS256'],
      secretKey: rsaKey.publicKeyPem,
    },
    message: 'decodeAlgorithms mixes HMAC (HS256) and asymmetric (RS256) algorithms',
  },
  {
    id: '63',
    row: 63,
    title: 'no secret at all',
    options: {},
    message: 'secretKey must be set when using symmetric algorithm "HS256"',
  },
];
