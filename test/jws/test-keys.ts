/**
 * Throwaway key pairs for the engine tests, generated once per test file with node:crypto.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from '../../src/types.js';

export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const cache = new Map<string, TestKeyPair>();

function once(name: string, make: () => TestKeyPair): TestKeyPair {
  let pair = cache.get(name);
  if (pair === undefined) cache.set(name, (pair = make()));
  return pair;
}

export const rsaKeys = (bits = 2048): TestKeyPair =>
  once(`rsa${bits}`, () => generateKeyPairSync('rsa', { modulusLength: bits }));
export const rsaPssKeys = (): TestKeyPair =>
  once('rsa-pss', () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 }));
export const ecKeys = (curve: 'P-256' | 'P-384' | 'P-521' | 'secp256k1'): TestKeyPair =>
  once(curve, () => generateKeyPairSync('ec', { namedCurve: curve }));
export const ed25519Keys = (): TestKeyPair => once('ed25519', () => generateKeyPairSync('ed25519'));
export const ed448Keys = (): TestKeyPair => once('ed448', () => generateKeyPairSync('ed448'));
export const x25519Keys = (): TestKeyPair => once('x25519', () => generateKeyPairSync('x25519'));

/** The key pair an asymmetric algorithm uses in the tests. */
export function keysFor(alg: Exclude<Algorithm, 'HS256' | 'HS384' | 'HS512'>): TestKeyPair {
  switch (alg) {
    case 'ES256':
      return ecKeys('P-256');
    case 'ES384':
      return ecKeys('P-384');
    case 'ES512':
      return ecKeys('P-521');
    case 'ES256K':
      return ecKeys('secp256k1');
    case 'EdDSA':
      return ed25519Keys();
    default:
      return rsaKeys();
  }
}

export const HMAC_SECRET = 'a-test-secret-of-at-least-thirty-two-bytes-0123456789';
export const pem = (key: KeyObject): string =>
  key.type === 'private'
    ? (key.export({ type: 'pkcs8', format: 'pem' }) as string)
    : (key.export({ type: 'spki', format: 'pem' }) as string);
