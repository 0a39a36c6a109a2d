/**
 * The Buffer-free base64url of the WebCrypto engine against the node:crypto engine's: the same
 * bytes, and the same refusals, for any input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64urlStrict, encodeBase64url } from '../../../src/jws/base64url.js';
import { decodeBase64urlBytes, encodeBase64urlBytes } from '../../../src/jws/webcrypto/base64url.js';
import { fuzzParameters } from '../../helpers/property.js';

const asArray = (b: Uint8Array | undefined): number[] | undefined => (b === undefined ? undefined : [...b]);

describe('WebCrypto base64url', () => {
  it('encodes any bytes exactly as Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(encodeBase64urlBytes(bytes)).toBe(encodeBase64url(bytes));
      }),
      fuzzParameters(500),
    );
  });

  it('encodes any string as its UTF-8 bytes, as Buffer does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(encodeBase64urlBytes(text)).toBe(encodeBase64url(text));
      }),
      fuzzParameters(100),
    );
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(asArray(decodeBase64urlBytes(encodeBase64urlBytes(bytes)))).toEqual([...bytes]);
      }),
      fuzzParameters(100),
    );
  });

  it('accepts and refuses exactly what the node:crypto engine does, for any short text', () => {
    const alphabet = 'ABCabcxyz0189-_+/= \n.\u00e9';
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 12 }), (s) => {
        expect(asArray(decodeBase64urlBytes(s))).toEqual(asArray(decodeBase64urlStrict(s)));
      }),
      fuzzParameters(2000),
    );
  });

  it.each([
    ['padding', 'YQ=='],
    ['standard alphabet', 'a+/b'],
    ['whitespace', 'YW Jj'],
    ['a dangling character', 'YWJjZ'],
    ['stray bits in 2 characters', 'YR'],
    ['stray bits in 3 characters', '-_9'],
    ['a non-ASCII character', 'Y\u00e9'],
  ])('refuses %s', (_name, s) => {
    expect(decodeBase64urlBytes(s)).toBeUndefined();
    expect(decodeBase64urlStrict(s)).toBeUndefined();
  });
});
