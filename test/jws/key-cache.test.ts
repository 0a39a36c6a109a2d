import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnusableKey } from './engine-errors.js';
import { createKeyCache } from '../../src/jws/key-cache.js';
import { expectThrow } from './expect-error.js';
import { HMAC_SECRET, pem, rsaKeys } from './test-keys.js';

describe('createKeyCache', () => {
  it('imports a KeyObject once per algorithm and use', () => {
    const cache = createKeyCache();
    const { publicKey, privateKey } = rsaKeys();
    const first = cache.verifying('RS256', publicKey);
    expect(cache.verifying('RS256', publicKey)).toBe(first);
    expect(cache.verifying('RS384', publicKey)).not.toBe(first);
    expect(cache.verifying('RS384', publicKey).alg).toBe('RS384');
    expect(cache.signing('RS256', privateKey)).toBe(cache.signing('RS256', privateKey));
    const secret = createSecretKey(Buffer.from(HMAC_SECRET));
    expect(cache.signing('HS256', secret)).not.toBe(cache.verifying('HS256', secret));
  });

  it('imports equal strings, Buffers and JWKs once, whatever the instance', () => {
    const cache = createKeyCache();
    const publicPem = pem(rsaKeys().publicKey);
    const a = cache.verifying('RS256', publicPem);
    expect(cache.verifying('RS256', `${publicPem}`)).toBe(a);
    expect(cache.verifying('RS256', Buffer.from(publicPem))).not.toBe(a); // bytes and text are keyed apart
    expect(cache.verifying('RS256', Buffer.from(publicPem))).toBe(cache.verifying('RS256', Buffer.from(publicPem)));
    const jwk = () => rsaKeys().publicKey.export({ format: 'jwk' });
    expect(cache.verifying('PS256', jwk())).toBe(cache.verifying('PS256', jwk()));
    expect(cache.signing('HS256', HMAC_SECRET)).toBe(cache.signing('HS256', HMAC_SECRET));
    expect(cache.signing('HS256', HMAC_SECRET)).not.toBe(cache.signing('HS512', HMAC_SECRET));
  });

  it('sees a mutated JWK as a new key', () => {
    const cache = createKeyCache();
    const jwk: Record<string, string> = { kty: 'oct', k: 'YWJj' };
    const before = cache.verifying('HS256', jwk);
    jwk.k = 'ZGVm';
    const after = cache.verifying('HS256', jwk);
    expect(after).not.toBe(before);
    expect(after.keyObject.export()).toEqual(Buffer.from('def'));
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = createKeyCache({ maxEntries: 2 });
    const a = cache.verifying('HS256', 'secret-a');
    const b = cache.verifying('HS256', 'secret-b');
    expect(cache.verifying('HS256', 'secret-a')).toBe(a); // a is now the most recent
    cache.verifying('HS256', 'secret-c'); // evicts b
    expect(cache.verifying('HS256', 'secret-a')).toBe(a);
    expect(cache.verifying('HS256', 'secret-b')).not.toBe(b);
  });

  it('never caches a refusal: it throws the same error every time', () => {
    const cache = createKeyCache();
    const publicPem = pem(rsaKeys().publicKey);
    for (let i = 0; i < 2; i++) {
      expectThrow(
        () => cache.signing('HS256', publicPem, 'decodeKeyLoader'),
        UnusableKey,
        /^decodeKeyLoader for HS256 looks like a PEM key/,
      );
      expectThrow(() => cache.verifying('RS256', undefined as never), UnusableKey, /^publicKey for RS256 is not set;/);
    }
  });
});
