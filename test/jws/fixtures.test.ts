/**
 * The engine against tokens made by the real flask-jwt-extended 4.7.1 (PyJWT 2.6.0); see
 * test/fixtures/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadSignature } from './engine-errors.js';
import { isAlgorithm } from '../../src/jws/algorithms.js';
import { parseCompactJws } from '../../src/jws/compact.js';
import { pythonCompatibleJson, sortedHeaderJson } from '../../src/jws/json.js';
import { importSigningKey, importVerifyingKey } from '../../src/jws/keys.js';
import { signCompactJws } from '../../src/jws/sign.js';
import { assertAlgorithmAllowed, verifyCompactJws } from '../../src/jws/verify.js';
import type { Algorithm } from '../../src/types.js';
import { expectThrow } from './expect-error.js';

interface FixtureKey {
  secret?: string;
  privateKeyPem?: string;
  publicKeyPem?: string;
}
interface FixtureCase {
  name: string;
  alg: string;
  key: string;
  token: string;
  header: Record<string, unknown>;
  rawHeader: string;
  rawPayload: string;
}
interface Fixtures {
  keys: Record<string, FixtureKey>;
  cases: FixtureCase[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/fje-4.7.1-tokens.json', import.meta.url), 'utf8'),
) as Fixtures;
/** Python wrote the float 1577837700.0 with ".0"; JavaScript cannot (see the fixtures README). */
const INTEGRAL_FLOAT_CASE = 'fresh-timedelta-integral-float-patched-clock';
/** Deterministic signatures: HMAC, RSASSA-PKCS1-v1_5 and Ed25519 (RFC 8032). PSS and ECDSA are randomised. */
const DETERMINISTIC = new Set<string>(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'EdDSA']);

function keysOf(c: FixtureCase): { alg: Algorithm; signing: string; verifying: string } {
  if (!isAlgorithm(c.alg)) throw new Error(`fixture ${c.name}: unknown alg ${c.alg}`);
  const key = fixtures.keys[c.key];
  const signing = key?.secret ?? key?.privateKeyPem;
  const verifying = key?.secret ?? key?.publicKeyPem;
  if (signing === undefined || verifying === undefined) throw new Error(`fixture ${c.name}: no key ${c.key}`);
  return { alg: c.alg, signing, verifying };
}

function tamper(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims.sub = 'someone-else';
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('flask-jwt-extended 4.7.1 fixtures', () => {
  it('holds the 45 documented cases', () => {
    expect(fixtures.cases).toHaveLength(45);
  });

  describe.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { alg, signing, verifying } = keysOf(c);

    it('parses to the recorded header and payload and verifies with its key', () => {
      const parsed = parseCompactJws(c.token, 8192);
      expect(parsed.header).toEqual(c.header);
      expect(parsed.payload).toEqual(JSON.parse(c.rawPayload));
      expect(Buffer.from(c.token.split('.')[0] ?? '', 'base64url').toString('utf8')).toBe(c.rawHeader);
      expect(assertAlgorithmAllowed(parsed.header, [alg])).toBe(alg);
      expect(() => verifyCompactJws(parsed, importVerifyingKey(alg, verifying))).not.toThrow();
    });

    it('writes the same header and payload JSON as Python', () => {
      expect(sortedHeaderJson(c.header)).toBe(c.rawHeader);
      if (c.name === INTEGRAL_FLOAT_CASE) {
        expect(c.rawPayload).toContain('1577837700.0');
        expect(JSON.parse(pythonCompatibleJson(JSON.parse(c.rawPayload)))).toEqual(JSON.parse(c.rawPayload));
      } else {
        expect(pythonCompatibleJson(JSON.parse(c.rawPayload))).toBe(c.rawPayload);
      }
    });

    it(DETERMINISTIC.has(alg) ? 'is reproduced byte for byte when signed here' : 'verifies when signed here', () => {
      const key = importSigningKey(alg, signing);
      const token = signCompactJws(c.rawHeader, pythonCompatibleJson(JSON.parse(c.rawPayload)), key);
      if (DETERMINISTIC.has(alg) && c.name !== INTEGRAL_FLOAT_CASE) expect(token).toBe(c.token);
      const parsed = parseCompactJws(token, 8192);
      expect(parsed.payload).toEqual(JSON.parse(c.rawPayload));
      expect(() => verifyCompactJws(parsed, importVerifyingKey(alg, verifying))).not.toThrow();
    });

    it('fails with a tampered payload', () => {
      expectThrow(
        () => verifyCompactJws(parseCompactJws(tamper(c.token), 8192), importVerifyingKey(alg, verifying)),
        BadSignature,
        'Signature verification failed',
        'signature',
      );
    });
  });
});
