/**
 * Key material is held where nothing prints it: inspecting, serialising or logging the manager
 * or its configuration never shows the secret or the private key (a log line is a leak).
 */
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { JwtManager } from '../../src/index.js';

const SECRET = 'do-not-print-this-secret-0123456789abcdef';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** A line of the PEM body: any of it in the output is a leak. */
const PRIVATE_BODY = PRIVATE_PEM.split('\n')[5] as string;

/** Everything an app might print: inspect (what console.log uses), deep inspect, and JSON. */
function printed(value: unknown): string[] {
  return [
    inspect(value),
    inspect(value, { depth: Infinity, showHidden: false }),
    inspect(value, { depth: Infinity, getters: true }),
    JSON.stringify(value) ?? '',
  ];
}

describe('key material', () => {
  it('an HMAC secret never shows in inspect or JSON of the manager or its config', () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    for (const text of [...printed(jwt), ...printed(jwt.config)]) expect(text).not.toContain(SECRET);
    expect(printed(jwt.config)[0]).toContain("algorithm: 'HS256'"); // the rest is still visible
  });

  it('a private key (PEM or KeyObject) never shows, a public key may', () => {
    for (const key of [PRIVATE_PEM, privateKey]) {
      const jwt = new JwtManager({ algorithm: 'RS256', privateKey: key, publicKey: PUBLIC_PEM });
      for (const text of [...printed(jwt), ...printed(jwt.config)]) {
        expect(text).not.toContain(PRIVATE_BODY);
        expect(text).not.toContain('PRIVATE KEY');
      }
    }
  });

  it('the private keys of a keyring (keys option) never show', () => {
    const jwt = new JwtManager({ algorithm: 'RS256', keys: [{ kid: 'k1', privateKey: PRIVATE_PEM }] });
    for (const text of [...printed(jwt), ...printed(jwt.config)]) expect(text).not.toContain(PRIVATE_BODY);
    expect(jwt.jwks().keys).toHaveLength(1); // the public half is still published
  });

  it('the keys are still there for the manager to use', () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    expect(jwt.config.secretKey).toBe(SECRET);
    expect(jwt.decodeTokenSync(jwt.createAccessTokenSync('alice')).sub).toBe('alice');
    expect(Object.keys(jwt.config)).not.toContain('secretKey');
  });
});
