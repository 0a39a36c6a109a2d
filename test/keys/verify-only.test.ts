/**
 * Verify-only managers (a public key, a keyring of public keys), issuer lists as PyJWT has them,
 * ES256K, and the refused mix of HMAC and asymmetric algorithms.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidIssuerError, JwtConfigError, JwtManager } from '../../src/index.js';
import type { Algorithm } from '../../src/index.js';
import { callRoute } from '../helpers/core-request.js';

function pairFor(alg: Algorithm) {
  if (alg === 'RS256') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('ec', { namedCurve: alg === 'ES256K' ? 'secp256k1' : 'P-256' });
}

function configError(make: () => unknown): JwtConfigError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(JwtConfigError);
    return error as JwtConfigError;
  }
  throw new Error('expected a JwtConfigError');
}

describe('verify-only managers', () => {
  it.each(['RS256', 'ES256', 'EdDSA', 'ES256K'] as const)(
    '%s: publicKey alone verifies, and creating a token says what is missing',
    async (alg) => {
      const { privateKey, publicKey } = pairFor(alg);
      const issuer = new JwtManager({ algorithm: alg, privateKey });
      const verifier = new JwtManager({
        algorithm: alg,
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string,
      });
      const token = issuer.createAccessTokenSync('alice');
      expect(verifier.decodeTokenSync(token).sub).toBe('alice');
      expect(await callRoute(verifier, { headers: { Authorization: `Bearer ${token}` } })).toEqual({
        status: 200,
        body: { identity: 'alice' },
      });
      const message = `This JwtManager only verifies tokens and cannot create one: privateKey is not set (${alg} signs with a private key`;
      expect(configError(() => verifier.createAccessTokenSync('alice')).message).toContain(message);
      await expect(verifier.createRefreshToken('alice')).rejects.toThrow(message);
      // A token signed by someone else's key is still refused.
      const stranger = new JwtManager({ algorithm: alg, privateKey: pairFor(alg).privateKey });
      expect(
        (await callRoute(verifier, { headers: { Authorization: `Bearer ${stranger.createAccessTokenSync('x')}` } }))
          .status,
      ).toBe(422);
    },
  );

  it('publishes the public key of a one-key manager under its thumbprint', () => {
    const { publicKey } = pairFor('ES256');
    const verifier = new JwtManager({ algorithm: 'ES256', publicKey });
    const [jwk] = verifier.jwks().keys;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(typeof jwk?.kid).toBe('string');
  });

  it('still refuses an asymmetric manager with no key at all', () => {
    expect(configError(() => new JwtManager({ algorithm: 'ES256' })).message).toContain(
      'publicKey or privateKey must be set when using asymmetric algorithm "ES256"',
    );
  });
});

describe('issuer lists (decodeIssuer as PyJWT)', () => {
  const issuerOf = (iss: unknown) =>
    new JwtManager({ secretKey: 's'.repeat(40), encodeIssuer: null }).createAccessTokenSync('me', {
      additionalClaims: { iss },
    });
  const verifier = new JwtManager({
    secretKey: 's'.repeat(40),
    decodeIssuer: ['https://a.example', 'https://b.example'],
  });

  it('accepts any issuer of the list', () => {
    expect(verifier.decodeTokenSync(issuerOf('https://a.example')).iss).toBe('https://a.example');
    expect(verifier.decodeTokenSync(issuerOf('https://b.example')).iss).toBe('https://b.example');
  });

  it('refuses others, and an iss that is a list, with 422 Invalid issuer', async () => {
    for (const iss of ['https://c.example', ['https://a.example']]) {
      expect(() => verifier.decodeTokenSync(issuerOf(iss))).toThrow(InvalidIssuerError);
      expect(await callRoute(verifier, { headers: { Authorization: `Bearer ${issuerOf(iss)}` } })).toEqual({
        status: 422,
        body: { msg: 'Invalid issuer' },
      });
    }
  });

  it('still takes one string, and refuses an empty list at start-up', () => {
    const one = new JwtManager({ secretKey: 's'.repeat(40), decodeIssuer: 'https://a.example' });
    expect(one.decodeTokenSync(issuerOf('https://a.example')).sub).toBe('me');
    expect(() => one.decodeTokenSync(issuerOf('https://b.example'))).toThrow(InvalidIssuerError);
    expect(configError(() => new JwtManager({ secretKey: 's'.repeat(40), decodeIssuer: [] })).message).toContain(
      'decodeIssuer must be a string or a non-empty list of strings',
    );
  });
});

describe('HMAC and asymmetric algorithms in one manager', () => {
  it.each([
    ['RS256 app that also lists HS256', { algorithm: 'RS256', decodeAlgorithms: ['HS256'] }],
    ['HS256 app that also lists ES256', { algorithm: 'HS256', decodeAlgorithms: ['ES256'] }],
  ])('is refused at start-up: %s', (_name, options) => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const error = configError(
      () => new JwtManager({ ...options, privateKey: keys.privateKey, secretKey: 'q'.repeat(40) } as never),
    );
    expect(error.message).toContain('decodeAlgorithms mixes HMAC');
    expect(error.message).toContain("a token's header would then choose the key type");
  });

  it('one family with several algorithms is fine', () => {
    const jwt = new JwtManager({ secretKey: 'q'.repeat(64), algorithm: 'HS512', decodeAlgorithms: ['HS256'] });
    expect(jwt.config.decodeAlgorithms).toEqual(['HS256', 'HS512']);
  });
});
