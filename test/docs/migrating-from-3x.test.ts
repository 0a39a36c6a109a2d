/**
 * docs/migrating-from-3x.md maps every public name of flask-jwt-extended 3.25 to a one-line
 * jwt-extended equivalent (issue 12): each name below has a table row, and the jwt-extended side of
 * each row names things that exist (manager methods, the Express adapter's and the root's exports,
 * options), with every literal option line accepted by `new JwtManager`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as express from '../../src/adapters/express.js';
import * as root from '../../src/index.js';
import * as memoryStore from '../../src/stores/memory.js';
import { JwtManager } from '../../src/index.js';
import { KNOWN_OPTIONS } from '../../src/option-table.js';
import { repoRoot } from '../helpers/packed.js';

/**
 * flask-jwt-extended 3.25.1's public names, read from its sources at git tag 3.25.1: the settings
 * of `JWTManager._set_default_configuration_options` and `config.py` (with the deprecated
 * `JWT_CSRF_HEADER_NAME`), `__init__.py`'s exports, the `JWTManager` callback decorators and
 * `exceptions.py`'s classes.
 */
const FLASK3 = {
  settings: [
    'JWT_TOKEN_LOCATION',
    'JWT_HEADER_NAME',
    'JWT_HEADER_TYPE',
    'JWT_QUERY_STRING_NAME',
    'JWT_ACCESS_COOKIE_NAME',
    'JWT_REFRESH_COOKIE_NAME',
    'JWT_ACCESS_COOKIE_PATH',
    'JWT_REFRESH_COOKIE_PATH',
    'JWT_COOKIE_SECURE',
    'JWT_COOKIE_DOMAIN',
    'JWT_SESSION_COOKIE',
    'JWT_COOKIE_SAMESITE',
    'JWT_JSON_KEY',
    'JWT_REFRESH_JSON_KEY',
    'JWT_COOKIE_CSRF_PROTECT',
    'JWT_CSRF_METHODS',
    'JWT_ACCESS_CSRF_HEADER_NAME',
    'JWT_REFRESH_CSRF_HEADER_NAME',
    'JWT_CSRF_HEADER_NAME',
    'JWT_CSRF_IN_COOKIES',
    'JWT_ACCESS_CSRF_COOKIE_NAME',
    'JWT_REFRESH_CSRF_COOKIE_NAME',
    'JWT_ACCESS_CSRF_COOKIE_PATH',
    'JWT_REFRESH_CSRF_COOKIE_PATH',
    'JWT_CSRF_CHECK_FORM',
    'JWT_ACCESS_CSRF_FIELD_NAME',
    'JWT_REFRESH_CSRF_FIELD_NAME',
    'JWT_ACCESS_TOKEN_EXPIRES',
    'JWT_REFRESH_TOKEN_EXPIRES',
    'JWT_ALGORITHM',
    'JWT_DECODE_ALGORITHMS',
    'JWT_SECRET_KEY',
    'JWT_PRIVATE_KEY',
    'JWT_PUBLIC_KEY',
    'JWT_BLACKLIST_ENABLED',
    'JWT_BLACKLIST_TOKEN_CHECKS',
    'JWT_IDENTITY_CLAIM',
    'JWT_USER_CLAIMS',
    'JWT_DECODE_AUDIENCE',
    'JWT_ENCODE_ISSUER',
    'JWT_DECODE_ISSUER',
    'JWT_DECODE_LEEWAY',
    'JWT_CLAIMS_IN_REFRESH_TOKEN',
    'JWT_ERROR_MESSAGE_KEY',
  ],
  functions: [
    'JWTManager',
    'create_access_token',
    'create_refresh_token',
    'current_user',
    'decode_token',
    'get_csrf_token',
    'get_current_user',
    'get_jti',
    'get_jwt_claims',
    'get_jwt_identity',
    'get_raw_jwt',
    'get_raw_jwt_header',
    'get_unverified_jwt_headers',
    'set_access_cookies',
    'set_refresh_cookies',
    'unset_access_cookies',
    'unset_jwt_cookies',
    'unset_refresh_cookies',
    'verify_jwt_in_request',
    'verify_jwt_in_request_optional',
    'verify_fresh_jwt_in_request',
    'verify_jwt_refresh_token_in_request',
  ],
  decorators: ['jwt_required', 'jwt_optional', 'fresh_jwt_required', 'jwt_refresh_token_required'],
  callbacks: [
    'user_claims_loader',
    'user_identity_loader',
    'expired_token_loader',
    'invalid_token_loader',
    'unauthorized_loader',
    'needs_fresh_token_loader',
    'revoked_token_loader',
    'user_loader_callback_loader',
    'user_loader_error_loader',
    'token_in_blacklist_loader',
    'claims_verification_loader',
    'claims_verification_failed_loader',
    'decode_key_loader',
    'encode_key_loader',
    'additional_headers_loader',
  ],
  exceptions: [
    'JWTExtendedException',
    'JWTDecodeError',
    'InvalidHeaderError',
    'NoAuthorizationError',
    'CSRFError',
    'WrongTokenError',
    'RevokedTokenError',
    'FreshTokenRequired',
    'UserLoadError',
    'UserClaimsVerificationError',
  ],
} as const;

