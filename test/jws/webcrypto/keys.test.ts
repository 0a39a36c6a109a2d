/**
 * Key import on the WebCrypto engine: every key the node:crypto engine refuses at configuration
 * time is refused here too, synchronously, with a UnusableKey that says how to fix it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnusableKey } from '../engine-errors.js';
import { importSigningKey, importVerifyingKey } from '../../../src/jws/keys.js';
import { importWebSigningKey, importWebVerifyingKey } from '../../../src/jws/webcrypto/keys.js';
import type { WebKeyMaterial } from '../../../src/jws/webcrypto/keys.js';
import type { Algorithm } from '../../../src/types.js';
import { ecKeys, ed448Keys, ed25519Keys, pem, rsaKeys, rsaPssKeys } from '../test-keys.js';

const spkiDer = (pemText: string): Uint8Array =>
  new Uint8Array(Buffer.from(pemText.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));

function expectConfigError(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UnusableKey);
  expect((caught as Error).message).toMatch(message);
}

describe('both engines refuse the same misconfigured keys', () => {
  const rsaPublicPem = pem(rsaKeys().publicKey);
  const cases: Array<[string, Algorithm, 'sign' | 'verify', WebKeyMaterial, RegExp]> = [
    ['an RSA public key (PEM) as an HMAC secret', 'HS256', 'verify', rsaPublicPem, /looks like a PEM key/],
    [
      'an RSA public key (DER) as an HMAC secret',
      'HS256',
      'verify',
      spkiDer(rsaPublicPem),
      /looks like a DER-encoded key/,
    ],
    ['an SSH key as an HMAC secret', 'HS256', 'sign', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA me', /SSH public key/],
    ['a JWK text as an HMAC secret', 'HS512', 'sign', '{"kty":"EC","crv":"P-256"}', /JSON text of a JWK/],
    ['an RSA JWK as an HMAC secret', 'HS256', 'verify', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, /kty "RSA"/],
    ['an empty secret', 'HS256', 'sign', '', /is empty/],
    ['a missing secret', 'HS256', 'sign', undefined as unknown as string, /not set/],
    ['an oct JWK for another alg', 'HS256', 'sign', { kty: 'oct', k: 'c2VjcmV0', alg: 'HS512' }, /alg "HS512"/],
    ['a public key for signing', 'RS256', 'sign', rsaPublicPem, /public key; signing needs the private key/],
    [
      'an RSA key of 1024 bits',
      'RS256',
      'verify',
      pem(rsaKeys(1024).publicKey),
      /1024 bits; RSA keys must have at least 2048/,
    ],
    [
      'an EC key on the wrong curve',
      'ES256',
      'verify',
      pem(ecKeys('P-384').publicKey),
      /EC public key on P-384; ES256 needs an EC key on P-256/,
    ],
    ['secp256k1 for ES256', 'ES256', 'verify', pem(ecKeys('secp256k1').publicKey), /ES256 needs an EC key on P-256/],
    ['an RSA key for ES256', 'ES256', 'sign', pem(rsaKeys().privateKey), /RSA private key of 2048 bits; ES256 needs/],
    ['an EC key for RS256', 'RS256', 'verify', pem(ecKeys('P-256').publicKey), /RS256 needs an RSA key/],
    ['an Ed25519 key for ES256', 'ES256', 'verify', pem(ed25519Keys().publicKey), /Ed25519 public key; ES256 needs/],
    ['an oct JWK for RS256', 'RS256', 'verify', { kty: 'oct', k: 'c2VjcmV0' }, /secret \("oct"\) JWK/],
    [
      'a public JWK for signing',
      'EdDSA',
      'sign',
      ed25519Keys().publicKey.export({ format: 'jwk' }) as WebKeyMaterial,
      /public key; signing needs/,
    ],
    [
      'a JWK for another alg',
      'ES256',
      'verify',
      { ...(ecKeys('P-256').publicKey.export({ format: 'jwk' }) as object), alg: 'ES384' },
      /alg "ES384"/,
    ],
    [
      'a JWK for encryption',
      'ES256',
      'verify',
      { ...(ecKeys('P-256').publicKey.export({ format: 'jwk' }) as object), use: 'enc' },
      /use "enc"/,
    ],
    ['garbage text', 'RS256', 'verify', 'not a key', /is not a PEM key/],
    ['a number', 'RS256', 'verify', 42 as unknown as string, /is a number/],
    ['an unknown algorithm', 'none' as Algorithm, 'verify', 'x', /"none" .* is not supported/],
  ];

  it.each(cases)('%s', (_name, alg, use, material, message) => {
    const web = use === 'sign' ? importWebSigningKey : importWebVerifyingKey;
    const node = use === 'sign' ? importSigningKey : importVerifyingKey;
    expectConfigError(() => web(alg, material, undefined), message);
    expect(() => node(alg, material as never)).toThrow(UnusableKey);
  });
});

describe('keys WebCrypto cannot read are refused with the conversion to use', () => {
  const rsa = rsaKeys();
  const ec = ecKeys('P-256');
  it.each<[string, Algorithm, 'sign' | 'verify', string, RegExp]>([
    [
      'PKCS#1 private',
      'RS256',
      'sign',
      rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      /openssl pkcs8 -topk8/,
    ],
    [
      'SEC1 private',
      'ES256',
      'sign',
      ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string,
      /openssl pkcs8 -topk8/,
    ],
    [
      'PKCS#1 public',
      'RS256',
      'verify',
      rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      /openssl rsa -RSAPublicKey_in/,
    ],
    [
      'encrypted PKCS#8',
      'RS256',
      'sign',
      rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string,
      /encrypted private key/,
    ],
    ['an RSA-PSS-restricted key', 'PS256', 'verify', pem(rsaPssKeys().publicKey), /RSA-PSS-restricted key/],
    ['an Ed448 key', 'EdDSA', 'verify', pem(ed448Keys().publicKey), /Ed25519 keys only/],
  ])('%s', (_name, alg, use, material, message) => {
    expectConfigError(() => (use === 'sign' ? importWebSigningKey : importWebVerifyingKey)(alg, material), message);
  });
});

describe('CryptoKeys', () => {
  it('accepts one imported for the same algorithm and refuses one for another hash or usage', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await importWebSigningKey('ES256', pem(privateKey)).cryptoKey;
    expect(importWebSigningKey('ES256', key).alg).toBe('ES256');
    expectConfigError(() => importWebSigningKey('ES384', key), /ES384 needs an EC key on P-384/);
    const hmac = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-512' }, false, [
      'sign',
    ]);
    expectConfigError(
      () => importWebSigningKey('HS256', hmac),
      /CryptoKey for HMAC with SHA-512; import it for HMAC with SHA-256/,
    );
    expectConfigError(() => importWebVerifyingKey('HS512', hmac), /without the "verify" usage/);
  });
});

describe('a key WebCrypto itself refuses', () => {
  it('fails with a UnusableKey on first use, never an unhandled rejection', async () => {
    const jwk = { ...(ecKeys('P-256').publicKey.export({ format: 'jwk' }) as Record<string, string>) };
    jwk.x = Buffer.alloc(32, 1).toString('base64url'); // not a point on the curve
    const key = importWebVerifyingKey('ES256', jwk);
    await expect(key.cryptoKey).rejects.toThrow(UnusableKey);
    await expect(key.cryptoKey).rejects.toThrow(/ES256 was refused by WebCrypto/);
  });
});
