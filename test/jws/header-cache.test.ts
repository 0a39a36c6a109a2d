/**
 * The parser reuses the last valid header: a caller changing a parsed header must not change the
 * next token's, and a different (bad) header right after a good one is still checked.
 */
import { describe, expect, it } from 'vitest';
import { parseCompactJws } from '../../src/jws/index.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (header: unknown, payload: unknown = { sub: 'a' }) => `${b64(header)}.${b64(payload)}.c2ln`;

describe('header reuse', () => {
  it('hands every caller its own header object', () => {
    const first = parseCompactJws(token({ alg: 'HS256', typ: 'JWT' }), 8192);
    first.header.alg = 'none';
    (first.header as Record<string, unknown>).injected = true;
    const second = parseCompactJws(token({ alg: 'HS256', typ: 'JWT' }), 8192);
    expect(second.header).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('still checks a new header after a reused one', () => {
    parseCompactJws(token({ alg: 'HS256', typ: 'JWT' }), 8192);
    expect(() => parseCompactJws(token({ alg: 'HS256', kid: 7 }), 8192)).toThrow(
      expect.objectContaining({ code: 'malformed', message: 'Key ID header parameter must be a string' }),
    );
    expect(() => parseCompactJws(token({ alg: 'HS256', crit: ['exp'] }), 8192)).toThrow(
      'Unsupported critical header parameter',
    );
    expect(() => parseCompactJws(`${b64({ alg: 'HS256', typ: 'JWT' }).slice(0, -1)}=.${b64({})}.c2ln`, 8192)).toThrow(
      'Invalid header padding',
    );
  });

  it('does not let a bad header become the reused one', () => {
    const bad = token({ alg: 'HS256', kid: 7 });
    expect(() => parseCompactJws(bad, 8192)).toThrow('Key ID header parameter must be a string');
    expect(() => parseCompactJws(bad, 8192)).toThrow('Key ID header parameter must be a string');
  });
});
