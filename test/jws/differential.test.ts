/**
 * Differential tests against jose (panva), an independent implementation: every token we sign
 * verifies there, and every token jose signs verifies here, for every algorithm.
 */
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CompactSign, SignJWT, compactVerify, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { BadSignature } from './engine-errors.js';
import { ALGORITHMS } from '../../src/jws/algorithms.js';
import { parseCompactJws } from '../../src/jws/compact.js';
import { pythonCompatibleJson, sortedHeaderJson } from '../../src/jws/json.js';
import { importSigningKey, importVerifyingKey } from '../../src/jws/keys.js';
import { signCompactJws } from '../../src/jws/sign.js';
import { assertAlgorithmAllowed, verifyCompactJws } from '../../src/jws/verify.js';
import type { Algorithm } from '../../src/types.js';
import { expectThrow } from './expect-error.js';
import { HMAC_SECRET, keysFor } from './test-keys.js';

function keyPairFor(alg: Algorithm): { signing: KeyObject; verifying: KeyObject } {
  if (alg.startsWith('HS')) {
    const secret = createSecretKey(Buffer.from(HMAC_SECRET));
    return { signing: secret, verifying: secret };
  }
  const { privateKey, publicKey } = keysFor(alg as Exclude<Algorithm, 'HS256' | 'HS384' | 'HS512'>);
  return { signing: privateKey, verifying: publicKey };
}

const now = Math.floor(Date.now() / 1000);
const claims = {
  fresh: false,
  iat: now,
  jti: 'b3f1',
  type: 'access',
  sub: 'Zoë 😀',
  nbf: now,
  exp: now + 900,
  roles: ['a', 'b'],
};

// jose (WebCrypto) has no secp256k1: ES256K is checked against PyJWT in test/interop/pyjwt.test.ts.
describe.each(ALGORITHMS.filter((alg) => alg !== 'ES256K').map((alg) => [alg]))('%s', (alg) => {
  const pair = keyPairFor(alg);

  it('a token signed here verifies in jose (compactVerify and jwtVerify)', async () => {
    const token = signCompactJws(
      sortedHeaderJson({ alg, typ: 'JWT' }),
      pythonCompatibleJson(claims),
      importSigningKey(alg, pair.signing),
    );
    const compact = await compactVerify(token, pair.verifying, { algorithms: [alg] });
    expect(compact.protectedHeader).toEqual({ alg, typ: 'JWT' });
    expect(JSON.parse(new TextDecoder().decode(compact.payload))).toEqual(claims);
    const jwt = await jwtVerify(token, pair.verifying, { algorithms: [alg], typ: 'JWT' });
    expect(jwt.payload).toEqual(claims);
  });

  it('a token jose signs verifies here', async () => {
    const payload = new TextEncoder().encode(JSON.stringify(claims));
    const compact = await new CompactSign(payload).setProtectedHeader({ alg, kid: 'k1' }).sign(pair.signing);
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(pair.signing);
    for (const token of [compact, jwt]) {
      const parsed = parseCompactJws(token, 8192);
      expect(assertAlgorithmAllowed(parsed.header, [alg])).toBe(alg);
      expect(() => verifyCompactJws(parsed, importVerifyingKey(alg, pair.verifying))).not.toThrow();
      expect(parsed.payload).toEqual(claims);
    }
  });

  it('both refuse a jose token whose signature lost a byte or whose payload changed', async () => {
    const token = await new CompactSign(new TextEncoder().encode('{"sub":"a"}'))
      .setProtectedHeader({ alg })
      .sign(pair.signing);
    const [header, , signature] = token.split('.') as [string, string, string];
    const shortened = Buffer.from(signature, 'base64url').subarray(1).toString('base64url');
    const forged = [`${header}.eyJzdWIiOiJiIn0.${signature}`, `${header}.eyJzdWIiOiJhIn0.${shortened}`];
    for (const bad of forged) {
      await expect(compactVerify(bad, pair.verifying)).rejects.toThrow();
      expectThrow(
        () => verifyCompactJws(parseCompactJws(bad, 8192), importVerifyingKey(alg, pair.verifying)),
        BadSignature,
        'Signature verification failed',
      );
    }
  });
});
