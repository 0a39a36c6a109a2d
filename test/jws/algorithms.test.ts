import { describe, expect, it } from 'vitest';
import { ALGORITHMS, algorithmInfo, isAlgorithm, isAsymmetric } from '../../src/jws/algorithms.js';

describe('algorithms', () => {
  it('lists exactly the supported algorithms, none excluded', () => {
    expect(ALGORITHMS).toEqual([
      'HS256',
      'HS384',
      'HS512',
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
      'ES256K',
      'EdDSA',
    ]);
    expect(Object.isFrozen(ALGORITHMS)).toBe(true);
  });

  it('recognises names exactly, and nothing inherited', () => {
    for (const alg of ALGORITHMS) expect(isAlgorithm(alg)).toBe(true);
    for (const x of [
      'none',
      'None',
      'hs256',
      'HS256 ',
      'es256k',
      'Ed25519',
      '__proto__',
      'toString',
      'constructor',
      '',
      1,
      null,
      undefined,
      {},
      ['HS256'],
    ]) {
      expect(isAlgorithm(x)).toBe(false);
    }
  });

  it('calls everything but HS* asymmetric', () => {
    expect(ALGORITHMS.filter((a) => !isAsymmetric(a))).toEqual(['HS256', 'HS384', 'HS512']);
  });

  it("knows each algorithm's hash, family and ECDSA sizes", () => {
    expect(algorithmInfo('HS384')).toMatchObject({ family: 'hmac', hash: 'sha384', hashLength: 48 });
    expect(algorithmInfo('RS512')).toMatchObject({ family: 'rsa', hash: 'sha512' });
    expect(algorithmInfo('PS256')).toMatchObject({ family: 'rsa-pss', hash: 'sha256', hashLength: 32 });
    expect(algorithmInfo('EdDSA')).toMatchObject({ family: 'eddsa', hash: undefined });
    const sizes = (['ES256', 'ES384', 'ES512'] as const).map((a) => {
      const info = algorithmInfo(a);
      return info.family === 'ecdsa' ? [info.curve, info.signatureLength, info.order.length] : undefined;
    });
    expect(sizes).toEqual([
      ['P-256', 64, 32],
      ['P-384', 96, 48],
      ['P-521', 132, 66],
    ]);
  });

  it('throws a TypeError for a name that is not an Algorithm (a programming error)', () => {
    expect(() => algorithmInfo('none' as never)).toThrow(TypeError);
  });
});
