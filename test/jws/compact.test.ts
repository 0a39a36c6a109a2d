import { describe, expect, it } from 'vitest';
import { BadSignature, Malformed } from './engine-errors.js';
import { parseCompactJws } from '../../src/jws/compact.js';
import { expectThrow } from './expect-error.js';

const MAX = 8192;
const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64url');
const HEADER = b64('{"alg":"HS256","typ":"JWT"}');
const PAYLOAD = b64('{"sub":"me","n":1}');
const SIG = b64(Buffer.alloc(32, 7));
const token = (header = HEADER, payload = PAYLOAD, sig = SIG): string => `${header}.${payload}.${sig}`;

function expectDecodeError(input: unknown, message: string): void {
  const err = expectThrow(() => parseCompactJws(input, MAX), Malformed, message, 'malformed');
  expect(err).not.toBeInstanceOf(BadSignature);
}

describe('parseCompactJws: a well-formed token', () => {
  it('returns header, payload, signing input and signature bytes', () => {
    const parsed = parseCompactJws(token(), MAX);
    expect(parsed.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(parsed.payload).toEqual({ sub: 'me', n: 1 });
    expect(parsed.signingInput).toBe(`${HEADER}.${PAYLOAD}`);
    expect(parsed.signature).toEqual(Buffer.alloc(32, 7));
  });

  it('accepts a token of exactly maxLength characters', () => {
    const t = token();
    expect(parseCompactJws(t, t.length).payload).toEqual({ sub: 'me', n: 1 });
  });

  it('accepts an empty signature segment (verification will refuse it)', () => {
    expect(parseCompactJws(token(HEADER, PAYLOAD, ''), MAX).signature.length).toBe(0);
  });

  it('keeps header parameters it never uses (jku, x5u, jwk, x5c) as plain data', () => {
    const header = {
      alg: 'RS256',
      jku: 'https://evil.example/jwks',
      x5u: 'https://evil.example/cert',
      jwk: { kty: 'RSA' },
      x5c: ['MII'],
    };
    expect(parseCompactJws(token(b64(JSON.stringify(header))), MAX).header).toEqual(header);
  });

  it('lets the last of duplicate keys win, as both JSON.parse and Python do', () => {
    expect(parseCompactJws(token(HEADER, b64('{"sub":"a","sub":"b"}')), MAX).payload).toEqual({ sub: 'b' });
  });
});

describe('parseCompactJws: PyJWT messages', () => {
  it.each([
    ['a number', 123],
    ['undefined', undefined],
    ['null', null],
    ['a Buffer', Buffer.from(token())],
    ['an object', { token: token() }],
  ])('refuses %s: Invalid token type', (_name, input) => {
    expectDecodeError(input, "Invalid token type. Token must be a <class 'bytes'>");
  });

  it('refuses a token over maxLength before parsing it', () => {
    expectDecodeError(`${token()}x`.padEnd(MAX + 1, 'x'), 'Token is too large');
    expectThrow(() => parseCompactJws(token(), token().length - 1), Malformed, 'Token is too large');
  });

  // The size limit is checked before any parsing: a 1 MB token that would fail every later check
  // in a different way (too many segments, no dots, bad base64) is refused by its size alone. The
  // check order is what keeps it cheap; speed itself is measured in `npm run bench`, not here.
  it.each([
    ['full of dots', 'a.'.repeat(500_000)],
    ['without a dot', 'a'.repeat(1_000_000)],
    ['of invalid characters', '!'.repeat(1_000_000)],
  ])('refuses a 1 MB token %s by its size, before parsing', (_name, huge) => {
    expectThrow(() => parseCompactJws(huge, MAX), Malformed, 'Token is too large');
  });

  it.each([
    ['no dot', 'xxx'],
    ['the empty string', ''],
    ['one dot', 'aaaa.bbbb'],
    ['a lone dot', '.'],
  ])('refuses %s: Not enough segments', (_name, input) => {
    expectDecodeError(input, 'Not enough segments');
  });

  it.each([
    ['length % 4 == 1', 'aaaaa.bbbbb.ccccc'],
    ['padding', token(`${HEADER}=`)],
    ['a + character', token(HEADER.replace('J', '+'))],
    ['whitespace', token(` ${HEADER}`)],
    ['non-ASCII', token(`${HEADER}é`)],
  ])('refuses a header with %s: Invalid header padding', (_name, input) => {
    expectDecodeError(input, 'Invalid header padding');
  });

  it.each([
    ['text that is not JSON', b64('xyz'), 'Invalid header string: Expecting value: line 1 column 1 (char 0)'],
    ['an empty header', '', 'Invalid header string: Expecting value: line 1 column 1 (char 0)'],
    [
      'a trailing comma',
      b64('{"alg":"HS256",}'),
      'Invalid header string: Expecting property name enclosed in double quotes: line 1 column 16 (char 15)',
    ],
    ['invalid UTF-8', b64(Buffer.from([0x7b, 0xff, 0x7d])), 'Invalid header string: not valid UTF-8'],
    [
      'a byte-order mark',
      b64(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"alg":"HS256"}')])),
      'Invalid header string: Expecting value: line 1 column 1 (char 0)',
    ],
    [
      'NaN, which Python would accept',
      b64('{"alg":NaN}'),
      'Invalid header string: Expecting value: line 1 column 8 (char 7)',
    ],
    ['an array', b64('[{"alg":"HS256"}]'), 'Invalid header string: must be a json object'],
    ['null', b64('null'), 'Invalid header string: must be a json object'],
    ['a string', b64('"HS256"'), 'Invalid header string: must be a json object'],
    ['a number', b64('1'), 'Invalid header string: must be a json object'],
  ])('refuses a header with %s', (_name, header, message) => {
    expectDecodeError(token(header), message);
  });

  it('never quotes the token in a JSON error', () => {
    const err = expectThrow(
      () => parseCompactJws(token(b64('secret-stuff')), MAX),
      Malformed,
      /^Invalid header string: /,
    );
    expect(err.message).not.toContain('secret-stuff');
    expect(err.message).not.toContain('ecret');
  });

  it('splits like PyJWT: header before the first dot, signature after the last, payload in between', () => {
    // "a.b.c.d": the payload segment is "PAYLOAD.x", which is not base64url.
    expectDecodeError(`${HEADER}.${PAYLOAD}.x.${SIG}`, 'Invalid payload padding');
  });

  it.each([
    ['padding', `${PAYLOAD}=`],
    ['a / character', `/${PAYLOAD.slice(1)}`],
    ['length % 4 == 1', 'bbbbb'],
  ])('refuses a payload with %s: Invalid payload padding', (_name, payload) => {
    expectDecodeError(token(HEADER, payload), 'Invalid payload padding');
  });

  it.each([
    ['padding', `${SIG}=`],
    ['a + character', `+${SIG.slice(1)}`],
    ['whitespace', `${SIG} `],
    ['non-canonical trailing bits', 'YR'],
  ])('refuses a signature with %s: Invalid crypto padding', (_name, sig) => {
    expectDecodeError(token(HEADER, PAYLOAD, sig), 'Invalid crypto padding');
  });

  it.each([
    [
      'text that is not JSON',
      b64('{"sub":"me"'),
      "Invalid payload string: Expecting ',' delimiter: line 1 column 12 (char 11)",
    ],
    [
      'invalid UTF-8',
      b64(Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d])),
      'Invalid payload string: not valid UTF-8',
    ],
    ['an array', b64('["sub"]'), 'Invalid payload string: must be a json object'],
    ['a string', b64('"me"'), 'Invalid payload string: must be a json object'],
    ['true', b64('true'), 'Invalid payload string: must be a json object'],
  ])('refuses a payload with %s', (_name, payload, message) => {
    expectDecodeError(token(HEADER, payload), message);
  });

  it.each([
    ['a number', 1],
    ['null', null],
    ['an object', { id: 'k' }],
    ['an array', ['k']],
  ])('refuses a kid that is %s', (_name, kid) => {
    expectDecodeError(token(b64(JSON.stringify({ alg: 'HS256', kid }))), 'Key ID header parameter must be a string');
  });

  it('accepts a string kid', () => {
    expect(parseCompactJws(token(b64('{"alg":"HS256","kid":"k1"}')), MAX).header.kid).toBe('k1');
  });

  it.each([
    ['a known claim name', ['exp']],
    ['an empty list', []],
    ['b64', ['b64']],
  ])('refuses any crit header (%s): we implement no extension', (_name, crit) => {
    expectDecodeError(
      token(b64(JSON.stringify({ alg: 'HS256', crit, exp: 1, b64: true }))),
      'Unsupported critical header parameter',
    );
  });
});

