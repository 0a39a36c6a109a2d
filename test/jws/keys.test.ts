import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JwsError } from '../../src/jws/index.js';
import { UnusableKey } from './engine-errors.js';
import { importSigningKey, importVerifyingKey } from '../../src/jws/keys.js';
import type { KeyMaterial } from '../../src/jws/keys.js';
import type { Algorithm } from '../../src/types.js';
import { expectThrow } from './expect-error.js';
import { HMAC_SECRET, ecKeys, ed25519Keys, ed448Keys, pem, rsaKeys, rsaPssKeys, x25519Keys } from './test-keys.js';

const HMAC_HELP = (alg: string, n: number): string =>
  `use a random secret of at least ${n} bytes for ${alg}, e.g. crypto.randomBytes(${n}).toString('hex').`;
const LOOKALIKE = (what: string, alg: string, kind: string): string =>
  `${what} for ${alg} looks like ${kind}. An HMAC secret must be random bytes known only to the server, never a public ` +
  `or private key: anyone holding the public key could then sign tokens. To sign with a key pair, set the algorithm to ` +
  `RS256, PS256, ES256 or EdDSA and configure privateKey and publicKey instead.`;
const PRIVATE_FORMATS =
  'a PEM private key (PKCS#8 "BEGIN PRIVATE KEY", or PKCS#1 / SEC1), DER bytes, a private JWK (with "d") or a private KeyObject';
const PUBLIC_FORMATS =
  'a PEM public key (SPKI "BEGIN PUBLIC KEY", PKCS#1, or an X.509 certificate), DER bytes, a JWK, a KeyObject, or the private key';

function expectConfigError(fn: () => unknown, message: string): JwsError {
  return expectThrow(fn, UnusableKey, message, 'key');
}

