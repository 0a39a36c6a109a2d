/**
 * The WebCrypto engine against the tokens the real flask-jwt-extended 4.7.1 made (see
 * test/fixtures/README.md): each verifies with its key, a changed one does not, and the
 * deterministic algorithms re-sign them byte for byte.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadSignature } from '../engine-errors.js';
import { isAlgorithm } from '../../../src/jws/algorithms.js';
import { assertAlgorithmAllowed } from '../../../src/jws/verify.js';
import { webCryptoEngine } from '../../../src/jws/webcrypto/index.js';

interface Fixtures {
  keys: Record<string, { secret?: string; privateKeyPem?: string; publicKeyPem?: string }>;
  cases: Array<{ name: string; alg: string; key: string; token: string; rawHeader: string; rawPayload: string }>;
}
const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/fje-4.7.1-tokens.json', import.meta.url), 'utf8'),
) as Fixtures;
const DETERMINISTIC = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'EdDSA']);
const INTEGRAL_FLOAT_CASE = 'fresh-timedelta-integral-float-patched-clock';

describe('flask-jwt-extended 4.7.1 tokens on the WebCrypto engine', () => {
  it('has cases for every algorithm family', () => {
    expect(new Set(fixtures.cases.map((c) => c.alg.slice(0, 2)))).toEqual(new Set(['HS', 'RS', 'PS', 'ES', 'Ed']));
  });

  it.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    if (!isAlgorithm(c.alg)) throw new Error(`unknown alg ${c.alg}`);
    const key = fixtures.keys[c.key]!;
    const verifying = (key.secret ?? key.publicKeyPem)!;
    const signing = (key.secret ?? key.privateKeyPem)!;
    const parsed = webCryptoEngine.parse(c.token, 8192);
    expect(assertAlgorithmAllowed(parsed.header, [c.alg])).toBe(c.alg);
    const verifier = webCryptoEngine.importVerifyingKey(c.alg, verifying);
    await expect(webCryptoEngine.verify(parsed, verifier)).resolves.toBeUndefined();
    const [h, , s] = c.token.split('.') as [string, string, string];
    const changed = `${h}.${Buffer.from(JSON.stringify({ ...parsed.payload, sub: 'someone-else' })).toString('base64url')}.${s}`;
    await expect(webCryptoEngine.verify(webCryptoEngine.parse(changed, 8192), verifier)).rejects.toThrow(BadSignature);
    if (DETERMINISTIC.has(c.alg) && c.name !== INTEGRAL_FLOAT_CASE) {
      const signer = webCryptoEngine.importSigningKey(c.alg, signing);
      expect(await webCryptoEngine.sign(c.rawHeader, c.rawPayload, signer)).toBe(c.token);
    }
  });
});
