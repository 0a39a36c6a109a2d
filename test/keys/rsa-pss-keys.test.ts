/**
 * Keys of type RSA-PSS (`generateKeyPairSync('rsa-pss')`, `openssl genpkey -algorithm RSA-PSS`):
 * node:crypto cannot export them as JWK, which once made the constructor fail with Node's own
 * "Unsupported JWK Key Type". A one-key manager now signs and verifies PS256 with one and leaves
 * it out of its JWK Set; a keyring, whose job is publishing, refuses it at start-up and says what
 * to use instead.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager } from '../../src/index.js';

const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });

describe('RSA-PSS keys', () => {
  it('sign and verify PS256 in a one-key manager, which publishes no JWK for them', () => {
    const issuer = new JwtManager({ algorithm: 'PS256', privateKey: pss.privateKey });
    const verifier = new JwtManager({ algorithm: 'PS256', publicKey: pss.publicKey });
    expect(verifier.decodeTokenSync(issuer.createAccessTokenSync('alice')).sub).toBe('alice');
    expect(issuer.jwks()).toEqual({ keys: [] });
  });

  it('are refused by a keyring with a message that names the fix', () => {
    const create = () => new JwtManager({ algorithm: 'PS256', keys: [{ kid: 'k1', privateKey: pss.privateKey }] });
    expect(create).toThrow(JwtConfigError);
    expect(create).toThrow(/is an RSA-PSS key, which a JWK Set cannot publish: use a plain RSA key/);
  });
});