describe('parseCompactJws: check order (flask decodes unverified first, as PyJWT _load does)', () => {
  const badJson = b64('{oops');
  it('header padding before anything in the payload', () => {
    expectDecodeError(token('a', 'b', 'c'), 'Invalid header padding');
  });
  it('header JSON before payload padding', () => {
    expectDecodeError(
      token(badJson, 'b'),
      'Invalid header string: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
    );
  });
  it('payload padding before crypto padding', () => {
    expectDecodeError(token(HEADER, 'b', '+'), 'Invalid payload padding');
  });
  it('crypto padding before payload JSON', () => {
    expectDecodeError(token(HEADER, badJson, '+'), 'Invalid crypto padding');
  });
  it('payload JSON before the kid check', () => {
    expectDecodeError(
      token(b64('{"alg":"HS256","kid":1}'), badJson),
      'Invalid payload string: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
    );
  });
});

describe('parseCompactJws: prototype safety', () => {
  it('keeps __proto__ in the payload as an own data property', () => {
    const parsed = parseCompactJws(token(HEADER, b64('{"__proto__":{"admin":true,"polluted":1},"sub":"x"}')), MAX);
    expect(Object.getPrototypeOf(parsed.payload)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed.payload, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(parsed.payload, '__proto__')?.value).toEqual({ admin: true, polluted: 1 });
    expect(parsed.payload.admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps __proto__ and constructor in the header as data', () => {
    const parsed = parseCompactJws(
      token(b64('{"alg":"HS256","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}')),
      MAX,
    );
    expect(Object.getPrototypeOf(parsed.header)).toBe(Object.prototype);
    expect(parsed.header.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
