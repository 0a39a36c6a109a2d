import { describe, expect, it } from 'vitest';
import { decodeBase64urlStrict, encodeBase64url } from '../../src/jws/base64url.js';

describe('encodeBase64url', () => {
  it('encodes strings as UTF-8, without padding, with the URL alphabet', () => {
    expect(encodeBase64url('{"alg":"HS256"}')).toBe('eyJhbGciOiJIUzI1NiJ9');
    expect(encodeBase64url('é')).toBe('w6k');
    expect(encodeBase64url(Buffer.from([0xfb, 0xff]))).toBe('-_8');
    expect(encodeBase64url('')).toBe('');
  });

  it('encodes text of any length and any character as Buffer does (short text goes through a reused buffer)', () => {
    // Around the reused buffer's limit (8 KiB, 2 730 UTF-16 units), ASCII and 3-byte characters,
    // and a short text right after a long one (nothing of the long one may be left in it).
    const texts = ['a', 'x'.repeat(2730), 'x'.repeat(2731), '€'.repeat(2730), '€'.repeat(2731), 'é😀', 'b'];
    for (const text of texts) expect(encodeBase64url(text)).toBe(Buffer.from(text, 'utf8').toString('base64url'));
  });

  it('encodes a Uint8Array view without reading outside it', () => {
    const backing = new Uint8Array([1, 2, 0xfb, 0xff, 3]);
    expect(encodeBase64url(backing.subarray(2, 4))).toBe('-_8');
  });
});

describe('decodeBase64urlStrict', () => {
  it('decodes canonical unpadded base64url', () => {
    expect(decodeBase64urlStrict('-_8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64urlStrict('YQ')).toEqual(Buffer.from('a'));
    expect(decodeBase64urlStrict('YWI')).toEqual(Buffer.from('ab'));
    expect(decodeBase64urlStrict('YWJj')).toEqual(Buffer.from('abc'));
    expect(decodeBase64urlStrict('')).toEqual(Buffer.alloc(0));
  });

  it('round-trips every byte value and every length up to 70', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(decodeBase64urlStrict(encodeBase64url(all))).toEqual(all);
    for (let n = 0; n <= 70; n++) {
      const bytes = all.subarray(256 - n);
      expect(decodeBase64urlStrict(encodeBase64url(bytes))).toEqual(bytes);
    }
  });

  it.each([
    ['padding', 'YQ=='],
    ['single padding', 'YWI='],
    ['standard alphabet +', '+_8'],
    ['standard alphabet /', '-/8'],
    ['a space', 'YW Jj'],
    ['a newline', 'YWJj\n'],
    ['a leading tab', '\tYWJj'],
    ['a dot', 'YW.j'],
    ['non-ASCII', 'YWJé'],
    ['a NUL', 'YWJ\u0000'],
    ['length % 4 == 1', 'YWJjZ'],
    ['one character', 'Y'],
    ['unused bits set in a 2-character tail (YR -> "a" lax)', 'YR'],
    ['unused bits set in a 3-character tail (canonical "ab" is YWI)', 'YWJ'],
    ['other unused bits set in a 3-character tail', 'YWK'],
    ['unused bits set after a full group', 'YWJjZB'],
  ])('refuses %s', (_name, input) => {
    expect(decodeBase64urlStrict(input)).toBeUndefined();
  });

  it('refuses exactly the strings Buffer.from would accept leniently', () => {
    // Node's own decoder accepts these and gives the same bytes as the canonical spelling.
    expect(Buffer.from('YR', 'base64url')).toEqual(Buffer.from('a'));
    expect(Buffer.from('Y Q', 'base64url')).toEqual(Buffer.from('a'));
    expect(decodeBase64urlStrict('YR')).toBeUndefined();
    expect(decodeBase64urlStrict('Y Q')).toBeUndefined();
  });
});
