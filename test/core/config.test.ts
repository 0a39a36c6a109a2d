/**
 * Configuration: flask's defaults under the camelCase naming rule, and every mistake refused at
 * start-up with a message that says how to fix it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager, durationToSeconds } from '../../src/index.js';

const SECRET = 'a-long-enough-secret-for-hs256-tests-0123456789abcdef';
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPrivatePem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;

function configError(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(JwtConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a JwtConfigError');
}

describe('defaults', () => {
  it('are flask-jwt-extended 4.x defaults', () => {
    const { config } = new JwtManager({ secretKey: SECRET });
    expect(config).toMatchObject({
      tokenLocation: ['headers'],
      headerName: 'Authorization',
      headerType: 'Bearer',
      queryStringName: 'jwt',
      queryStringValuePrefix: '',
      jsonKey: 'access_token',
      refreshJsonKey: 'refresh_token',
      accessCookieName: 'access_token_cookie',
      refreshCookieName: 'refresh_token_cookie',
      accessCookiePath: '/',
      refreshCookiePath: '/',
      cookieSecure: false,
      cookieDomain: null,
      cookieSamesite: null,
      sessionCookie: true,
      cookieCsrfProtect: true,
      csrfInCookies: true,
      accessCsrfCookieName: 'csrf_access_token',
      refreshCsrfCookieName: 'csrf_refresh_token',
      accessCsrfHeaderName: 'X-CSRF-TOKEN',
      refreshCsrfHeaderName: 'X-CSRF-TOKEN',
      csrfCheckForm: false,
      accessCsrfFieldName: 'csrf_token',
      refreshCsrfFieldName: 'csrf_token',
      accessTokenExpires: 900,
      refreshTokenExpires: 2_592_000,
      algorithm: 'HS256',
      decodeAlgorithms: ['HS256'],
      identityClaim: 'sub',
      decodeAudience: null,
      decodeIssuer: null,
      decodeLeeway: 0,
      encodeNbf: true,
      verifySub: true,
      errorMessageKey: 'msg',
      maxTokenSize: 8192,
      flask3Layout: null,
    });
    expect([...config.csrfMethods]).toEqual(['POST', 'PUT', 'PATCH', 'DELETE']);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('appends the algorithm to decodeAlgorithms without mutating the given list', () => {
    const list = ['HS512'] as const;
    const jwt = new JwtManager({ secretKey: SECRET, decodeAlgorithms: [...list] });
    expect(jwt.config.decodeAlgorithms).toEqual(['HS512', 'HS256']);
    expect(list).toEqual(['HS512']);
  });

  it('reads durations as seconds, human strings or false', () => {
    expect(durationToSeconds('15m', 'x')).toBe(900);
    expect(durationToSeconds('12h', 'x')).toBe(43_200);
    expect(durationToSeconds('30d', 'x')).toBe(2_592_000);
    expect(durationToSeconds(3600, 'x')).toBe(3600);
    expect(durationToSeconds(-60, 'x')).toBe(-60);
    // flask: timedelta(0) is falsy, so it means "never expires".
    expect(durationToSeconds(0, 'x')).toBe(false);
    expect(durationToSeconds(false, 'x')).toBe(false);
    const jwt = new JwtManager({ secretKey: SECRET, accessTokenExpires: '1h', refreshTokenExpires: false });
    expect(jwt.config.accessTokenExpires).toBe(3600);
    expect(jwt.config.refreshTokenExpires).toBe(false);
  });

  it('derives the public key from the private key for asymmetric algorithms', () => {
    const jwt = new JwtManager({ algorithm: 'ES256', privateKey: ecPrivatePem });
    expect(jwt.decodeTokenSync(jwt.createAccessTokenSync('me')).sub).toBe('me');
  });
});

describe('mistakes refused at start-up', () => {
  it.each([
    ['no secret for HS256', {}, 'secretKey must be set when using symmetric algorithm "HS256"'],
    ['empty secret', { secretKey: '' }, 'secretKey must be set'],
    ['unknown algorithm', { secretKey: SECRET, algorithm: 'HS1024' }, "algorithm 'HS1024' is not supported"],
    ['alg none', { secretKey: SECRET, algorithm: 'none' }, "algorithm 'none' is not supported"],
    [
      'no key at all for ES256',
      { algorithm: 'ES256' },
      'publicKey or privateKey must be set when using asymmetric algorithm "ES256"',
    ],
    ['a PEM public key as the HMAC secret', { secretKey: ecPublicPem }, 'secretKey'],
    ['an EC key for RS256', { algorithm: 'RS256', privateKey: ecPrivatePem }, 'privateKey'],
    [
      'an unknown location',
      { secretKey: SECRET, tokenLocation: ['header'] },
      "'header' is not a valid location in tokenLocation",
    ],
    ['an empty location list', { secretKey: SECRET, tokenLocation: [] }, 'tokenLocation must be one of'],
    ['an empty header name', { secretKey: SECRET, headerName: '' }, 'headerName cannot be empty'],
    ['a bad expiry', { secretKey: SECRET, accessTokenExpires: true }, 'accessTokenExpires must be a number of seconds'],
    [
      'a bad expiry string',
      { secretKey: SECRET, refreshTokenExpires: 'soon' },
      'refreshTokenExpires must be a number of seconds',
    ],
    ['a negative leeway', { secretKey: SECRET, decodeLeeway: -1 }, 'decodeLeeway must be a number of seconds >= 0'],
    [
      'a bad SameSite',
      { secretKey: SECRET, cookieSamesite: 'lax' },
      "cookieSamesite must be 'Lax', 'Strict', 'None' or null",
    ],
    ['a bad decode algorithm', { secretKey: SECRET, decodeAlgorithms: ['none'] }, "decodeAlgorithms contains 'none'"],
    [
      'HS256 allowed beside ES256 (mixed key types)',
      { algorithm: 'ES256', privateKey: ecPrivatePem, decodeAlgorithms: ['HS256'] },
      'decodeAlgorithms mixes HMAC (HS256) and asymmetric (ES256) algorithms',
    ],
  ])('%s', (_name, options, message) => {
    expect(configError(() => new JwtManager(options as never))).toContain(message);
  });

  it('never puts key material in a message', () => {
    const message = configError(() => new JwtManager({ secretKey: ecPublicPem }));
    expect(message).not.toContain('BEGIN');
    expect(message).not.toContain(ecPublicPem.split('\n')[1]);
  });

  it('refuses an unknown route location when the route is declared', () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    expect(configError(() => jwt.compileRoute({ locations: ['body' as never] }))).toBe(
      "'body' is not a valid location in locations: use 'headers', 'cookies', 'query_string' or 'json'",
    );
  });

  it('refuses a non-JSON claim and a non-string sub at creation, with a clear message', () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    expect(() => jwt.createAccessTokenSync('me', { additionalClaims: { big: 10n } })).toThrow(/big/);
    expect(() => jwt.createAccessTokenSync(42 as never)).toThrow(
      'The "sub" claim must be a string (got number): return a string from userIdentityLoader (e.g. String(user.id)), or set verifySub: false',
    );
    expect(() => jwt.createAccessTokenSync(undefined as never)).toThrow('The token identity is undefined');
    expect(() => jwt.createAccessTokenSync('me', { additionalHeaders: { alg: 'HS512' } })).toThrow(
      'The "alg" header cannot be changed per token',
    );
    const relaxed = new JwtManager({ secretKey: SECRET, verifySub: false });
    expect(relaxed.decodeTokenSync(relaxed.createAccessTokenSync(42)).sub).toBe(42);
  });
});
