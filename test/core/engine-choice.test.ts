/**
 * The `engine` option: node:crypto by default on Node, WebCrypto on request; tokens are the same
 * whichever engine made them; the synchronous APIs say what to use instead on the async engine.
 */
import { describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager } from '../../src/index.js';
import { engineFor } from '../../src/jws/engine.js';
import { ecKeys, pem } from '../jws/test-keys.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes-0123456789';

describe('engine option', () => {
  it("'auto' (the default) is node:crypto where the runtime has it", () => {
    expect(new JwtManager({ secretKey: SECRET }).config.engine.name).toBe('node');
    expect(new JwtManager({ secretKey: SECRET, engine: 'auto' }).config.engine.name).toBe('node');
    expect(engineFor('auto')?.async).toBe(false);
  });

  it("'webcrypto' signs and verifies tokens that the node:crypto engine verifies and signs, byte for byte for HS256", async () => {
    const clock = () => 1_700_000_000_000;
    const web = new JwtManager({ secretKey: SECRET, engine: 'webcrypto', clock });
    const node = new JwtManager({ secretKey: SECRET, engine: 'node', clock });
    expect(web.config.engine.name).toBe('webcrypto');
    const fromWeb = await web.createAccessToken('alice', { additionalClaims: { jti: 'fixed', csrf: 'fixed' } });
    const fromNode = await node.createAccessToken('alice', { additionalClaims: { jti: 'fixed', csrf: 'fixed' } });
    expect(fromWeb).toBe(fromNode);
    expect((await node.decodeToken(fromWeb)).sub).toBe('alice');
    expect((await web.decodeToken(fromNode)).sub).toBe('alice');
    await expect(web.decodeToken(`${fromNode.slice(0, -4)}AAAA`)).rejects.toThrow('Signature verification failed');
  });

  it('works with ES256 keys given as PEM, and a decodeKeyLoader', async () => {
    const { privateKey, publicKey } = ecKeys('P-256');
    const signer = new JwtManager({ algorithm: 'ES256', privateKey: pem(privateKey), engine: 'webcrypto' });
    const token = await signer.createRefreshToken('bob');
    const verifier = new JwtManager({
      algorithm: 'ES256',
      engine: 'webcrypto',
      encodeKeyLoader: () => pem(privateKey),
      decodeKeyLoader: () => pem(publicKey),
    });
    expect((await verifier.decodeToken(await verifier.createAccessToken('carol'))).sub).toBe('carol');
    expect((await verifier.decodeToken(token)).type).toBe('refresh');
  });

  it('the synchronous APIs throw a JwtConfigError naming the async one to use', async () => {
    const web = new JwtManager({ secretKey: SECRET, engine: 'webcrypto' });
    const token = await web.createAccessToken('alice');
    expect(() => web.createAccessTokenSync('alice')).toThrow(/use the async createAccessToken\(\)/);
    expect(() => web.createRefreshTokenSync('alice')).toThrow(/use the async createRefreshToken\(\)/);
    expect(() => web.decodeTokenSync(token)).toThrow(/use the async decodeToken\(\)/);
    expect(() => web.getJti(token)).toThrow(JwtConfigError);
    // Unverified reads stay synchronous.
    expect(web.getUnverifiedJwtHeaders(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('refuses a wrong key when the manager is created, not on the first request', () => {
    const { publicKey } = ecKeys('P-256');
    expect(() => new JwtManager({ secretKey: pem(publicKey), engine: 'webcrypto' })).toThrow(/looks like a PEM key/);
    expect(
      () => new JwtManager({ algorithm: 'ES384', privateKey: pem(ecKeys('P-256').privateKey), engine: 'webcrypto' }),
    ).toThrow(/ES384 needs an EC key on P-384/);
  });

  it('refuses an unknown engine name', () => {
    expect(() => new JwtManager({ secretKey: SECRET, engine: 'openssl' as never })).toThrow(
      "engine must be 'auto', 'node' or 'webcrypto' (got 'openssl')",
    );
  });
});
