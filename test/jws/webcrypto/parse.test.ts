/**
 * The WebCrypto engine's parser against the node:crypto engine's: for every malformed token the
 * same error class and message, for every well-formed one the same result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Malformed } from '../engine-errors.js';
import { parseCompactJws } from '../../../src/jws/compact.js';
import { parseCompactJwsWeb } from '../../../src/jws/webcrypto/parse.js';
import { fuzzParameters } from '../../helpers/property.js';

const b64 = (text: string | Uint8Array): string => Buffer.from(text).toString('base64url');
const HEADER = b64('{"alg":"HS256","typ":"JWT"}');
const PAYLOAD = b64('{"sub":"me","n":1}');
const SIG = b64(Buffer.alloc(32, 7));

type Outcome =
  { ok: true; header: unknown; payload: unknown; input: string; sig: number[] } | { ok: false; error: string };

function outcome(
  parse: () => { header: unknown; payload: unknown; signingInput: string; signature: Uint8Array },
): Outcome {
  try {
    const p = parse();
    return { ok: true, header: p.header, payload: p.payload, input: p.signingInput, sig: [...p.signature] };
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    return { ok: false, error: `${e.code}: ${e.message}` };
  }
}

function expectSameOutcome(token: unknown, max = 8192): Outcome {
  const web = outcome(() => parseCompactJwsWeb(token, max));
  expect(web).toEqual(outcome(() => parseCompactJws(token, max)));
  return web;
}

describe('parseCompactJwsWeb = parseCompactJws', () => {
  it.each<[string, unknown, string]>([
    ['not a string', 42, "Invalid token type. Token must be a <class 'bytes'>"],
    ['too large (checked first)', 'x'.repeat(9000), 'Token is too large'],
    ['one dot', 'abc.def', 'Not enough segments'],
    ['padded header', `${HEADER}=.${PAYLOAD}.${SIG}`, 'Invalid header padding'],
    [
      'header not JSON',
      `${b64('nope')}.${PAYLOAD}.${SIG}`,
      'Invalid header string: Expecting value: line 1 column 1 (char 0)',
    ],
    ['header an array', `${b64('[1]')}.${PAYLOAD}.${SIG}`, 'Invalid header string: must be a json object'],
    [
      'header not UTF-8',
      `${b64(new Uint8Array([0xff, 0xfe]))}.${PAYLOAD}.${SIG}`,
      'Invalid header string: not valid UTF-8',
    ],
    [
      'header with a BOM',
      `${b64('\ufeff{"alg":"HS256"}')}.${PAYLOAD}.${SIG}`,
      'Invalid header string: Expecting value: line 1 column 1 (char 0)',
    ],
    ['payload with +', `${HEADER}.a+b.${SIG}`, 'Invalid payload padding'],
    ['signature with whitespace', `${HEADER}.${PAYLOAD}.ab cd`, 'Invalid crypto padding'],
    ['payload null', `${HEADER}.${b64('null')}.${SIG}`, 'Invalid payload string: must be a json object'],
    ['numeric kid', `${b64('{"alg":"HS256","kid":1}')}.${PAYLOAD}.${SIG}`, 'Key ID header parameter must be a string'],
    ['crit', `${b64('{"alg":"HS256","crit":["exp"]}')}.${PAYLOAD}.${SIG}`, 'Unsupported critical header parameter'],
  ])('refuses %s with the same message', (_name, token, message) => {
    const result = expectSameOutcome(token);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatch(new RegExp(`^malformed: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('reads a well-formed token the same way, __proto__ staying a plain key', () => {
    const payload = b64('{"__proto__":{"admin":true},"sub":"me"}');
    const result = expectSameOutcome(`${HEADER}.${payload}.${SIG}`);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(Object.getPrototypeOf(result.payload)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    }
  });

  it('agrees on arbitrary tokens built from random segments', () => {
    const segment = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'eyJhbGciOiJIUzI1NiJ9-_=+/. '), maxLength: 30 }),
      fc.json().map((j) => b64(j)),
      fc.constant(HEADER),
      fc.constant(PAYLOAD),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (parts) => {
        expectSameOutcome(parts.join('.'), 200);
      }),
      fuzzParameters(1000),
    );
  });
});