describe('HMAC secrets', () => {
  it('imports a string secret as its UTF-8 bytes, bound to one algorithm and use', () => {
    const key = importSigningKey('HS256', 'clé');
    expect(key.alg).toBe('HS256');
    expect(key.use).toBe('sign');
    expect(key.keyObject.type).toBe('secret');
    expect(key.keyObject.export()).toEqual(Buffer.from('clé', 'utf8'));
    expect(Object.isFrozen(key)).toBe(true);
    expect(importVerifyingKey('HS512', HMAC_SECRET).use).toBe('verify');
  });

  it('imports a Buffer, a Uint8Array view, an "oct" JWK and a secret KeyObject', () => {
    expect(importSigningKey('HS256', Buffer.from('abc')).keyObject.export()).toEqual(Buffer.from('abc'));
    const view = new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 3);
    expect(importSigningKey('HS256', view).keyObject.export()).toEqual(Buffer.from([1, 2]));
    expect(importSigningKey('HS384', { kty: 'oct', k: 'YWJj', alg: 'HS384', use: 'sig' }).keyObject.export()).toEqual(
      Buffer.from('abc'),
    );
    const secret = createSecretKey(Buffer.from('abc'));
    expect(importVerifyingKey('HS256', secret).keyObject).toBe(secret);
  });

  it("copies a Buffer secret, so later changes to the caller's buffer do not change the key", () => {
    const bytes = Buffer.from('abcdef');
    const key = importSigningKey('HS256', bytes);
    bytes.fill(0);
    expect(key.keyObject.export()).toEqual(Buffer.from('abcdef'));
  });

  it('accepts a secret that merely starts with "{" or contains dashes', () => {
    expect(importSigningKey('HS256', '{not json').keyObject.type).toBe('secret');
    expect(importSigningKey('HS256', '{"a":1}').keyObject.type).toBe('secret');
    expect(importSigningKey('HS256', '-----not-a-pem-----').keyObject.type).toBe('secret');
  });

  it.each<[string, KeyMaterial]>([
    ['an empty string', ''],
    ['an empty Buffer', Buffer.alloc(0)],
    ['an empty "oct" JWK', { kty: 'oct', k: '' }],
    ['an empty secret KeyObject', createSecretKey(Buffer.alloc(0))],
  ])('refuses %s', (_name, material) => {
    expectConfigError(
      () => importSigningKey('HS256', material),
      `secretKey for HS256 is empty; ${HMAC_HELP('HS256', 32)}`,
    );
  });

  it('refuses a missing or non-key secret, naming the option', () => {
    expectConfigError(
      () => importSigningKey('HS512', undefined as unknown as KeyMaterial, 'JWT_SECRET_KEY'),
      `JWT_SECRET_KEY for HS512 is not set; it must be a string, a Buffer, an "oct" JWK or a secret KeyObject: ${HMAC_HELP('HS512', 64)}`,
    );
    expectConfigError(
      () => importVerifyingKey('HS384', 42 as unknown as KeyMaterial),
      `secretKey for HS384 is a number; it must be a string, a Buffer, an "oct" JWK or a secret KeyObject: ${HMAC_HELP('HS384', 48)}`,
    );
  });

  describe('refuses key-pair material as a secret (algorithm confusion)', () => {
    const { publicKey, privateKey } = rsaKeys();
    const cases: Array<[string, KeyMaterial, string]> = [
      ['an SPKI public key PEM', pem(publicKey), 'a PEM key or certificate'],
      [
        'a PKCS#1 public key PEM',
        publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
        'a PEM key or certificate',
      ],
      ['a private key PEM', pem(privateKey), 'a PEM key or certificate'],
      [
        'a certificate PEM',
        '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        'a PEM key or certificate',
      ],
      ['a PEM with leading whitespace', `\n  ${pem(publicKey)}`, 'a PEM key or certificate'],
      ['a PEM public key as a Buffer', Buffer.from(pem(publicKey)), 'a PEM key or certificate'],
      ['an ssh-rsa key', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host', 'an SSH public key'],
      ['an ssh-ed25519 key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq user@host', 'an SSH public key'],
      ['an ecdsa ssh key', 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= me', 'an SSH public key'],
      ['an RSA JWK object', publicKey.export({ format: 'jwk' }), 'a JWK of kty "RSA"'],
      ['an EC JWK object', ecKeys('P-256').publicKey.export({ format: 'jwk' }), 'a JWK of kty "EC"'],
      ['an OKP JWK object', ed25519Keys().publicKey.export({ format: 'jwk' }), 'a JWK of kty "OKP"'],
      ['the JSON text of a JWK', JSON.stringify(publicKey.export({ format: 'jwk' })), 'the JSON text of a JWK'],
      ['a DER SPKI public key', publicKey.export({ type: 'spki', format: 'der' }), 'a DER-encoded key'],
      ['a DER PKCS#1 public key', publicKey.export({ type: 'pkcs1', format: 'der' }), 'a DER-encoded key'],
      ['a public KeyObject', publicKey, 'an RSA public key of 2048 bits'],
      ['a private KeyObject', ecKeys('P-256').privateKey, 'an EC private key on P-256'],
    ];
    it.each(cases)('%s', (_name, material, kind) => {
      const err = expectConfigError(() => importSigningKey('HS256', material), LOOKALIKE('secretKey', 'HS256', kind));
      expectConfigError(() => importVerifyingKey('HS256', material), LOOKALIKE('secretKey', 'HS256', kind));
      if (typeof material === 'string') expect(err.message).not.toContain(material.slice(40, 60));
    });
  });

  it('refuses an "oct" JWK made for another algorithm, or with a bad "k"', () => {
    expectConfigError(
      () => importSigningKey('HS256', { kty: 'oct', k: 'YWJj', alg: 'HS512' }),
      'secretKey is a JWK for alg "HS512", but the configured algorithm is HS256; use a JWK made for HS256, or set the algorithm to HS512.',
    );
    expectConfigError(
      () => importSigningKey('HS256', { kty: 'oct', k: 'YW=' }),
      'secretKey for HS256 is an "oct" JWK whose "k" is not base64url text; fix "k".',
    );
    expectConfigError(
      () => importSigningKey('HS256', { kty: 'oct', k: 'YWJj', use: 'enc' }),
      'secretKey for HS256 is a JWK with use "enc"; a signing key needs use "sig" (or no "use").',
    );
    expectConfigError(
      () => importSigningKey('HS256', { kty: 'other' }),
      'secretKey for HS256 is a JWK without kty "oct"; an HMAC secret JWK needs kty "oct" and "k".',
    );
  });
});

describe('asymmetric keys: accepted forms', () => {
  const cases: Array<[Algorithm, () => { privateKey: KeyObject; publicKey: KeyObject }]> = [
    ['RS256', () => rsaKeys()],
    ['PS384', () => rsaKeys()],
    ['ES256', () => ecKeys('P-256')],
    ['ES384', () => ecKeys('P-384')],
    ['ES512', () => ecKeys('P-521')],
    ['EdDSA', () => ed25519Keys()],
  ];

  it.each(cases)(
    '%s: PEM, DER, JWK and KeyObject, private for signing, public or private for verifying',
    (alg, keys) => {
      const { privateKey, publicKey } = keys();
      const signing: KeyMaterial[] = [
        privateKey,
        pem(privateKey),
        Buffer.from(pem(privateKey)),
        privateKey.export({ type: 'pkcs8', format: 'der' }),
        privateKey.export({ format: 'jwk' }),
      ];
      for (const material of signing) {
        const key = importSigningKey(alg, material);
        expect(key).toMatchObject({ alg, use: 'sign' });
        expect(key.keyObject.type).toBe('private');
        expect(key.keyObject.equals(privateKey)).toBe(true);
      }
      const verifying: KeyMaterial[] = [
        ...signing,
        publicKey,
        pem(publicKey),
        publicKey.export({ type: 'spki', format: 'der' }),
        publicKey.export({ format: 'jwk' }),
      ];
      for (const material of verifying) {
        const key = importVerifyingKey(alg, material);
        expect(key).toMatchObject({ alg, use: 'verify' });
        // A verifier keeps only the public half, whatever it was given.
        expect(key.keyObject.type).toBe('public');
        expect(key.keyObject.equals(publicKey)).toBe(true);
      }
    },
  );

  it('reads PKCS#1 RSA and SEC1 EC PEMs', () => {
    const rsa = rsaKeys();
    expect(
      importSigningKey('RS256', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string).keyObject.type,
    ).toBe('private');
    expect(
      importVerifyingKey('RS256', rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string).keyObject.type,
    ).toBe('public');
    expect(importSigningKey('RS256', rsa.privateKey.export({ type: 'pkcs1', format: 'der' })).keyObject.type).toBe(
      'private',
    );
    const ec = ecKeys('P-384');
    expect(
      importSigningKey('ES384', ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string).keyObject.type,
    ).toBe('private');
    expect(importSigningKey('ES384', ec.privateKey.export({ type: 'sec1', format: 'der' })).keyObject.type).toBe(
      'private',
    );
  });

  it('accepts a JWK whose alg and use match', () => {
    const jwk = { ...ecKeys('P-256').publicKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' };
    expect(importVerifyingKey('ES256', jwk).alg).toBe('ES256');
  });

  it('accepts RSA-PSS keys for PS*, and Ed448 for EdDSA', () => {
    expect(importSigningKey('PS256', rsaPssKeys().privateKey).alg).toBe('PS256');
    expect(importVerifyingKey('PS512', rsaPssKeys().publicKey).alg).toBe('PS512');
    expect(importSigningKey('EdDSA', ed448Keys().privateKey).alg).toBe('EdDSA');
  });
});

describe('asymmetric keys: refusals name the option and the fix', () => {
  it('refuses a public key for signing, in every form', () => {
    const { publicKey } = rsaKeys();
    const publicForSigning = `privateKey for RS256 is a public key; signing needs the private key: ${PRIVATE_FORMATS}.`;
    expectConfigError(() => importSigningKey('RS256', publicKey), publicForSigning);
    expectConfigError(() => importSigningKey('RS256', pem(publicKey)), publicForSigning);
    expectConfigError(
      () => importSigningKey('RS256', publicKey.export({ type: 'pkcs1', format: 'pem' }) as string),
      publicForSigning,
    );
    expectConfigError(
      () => importSigningKey('RS256', publicKey.export({ format: 'jwk' })),
      'privateKey for RS256 is a public JWK; signing needs the private JWK (with "d").',
    );
    expectConfigError(
      () => importSigningKey('RS256', publicKey.export({ type: 'spki', format: 'der' })),
      `privateKey for RS256 could not be read as a DER private key; it must be ${PRIVATE_FORMATS}.`,
    );
  });

  it('refuses an RSA key under 2048 bits', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const alg of ['RS256', 'PS256'] as const) {
      expectConfigError(
        () => importVerifyingKey(alg, weak.publicKey),
        `publicKey for ${alg} is an RSA key of 1024 bits; RSA keys must have at least 2048 bits. Generate a new key (e.g. 3072 bits).`,
      );
    }
    expectConfigError(
      () => importSigningKey('RS512', pem(weak.privateKey), 'JWT_PRIVATE_KEY'),
      'JWT_PRIVATE_KEY for RS512 is an RSA key of 1024 bits; RSA keys must have at least 2048 bits. Generate a new key (e.g. 3072 bits).',
    );
  });

  it('refuses an EC key on another curve, suggesting the algorithm that fits', () => {
    expectConfigError(
      () => importVerifyingKey('ES384', ecKeys('P-256').publicKey),
      'publicKey for ES384 is an EC public key on P-256; ES384 needs an EC key on P-384. Configure a matching key, or set the algorithm to ES256 to use this key.',
    );
    expectConfigError(
      () => importSigningKey('ES256', pem(ecKeys('P-521').privateKey)),
      'privateKey for ES256 is an EC private key on P-521; ES256 needs an EC key on P-256. Configure a matching key, or set the algorithm to ES512 to use this key.',
    );
    expectConfigError(
      () => importVerifyingKey('ES256', ecKeys('secp256k1').publicKey),
      'publicKey for ES256 is an EC public key on secp256k1; ES256 needs an EC key on P-256. Configure a matching key, or set the algorithm to ES256K to use this key.',
    );
  });

  it('refuses a key of the wrong family', () => {
    expectConfigError(
      () => importSigningKey('ES256', pem(rsaKeys().privateKey)),
      'privateKey for ES256 is an RSA private key of 2048 bits; ES256 needs an EC key on P-256. Configure a matching key, or set the algorithm to RS256 to use this key.',
    );
    expectConfigError(
      () => importSigningKey('RS256', ecKeys('P-256').privateKey),
      'privateKey for RS256 is an EC private key on P-256; RS256 needs an RSA key of at least 2048 bits. Configure a matching key, or set the algorithm to ES256 to use this key.',
    );
    expectConfigError(
      () => importSigningKey('RS256', rsaPssKeys().privateKey),
      'privateKey for RS256 is an RSA-PSS private key of 2048 bits; RS256 needs an RSA key of at least 2048 bits. Configure a matching key, or set the algorithm to PS256 to use this key.',
    );
    expectConfigError(
      () => importVerifyingKey('EdDSA', x25519Keys().publicKey),
      'publicKey for EdDSA is an X25519 public key; EdDSA needs an Ed25519 key. Configure a matching key.',
    );
    expectConfigError(
      () => importVerifyingKey('PS256', ed25519Keys().publicKey),
      'publicKey for PS256 is an Ed25519 public key; PS256 needs an RSA (or RSA-PSS) key of at least 2048 bits. Configure a matching key, or set the algorithm to EdDSA to use this key.',
    );
  });

  it('refuses an RSA-PSS key pinned to other parameters', () => {
    const pinned = generateKeyPairSync('rsa-pss', {
      modulusLength: 2048,
      hashAlgorithm: 'sha512',
      mgf1HashAlgorithm: 'sha512',
      // @types/node 20 types this as a string; node wants (and reports) a number.
      saltLength: 64 as unknown as string,
    });
    expectConfigError(
      () => importSigningKey('PS256', pinned.privateKey),
      'privateKey for PS256 is an RSA-PSS key restricted to other parameters (hash sha512, salt 64); PS256 uses sha256 with a 32-byte salt. Use a plain RSA key or one generated for PS256.',
    );
    expect(importSigningKey('PS512', pinned.privateKey).alg).toBe('PS512');
  });

  it('refuses secrets for asymmetric algorithms', () => {
    expectConfigError(
      () => importSigningKey('RS256', createSecretKey(Buffer.from('abc'))),
      'privateKey for RS256 is a secret (symmetric) key; RS256 needs a key pair. To use a shared secret, set the algorithm to HS256.',
    );
    expectConfigError(
      () => importVerifyingKey('ES256', { kty: 'oct', k: 'YWJj' }),
      'publicKey for ES256 is a secret ("oct") JWK; ES256 needs a key pair. To use a shared secret, set the algorithm to HS256.',
    );
    expectConfigError(
      () => importVerifyingKey('RS256', HMAC_SECRET),
      `publicKey for RS256 is not a PEM key; it must be ${PUBLIC_FORMATS}.`,
    );
  });

  it('refuses a JWK made for another algorithm or for encryption', () => {
    const jwk = rsaKeys().publicKey.export({ format: 'jwk' });
    expectConfigError(
      () => importVerifyingKey('RS256', { ...jwk, alg: 'RS512' }),
      'publicKey is a JWK for alg "RS512", but the configured algorithm is RS256; use a JWK made for RS256, or set the algorithm to RS512.',
    );
    expectConfigError(
      () => importVerifyingKey('RS256', { ...jwk, use: 'enc' }),
      'publicKey for RS256 is a JWK with use "enc"; a signing key needs use "sig" (or no "use").',
    );
    expectConfigError(
      () => importVerifyingKey('RS256', { kty: 'RSA', e: 'AQAB' }),
      `publicKey for RS256 is not a valid JWK (check kty, crv and the key members); it must be ${PUBLIC_FORMATS}.`,
    );
  });

  it('explains unreadable, encrypted and OpenSSH keys', () => {
    expectConfigError(
      () => importVerifyingKey('RS256', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host'),
      `publicKey for RS256 is not a PEM key (OpenSSH keys must be converted: ssh-keygen -e -m PKCS8 -f key.pub); it must be ${PUBLIC_FORMATS}.`,
    );
    const encrypted = rsaKeys().privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'pw',
    }) as string;
    const legacyEncrypted = rsaKeys().privateKey.export({
      type: 'pkcs1',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'pw',
    }) as string;
    expect(legacyEncrypted).toContain('Proc-Type: 4,ENCRYPTED');
    for (const material of [encrypted, legacyEncrypted]) {
      expectConfigError(
        () => importSigningKey('RS256', material),
        'privateKey for RS256 is an encrypted private key; decrypt it once at start-up and pass the KeyObject: crypto.createPrivateKey({ key, passphrase }).',
      );
    }
    const broken = expectConfigError(
      () => importVerifyingKey('RS256', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
      `publicKey for RS256 could not be read as a PEM key; it must be ${PUBLIC_FORMATS}.`,
    );
    expect(broken.cause).toBeInstanceOf(Error);
    expectConfigError(
      () => importVerifyingKey('RS256', Buffer.from([0x30, 1, 2, 3])),
      `publicKey for RS256 could not be read as a DER public key; it must be ${PUBLIC_FORMATS}.`,
    );
    expectConfigError(
      () => importVerifyingKey('RS256', undefined as unknown as KeyMaterial),
      `publicKey for RS256 is not set; it must be ${PUBLIC_FORMATS}.`,
    );
    expectConfigError(
      () => importSigningKey('ES512', null as unknown as KeyMaterial, 'JWT_PRIVATE_KEY'),
      `JWT_PRIVATE_KEY for ES512 is not set; it must be ${PRIVATE_FORMATS}.`,
    );
  });

  it('refuses an algorithm it does not know, including none', () => {
    for (const alg of ['none', 'hs256', 'ES256k', 'RSA-OAEP']) {
      expectConfigError(
        () => importVerifyingKey(alg as Algorithm, HMAC_SECRET, 'publicKey'),
        `The algorithm "${alg}" configured for publicKey is not supported; use one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, ES256K, EdDSA.`,
      );
    }
  });

  it('never puts key material in a message', () => {
    const { privateKey } = rsaKeys();
    const privatePem = pem(privateKey);
    const body = privatePem.split('\n')[5] ?? '';
    expect(body.length).toBeGreaterThan(20);
    const attempts: Array<() => unknown> = [
      () => importSigningKey('HS256', privatePem),
      () => importSigningKey('ES256', privatePem),
      () => importSigningKey('RS256', privatePem.replace(`${body}\n`, '')), // truncated DER inside
      () => importVerifyingKey('HS256', privateKey.export({ format: 'jwk' })),
    ];
    for (const attempt of attempts) {
      const err = expectThrow(attempt, UnusableKey, /./);
      expect(err.message).not.toContain(body.slice(0, 20));
      expect(err.message).not.toContain(String(privateKey.export({ format: 'jwk' }).d).slice(0, 20));
    }
  });
});
