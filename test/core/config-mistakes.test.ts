/**
 * Construction refuses mistakes (issue 10, item 6): an unknown option name, a flask-jwt-extended
 * 3.x name or a value of the wrong type throws `JwtConfigError` at start-up, saying how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager, type JwtManagerOptions } from '../../src/index.js';
import { KNOWN_OPTIONS } from '../../src/option-table.js';

function constructionError(options: Record<string, unknown>): JwtConfigError {
  try {
    new JwtManager({ secretKey: 'a-secret-of-enough-length-for-hs256', ...options } as JwtManagerOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(JwtConfigError);
    return error as JwtConfigError;
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}

describe('unknown option names', () => {
  it.each([
    ['tokenLocaton', 'tokenLocation'],
    ['tokenLocations', 'tokenLocation'],
    ['secretkey', 'secretKey'],
    ['accesTokenExpires', 'accessTokenExpires'],
    ['cookieSameSite', 'cookieSamesite'],
    ['JWT_SECRET_KEY', 'secretKey'],
    ['JWT_TOKEN_LOCATION', 'tokenLocation'],
    ['cookie_csrf_protect', 'cookieCsrfProtect'],
    ['userLookupLoder', 'userLookupLoader'],
  ])('%s suggests %s', (name, suggestion) => {
    const error = constructionError({ [name]: 'x' });
    expect(error.message).toBe(`Unknown option '${name}' for JwtManager: did you mean ${suggestion}?`);
    expect(error.code).toBe('ERR_JWT_CONFIG');
  });

  it('a name near nothing points at the options table', () => {
    expect(constructionError({ frobnicate: 1 }).message).toBe(
      "Unknown option 'frobnicate' for JwtManager: see the options table in docs/options.md",
    );
  });
});

describe('flask-jwt-extended 3.x names say what replaced them', () => {
  it.each([
    ['userClaims', 'additionalClaimsLoader'],
    ['blacklistEnabled', 'blocklist store or a tokenInBlocklistLoader'],
    ['JWT_BLACKLIST_ENABLED', 'blocklist store or a tokenInBlocklistLoader'],
    ['blacklistTokenChecks', 'skipRevocationCheck'],
    ['tokenInBlacklistLoader', 'tokenInBlocklistLoader'],
    ['userLoaderCallbackLoader', 'userLookupLoader'],
    ['userLoaderErrorLoader', 'userLookupErrorLoader'],
    ['claimsVerificationLoader', 'tokenVerificationLoader'],
    ['claimsVerificationFailedLoader', 'tokenVerificationFailedLoader'],
    ['JWT_USER_CLAIMS', 'top-level claims'],
  ])('%s', (name, replacement) => {
    const message = constructionError({ [name]: () => true }).message;
    expect(message.startsWith(`Unknown option '${name}': `)).toBe(true);
    expect(message).toContain(replacement);
  });

  it('the seed page name userClaimsLoader is still accepted (an alias of additionalClaimsLoader)', () => {
    const jwt = new JwtManager({
      secretKey: 'a-secret-of-enough-length-for-hs256',
      userClaimsLoader: () => ({ roles: ['foo'] }),
    });
    expect(jwt.decodeTokenSync(jwt.createAccessTokenSync('test')).roles).toEqual(['foo']);
  });
});

describe('option values are type-checked at run time (JavaScript users)', () => {
  it.each([
    [
      { tokenLocation: 5 },
      "tokenLocation must be 'headers', 'cookies', 'query_string', 'json' or a list of them, not a number",
    ],
    [{ cookieSecure: 'true' }, 'cookieSecure must be true or false, not a string'],
    [{ headerName: 42 }, 'headerName must be a string, not a number'],
    [{ decodeLeeway: '10' }, 'decodeLeeway must be a number, not a string'],
    [{ csrfMethods: 'POST' }, 'csrfMethods must be a list of strings, not a string'],
    [{ userLookupLoader: 'load' }, 'userLookupLoader must be a function, not a string'],
    [{ blocklist: true }, 'blocklist must be an object, not a boolean'],
    [{ verifiedTokenCache: 'yes' }, 'verifiedTokenCache must be true, false or an options object, not a string'],
    [
      { accessTokenExpires: null },
      "accessTokenExpires must be a number of seconds, a duration string such as '15m', or false, not null",
    ],
    [
      { secretKey: 123 },
      'secretKey must be a string, a Buffer/Uint8Array, a KeyObject, a JWK object or null, not a number',
    ],
    [{ decodeIssuer: 42 }, 'decodeIssuer must be a string, a list of strings or null, not a number'],
    [{ decodeIssuer: ['a', 7] }, 'decodeIssuer must be a string, a list of strings or null, not a list'],
  ])('%j', (options, message) => {
    expect(constructionError(options).message).toBe(message);
  });

  it('undefined means the default (process.env values that are not set)', () => {
    const jwt = new JwtManager({ secretKey: 'a-secret-of-enough-length-for-hs256', cookieDomain: undefined });
    expect(jwt.config.cookieDomain).toBeNull();
  });
});

describe('the option table', () => {
  it('knows every option of the seed example, every loader and the jwt-extended additions', () => {
    for (const name of ['secretKey', 'tokenLocation', 'userIdentityLoader', 'blocklist', 'refreshTokenRotation']) {
      expect(KNOWN_OPTIONS.has(name), name).toBe(true);
    }
    expect(KNOWN_OPTIONS.size).toBeGreaterThanOrEqual(60);
  });

  it('accepts a manager built with every known option set to undefined', () => {
    const options = Object.fromEntries([...KNOWN_OPTIONS].map((name) => [name, undefined]));
    expect(() => new JwtManager({ ...options, secretKey: 'a-secret-of-enough-length-for-hs256' })).not.toThrow();
  });
});
