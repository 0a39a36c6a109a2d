/**
 * The known JWS attacks against the WebCrypto engine: each one is refused, as the node:crypto
 * engine refuses it.
 */
import { createHmac, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AlgorithmNotAllowed, BadSignature, Malformed } from '../engine-errors.js';
import { algorithmInfo } from '../../../src/jws/algorithms.js';
import { assertAlgorithmAllowed } from '../../../src/jws/verify.js';
import { webCryptoEngine } from '../../../src/jws/webcrypto/index.js';
import { ecKeys, pem, rsaKeys } from '../test-keys.js';

const b64 = (x: string | Uint8Array): string => Buffer.from(x).toString('base64url');
const PAYLOAD = b64('{"sub":"admin"}');

async function refused(token: string, key: ReturnType<typeof webCryptoEngine.importVerifyingKey>): Promise<void> {
  await expect(webCryptoEngine.verify(webCryptoEngine.parse(token, 8192), key)).rejects.toThrow(BadSignature);
}

describe('attacks on the WebCrypto engine', () => {
  it('alg none (any spelling) is not an algorithm: the allow-list refuses it before any key is chosen', () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const parsed = webCryptoEngine.parse(`${b64(`{"alg":"${alg}"}`)}.${PAYLOAD}.`, 8192);
      expect(() => assertAlgorithmAllowed(parsed.header, ['HS256', 'RS256'])).toThrow(AlgorithmNotAllowed);
    }
  });

  it('an HS256 token signed with the RS256 public key is refused by the RS256 key (key confusion)', async () => {
    const publicPem = pem(rsaKeys().publicKey);
    const input = `${b64('{"alg":"HS256"}')}.${PAYLOAD}`;
    const forged = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    await refused(forged, webCryptoEngine.importVerifyingKey('RS256', publicPem));
    // ... and the public key can never become an HMAC key in the first place.
    expect(() => webCryptoEngine.importVerifyingKey('HS256', publicPem)).toThrow(/looks like a PEM key/);
  });

  it.each([
    ['ES256', 'P-256'],
    ['ES384', 'P-384'],
    ['ES512', 'P-521'],
  ] as const)(
    '%s: r = 0, s = 0, s = n, DER and off-by-one lengths are refused before WebCrypto',
    async (alg, curve) => {
      const info = algorithmInfo(alg);
      if (info.family !== 'ecdsa') throw new Error('not ECDSA');
      const { privateKey, publicKey } = ecKeys(curve);
      const verifier = webCryptoEngine.importVerifyingKey(alg, pem(publicKey));
      const input = `${b64(`{"alg":"${alg}"}`)}.${PAYLOAD}`;
      const raw = nodeSign(info.hash, Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = nodeSign(info.hash, Buffer.from(input), privateKey);
      await expect(
        webCryptoEngine.verify(webCryptoEngine.parse(`${input}.${b64(raw)}`, 8192), verifier),
      ).resolves.toBeUndefined();

      const half = info.signatureLength / 2;
      const zero = Buffer.alloc(half);
      const order = Buffer.from(info.order);
      const n = BigInt(`0x${order.toString('hex')}`);
      const s = BigInt(`0x${raw.subarray(half).toString('hex')}`);
      const scalar = (x: bigint): Buffer => Buffer.from(x.toString(16).padStart(half * 2, '0'), 'hex');
      const r = raw.subarray(0, half);
      const bad = [
        Buffer.alloc(info.signatureLength), // r = s = 0: the "psychic signature"
        Buffer.concat([zero, raw.subarray(half)]),
        Buffer.concat([r, zero]),
        Buffer.concat([r, order]), // s = n
        Buffer.concat([r, scalar(s + n < 2n ** BigInt(half * 8) ? s + n : n)]), // s + n, same value mod n
        der,
        raw.subarray(1),
      ];
      for (const sig of bad) await refused(`${input}.${b64(sig)}`, verifier);
      // (r, n - s) is the other valid signature of the same message: accepted, as OpenSSL accepts it.
      await expect(
        webCryptoEngine.verify(
          webCryptoEngine.parse(`${input}.${b64(Buffer.concat([r, scalar(n - s)]))}`, 8192),
          verifier,
        ),
      ).resolves.toBeUndefined();
    },
  );

  it('an HMAC tag cut short is refused even when its prefix matches', async () => {
    const secret = 'a-test-secret-of-at-least-thirty-two-bytes-0123456789';
    const input = `${b64('{"alg":"HS256"}')}.${PAYLOAD}`;
    const tag = createHmac('sha256', secret).update(input).digest();
    const verifier = webCryptoEngine.importVerifyingKey('HS256', secret);
    for (const length of [0, 1, 16, 31]) await refused(`${input}.${b64(tag.subarray(0, length))}`, verifier);
  });

  it('refuses a huge token before reading it, and crit headers', () => {
    expect(() => webCryptoEngine.parse(`${'a'.repeat(1 << 20)}.b.c`, 8192)).toThrow('Token is too large');
    const crit = `${b64('{"alg":"HS256","crit":["b64"],"b64":false}')}.${PAYLOAD}.AA`;
    expect(() => webCryptoEngine.parse(crit, 8192)).toThrow(Malformed);
  });
});
