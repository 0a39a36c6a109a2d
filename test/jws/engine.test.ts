import { describe, expect, it } from 'vitest';
import { BadSignature, Malformed } from './engine-errors.js';
import * as jws from '../../src/jws/index.js';
import { nodeCryptoEngine } from '../../src/jws/engine.js';
import type { JwsEngine } from '../../src/jws/engine.js';
import { expectThrow } from './expect-error.js';
import { HMAC_SECRET, ecKeys, pem } from './test-keys.js';

describe('nodeCryptoEngine', () => {
  it('round-trips a token: import once, sign, parse, verify', () => {
    const engine: JwsEngine = nodeCryptoEngine;
    const { privateKey, publicKey } = ecKeys('P-256');
    const signer = engine.importSigningKey('ES256', pem(privateKey), 'privateKey');
    const verifier = engine.importVerifyingKey('ES256', pem(publicKey), 'publicKey');
    const token = engine.sign(
      jws.sortedHeaderJson({ typ: 'JWT', alg: 'ES256' }),
      jws.pythonCompatibleJson({ sub: 'me' }),
      signer,
    );
    const parsed = engine.parse(token, 8192);
    expect(jws.assertAlgorithmAllowed(parsed.header, ['ES256'])).toBe('ES256');
    expect(() => engine.verify(parsed, verifier)).not.toThrow();
    expect(parsed.payload).toEqual({ sub: 'me' });
  });

  it('raises the engine errors unchanged', () => {
    const verifier = nodeCryptoEngine.importVerifyingKey('HS256', HMAC_SECRET);
    const other = nodeCryptoEngine.sign('{"alg":"HS256"}', '{}', nodeCryptoEngine.importSigningKey('HS256', 'other'));
    expectThrow(
      () => nodeCryptoEngine.verify(nodeCryptoEngine.parse(other, 8192), verifier),
      BadSignature,
      'Signature verification failed',
    );
    expectThrow(() => nodeCryptoEngine.parse('xxx', 8192), Malformed, 'Not enough segments');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(nodeCryptoEngine)).toBe(true);
  });
});

describe('src/jws/index.ts', () => {
  it('re-exports exactly the public pieces, by name', () => {
    expect(Object.keys(jws).sort()).toEqual([
      'ALGORITHMS',
      'JwsError',
      'assertAlgorithmAllowed',
      'createKeyCache',
      'decodeBase64urlStrict',
      'encodeBase64url',
      'engineFor',
      'importSigningKey',
      'importVerifyingKey',
      'isAlgorithm',
      'isAsymmetric',
      'nodeCryptoEngine',
      'parseCompactJws',
      'pythonCompatibleJson',
      'signCompactJws',
      'sortedHeaderJson',
      'verifyCompactJws',
    ]);
  });
});