/**
 * Names on the jwt-extended side that are not jwt-extended's: the application's own code in a
 * one-liner (`keyFor`), Node's key class and Python's `None` in a note.
 */
const NOT_OURS = new Set(['keyFor', 'KeyObject', 'None']);
/** Keys of the `flask3Layout` option object. */
const FLASK3_LAYOUT_KEYS = new Set(['write', 'identityClaim', 'userClaims', 'claimsInRefreshToken']);

/** Every table row of the page: its first cell and its last. */
function tableRows(page: string): { left: string; right: string }[] {
  return page
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1);
      // The jwt-extended side is the last column (the token layout table has 3.x in the middle).
      return { left: cells[0]?.trim() ?? '', right: cells.at(-1)?.trim() ?? '' };
    });
}

const spans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

/** A span's option line as a value, when it is a literal (`key: 'x'`, `key: ['a']`, `key: { a: true }`). */
function literalOption(span: string): [string, unknown] | undefined {
  const match = /^(\w+): (.+)$/.exec(span);
  if (match === null) return undefined;
  const json = (match[2] ?? '').replace(/'([^']*)'/g, (_, text: string) => JSON.stringify(text));
  try {
    return [match[1] ?? '', JSON.parse(json.replace(/([{,]\s*)(\w+):/g, '$1"$2":'))];
  } catch {
    return undefined; // code, not a literal: checked by name only
  }
}

describe('docs/migrating-from-3x.md', () => {
  const page = readFileSync(join(repoRoot, 'docs/migrating-from-3x.md'), 'utf8');
  const rows = tableRows(page);

  it('has a row with a jwt-extended equivalent for every 3.25 setting, function, decorator, callback and exception', () => {
    const names = Object.values(FLASK3).flat();
    expect(names).toHaveLength(95);
    const missing = names.filter((name) => {
      const pattern = new RegExp(`\`(?:@jwt\\.|@|exceptions\\.)?${name}(?:[\` (=]|$)`);
      return !rows.some(({ left, right }) => pattern.test(left) && spans(right).length > 0);
    });
    expect(missing).toEqual([]);
  });

  it('names only methods, exports and options that exist', () => {
    const exported = new Set([...Object.keys(express), ...Object.keys(root), ...Object.keys(memoryStore)]);
    const unknown: string[] = [];
    for (const { right } of rows) {
      for (const span of spans(right)) {
        for (const [, method] of span.matchAll(/\bjwt\.(\w+)\(/g)) {
          if (typeof (JwtManager.prototype as unknown as Record<string, unknown>)[method ?? ''] !== 'function')
            unknown.push(`jwt.${method}`);
        }
        for (const [, name] of span.matchAll(/(?<![.\w])([a-z]\w*)\(/g)) {
          if (!exported.has(name ?? '') && !NOT_OURS.has(name ?? '')) unknown.push(`${name}()`);
        }
        if (/^[A-Z]\w+$/.test(span) && !exported.has(span) && !NOT_OURS.has(span)) unknown.push(span);
        const option = /^(\w+): /.exec(span)?.[1];
        if (option !== undefined && /^[a-z]/.test(option) && !KNOWN_OPTIONS.has(option)) unknown.push(`${option}:`);
        for (const [, key] of span.matchAll(/flask3Layout: \{([^}]*)\}/g)) {
          for (const [, inner] of (key ?? '').matchAll(/(\w+):/g))
            if (!FLASK3_LAYOUT_KEYS.has(inner ?? '')) unknown.push(`flask3Layout.${inner}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('every literal option line is accepted by new JwtManager', () => {
    const lines = rows.flatMap(({ right }) => spans(right).map(literalOption)).filter((o) => o !== undefined);
    expect(lines.length).toBeGreaterThan(35);
    const refused = lines.filter(([key, value]) => {
      try {
        new JwtManager({ secretKey: 'migration-doc-secret-0123456789abcdef0123456789', [key]: value });
        return false;
      } catch {
        return true;
      }
    });
    expect(refused).toEqual([]);
  });

  it('can fail: a name without a row, an unknown option and a refused value are found', () => {
    expect(tableRows('| `jwt_optional` | |\n| --- | --- |').some(({ right }) => spans(right).length > 0)).toBe(false);
    expect(KNOWN_OPTIONS.has('blacklistEnabled')).toBe(false);
    const [key, value] = literalOption("cookieSamesite: 'Sideways'") ?? [];
    expect(() => new JwtManager({ secretKey: 's'.repeat(40), [key as string]: value })).toThrow();
  });
});
