import { describe, expect, it } from 'vitest';
import { Unencodable } from './engine-errors.js';
import { pythonCompatibleJson, sortedHeaderJson } from '../../src/jws/json.js';
import { expectThrow } from './expect-error.js';

describe('pythonCompatibleJson', () => {
  it('writes compact JSON in insertion order', () => {
    expect(pythonCompatibleJson({ b: 1, a: [true, null, 'x'], c: { z: 0.5, y: -2 } })).toBe(
      '{"b":1,"a":[true,null,"x"],"c":{"z":0.5,"y":-2}}',
    );
  });

  it('escapes non-ASCII as lowercase \\uXXXX, as json.dumps(ensure_ascii=True) does', () => {
    expect(pythonCompatibleJson({ sub: 'Zoë' })).toBe('{"sub":"Zo\\u00eb"}');
    expect(pythonCompatibleJson({ sub: 'Ωmega' })).toBe('{"sub":"\\u03a9mega"}');
    expect(pythonCompatibleJson({ clé: '中文' })).toBe('{"cl\\u00e9":"\\u4e2d\\u6587"}');
    expect(pythonCompatibleJson({ s: '\uffff' })).toBe('{"s":"\\uffff"}');
  });

  it('writes an emoji as its two escaped surrogates', () => {
    expect(pythonCompatibleJson({ e: '😀' })).toBe('{"e":"\\ud83d\\ude00"}');
  });

  it('escapes DEL (0x7f), which Python treats as non-printable, but keeps 0x20..0x7e', () => {
    expect(pythonCompatibleJson({ s: 'a\u007fb' })).toBe('{"s":"a\\u007fb"}');
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    expect(JSON.parse(pythonCompatibleJson({ printable }))).toEqual({ printable });
    expect(pythonCompatibleJson({ s: ' ~' })).toBe('{"s":" ~"}');
  });

  it('escapes control characters and quotes as both JSON.stringify and Python do', () => {
    expect(pythonCompatibleJson({ s: '"\\\n\t\r\b\f\u0001' })).toBe('{"s":"\\"\\\\\\n\\t\\r\\b\\f\\u0001"}');
  });

  it('keeps a lone surrogate as its escape', () => {
    expect(pythonCompatibleJson({ s: '\ud800' })).toBe('{"s":"\\ud800"}');
  });

  it('writes a Date as an RFC 822 HTTP date, as Flask does', () => {
    expect(pythonCompatibleJson({ at: new Date(Date.UTC(2022, 7, 12)) })).toBe(
      '{"at":"Fri, 12 Aug 2022 00:00:00 GMT"}',
    );
    expect(pythonCompatibleJson({ list: [new Date(Date.UTC(2000, 0, 1, 13, 5, 9))] })).toBe(
      '{"list":["Sat, 01 Jan 2000 13:05:09 GMT"]}',
    );
  });

  it('drops undefined properties and writes undefined array items as null, like JSON.stringify', () => {
    expect(pythonCompatibleJson({ a: undefined, b: 1, c: { d: undefined } })).toBe('{"b":1,"c":{}}');
    expect(pythonCompatibleJson({ a: [1, undefined] })).toBe('{"a":[1,null]}');
  });

  it('uses toJSON of class instances', () => {
    class Money {
      toJSON(): string {
        return '12.50';
      }
    }
    expect(pythonCompatibleJson({ price: new Money() })).toBe('{"price":"12.50"}');
  });

  it('keeps a __proto__ own key as data', () => {
    const claims = JSON.parse('{"__proto__":{"admin":true},"sub":"x"}') as Record<string, unknown>;
    expect(pythonCompatibleJson(claims)).toBe('{"__proto__":{"admin":true},"sub":"x"}');
  });

  it.each([
    [
      'a BigInt',
      { n: 1n },
      'Cannot encode the token: claim "n" is a BigInt, which JSON cannot represent; convert it to a string or a number',
    ],
    [
      'NaN',
      { a: { b: NaN } },
      'Cannot encode the token: claim "a.b" is NaN, which JSON cannot represent; use null or a finite number',
    ],
    [
      'Infinity',
      { x: [1, -Infinity] },
      'Cannot encode the token: claim "x[1]" is -Infinity, which JSON cannot represent; use null or a finite number',
    ],
    ['a function', { f: () => 1 }, 'Cannot encode the token: claim "f" is a function; claims must be JSON data'],
    ['a symbol', { s: Symbol('s') }, 'Cannot encode the token: claim "s" is a symbol; claims must be JSON data'],
    ['an invalid Date', { when: new Date(NaN) }, 'Cannot encode the token: claim "when" is an invalid Date'],
    [
      'a Map',
      { m: new Map([[1, 2]]) },
      'Cannot encode the token: claim "m" is a Map; convert it with Object.fromEntries(map)',
    ],
    [
      'a Set',
      { roles: new Set(['a']) },
      'Cannot encode the token: claim "roles" is a Set; convert it with Array.from(set)',
    ],
    [
      'a nested BigInt in an array of objects',
      { a: [{ b: 2n }] },
      'Cannot encode the token: claim "a[0].b" is a BigInt, which JSON cannot represent; convert it to a string or a number',
    ],
    ['undefined itself', undefined, 'Cannot encode the token: the claims object itself must be a JSON object'],
  ])('refuses %s, naming the claim path', (_name, value, message) => {
    expectThrow(() => pythonCompatibleJson(value), Unencodable, message, 'encode');
  });

  it('refuses a circular reference, naming where it closes', () => {
    const user: Record<string, unknown> = { name: 'x' };
    user.self = user;
    expectThrow(
      () => pythonCompatibleJson({ user }),
      Unencodable,
      'Cannot encode the token: claim "user.self" is a circular reference; it must be a tree of JSON data',
    );
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { a: 1 };
    expect(pythonCompatibleJson({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });

  it('reports an error thrown by a toJSON method, with the cause', () => {
    const boom = new Error('boom');
    const err = expectThrow(
      () =>
        pythonCompatibleJson({
          bad: {
            toJSON: () => {
              throw boom;
            },
          },
        }),
      Unencodable,
      'Cannot encode the token: serialising a claim threw an error (see cause)',
    );
    expect(err.cause).toBe(boom);
  });

  it('never puts the offending value in the message', () => {
    const err = expectThrow(
      () => pythonCompatibleJson({ secret: 123456789012345678901234567890n }),
      Unencodable,
      /BigInt/,
    );
    expect(err.message).not.toContain('1234567890');
  });
});

describe('sortedHeaderJson', () => {
  it('sorts keys as PyJWT does', () => {
    expect(sortedHeaderJson({ typ: 'JWT', alg: 'HS256' })).toBe('{"alg":"HS256","typ":"JWT"}');
    expect(sortedHeaderJson({ typ: 'at+jwt', 'x-tenant': 'acme', kid: 'k2', alg: 'HS256' })).toBe(
      '{"alg":"HS256","kid":"k2","typ":"at+jwt","x-tenant":"acme"}',
    );
  });

  it('sorts nested objects too (json.dumps sort_keys is recursive) and escapes non-ASCII', () => {
    expect(sortedHeaderJson({ z: { b: 1, a: ['ü'] }, alg: 'HS256' })).toBe(
      '{"alg":"HS256","z":{"a":["\\u00fc"],"b":1}}',
    );
  });

  it('refuses a non-string kid, as PyJWT does when encoding', () => {
    expectThrow(
      () => sortedHeaderJson({ alg: 'HS256', kid: 1 }),
      Unencodable,
      'Key ID header parameter must be a string',
    );
  });

  it('names a header parameter that cannot be written', () => {
    expectThrow(
      () => sortedHeaderJson({ alg: 'HS256', x: 1n }),
      Unencodable,
      'Cannot encode the token: header parameter "x" is a BigInt, which JSON cannot represent; convert it to a string or a number',
    );
  });

  it('keeps a __proto__ header key as an ordinary key', () => {
    const header = JSON.parse('{"alg":"HS256","__proto__":{"x":1}}') as Record<string, unknown>;
    expect(sortedHeaderJson(header)).toBe('{"__proto__":{"x":1},"alg":"HS256"}');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
