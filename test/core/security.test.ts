/**
 * The attacks issue #2 names, each refused with the documented error and message: `alg: none`,
 * an HS256 token signed with the RSA public key (key confusion), an expired token, a tampered
 * payload and a 1 MB token.
 */
import { generateKeyPairSync, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ExpiredSignatureError,
  InvalidAlgorithmError,
  InvalidSignatureError,
  JwtConfigError,
  JwtDecodeError,
  JwtManager,
} from '../../src/index.js';
import { callRoute } from '../helpers/core-request.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const SECRET = 'a-long-enough-secret-for-hs256-tests-0123456789abcdef';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('refused tokens', () => {
  const hsApp = new JwtManager({ secretKey: SECRET });
  const rsApp = new JwtManager({ algorithm: 'RS256', privateKey: privatePem, publicKey: publicPem });

  it('refuses alg none, signed or not', async () => {
    for (const token of [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin' })}.`,
      `${b64({ alg: 'none' })}.${b64({ sub: 'admin' })}.${Buffer.from('x').toString('base64url')}`,
    ]) {
      const error = await rejection(hsApp.decodeToken(token));
      expect(error).toBeInstanceOf(InvalidAlgorithmError);
      expect(error.message).toBe('The specified alg value is not allowed');
      expect(await callRoute(hsApp, { headers: { Authorization: `Bearer ${token}` } })).toEqual({
        status: 422,
        body: { msg: 'The specified alg value is not allowed' },
      });
    }
  });

  it('refuses an HS256 token signed with the RSA public key at an RS256 app', async () => {
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'admin', type: 'access' })}`;
    const forged = `${signingInput}.${createHmac('sha256', publicPem).update(signingInput).digest('base64url')}`;
    const error = await rejection(rsApp.decodeToken(forged));
    expect(error).toBeInstanceOf(InvalidAlgorithmError);
    expect(error.message).toBe('The specified alg value is not allowed');
    // ...and an app cannot be configured to make that attack possible (flask: a 500 on every request).
    expect(
      () =>
        new JwtManager({
          algorithm: 'RS256',
          publicKey: publicPem,
          privateKey: privatePem,
          decodeAlgorithms: ['HS256'],
        }),
    ).toThrow(JwtConfigError);
    expect(() => new JwtManager({ secretKey: publicPem })).toThrow(JwtConfigError);
  });

  it('refuses an expired token with 401 Token has expired, and gives the callback its payload', async () => {
    let now = Date.UTC(2030, 0, 1);
    const jwt = new JwtManager({
      secretKey: SECRET,
      clock: () => now,
      expiredTokenLoader: (_h, p) => ({ status: 401, body: { who: p.sub } }),
    });
    const token = jwt.createAccessTokenSync('alice', { expiresDelta: 60 });
    now += 60_000;
    const error = await rejection(jwt.decodeToken(token));
    expect(error).toBeInstanceOf(ExpiredSignatureError);
    expect(error.message).toBe('Signature has expired');
    expect(await callRoute(jwt, { headers: { Authorization: `Bearer ${token}` } })).toEqual({
      status: 401,
      body: { who: 'alice' },
    });
    const plain = new JwtManager({ secretKey: SECRET, clock: () => now });
    expect(await callRoute(plain, { headers: { Authorization: `Bearer ${token}` } })).toEqual({
      status: 401,
      body: { msg: 'Token has expired' },
    });
    // One second earlier it was still valid: exp is exclusive, as in PyJWT.
    now -= 1000;
    expect((await jwt.decodeToken(token)).sub).toBe('alice');
  });

  it('refuses a tampered payload with 422 Signature verification failed', async () => {
    const token = hsApp.createAccessTokenSync('alice');
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${b64({ ...hsApp.decodeTokenSync(token), sub: 'admin' })}.${signature}`;
    const error = await rejection(hsApp.decodeToken(tampered));
    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect(await callRoute(hsApp, { headers: { Authorization: `Bearer ${tampered}` } })).toEqual({
      status: 422,
      body: { msg: 'Signature verification failed' },
    });
  });

  it('refuses a 1 MB token before parsing it', async () => {
    // Segments that would fail base64 prove the size check comes first: parsing would say "padding".
    const huge = `${'a'.repeat(500_001)}.${'b'.repeat(500_001)}.c`;
    const error = await rejection(hsApp.decodeToken(huge));
    expect(error).toBeInstanceOf(JwtDecodeError);
    expect(error.message).toBe('Token is too large');
    expect(
      await callRoute(
        hsApp,
        { method: 'POST', headers: { 'content-type': 'application/json' }, json: { access_token: huge } },
        { locations: 'json' },
      ),
    ).toEqual({
      status: 422,
      body: { msg: 'Token is too large' },
    });
  });
});
