/**
 * The JWS algorithms the engine knows, and the facts each one needs: hash, key family, EC curve.
 *
 * `none` is deliberately absent: there is no code path that could accept an unsigned token.
 *
 * @module
 */
import type { Algorithm } from '../types.js';

/**
 * Node's name of an ECDSA curve, as `KeyObject.asymmetricKeyDetails.namedCurve` reports it.
 *
 * @example
 * ```ts
 * const curve: NodeCurveName = 'prime256v1'; // JOSE's P-256
 * ```
 */
export type NodeCurveName = 'prime256v1' | 'secp384r1' | 'secp521r1' | 'secp256k1';

/**
 * Node digest name of a JWS hash.
 *
 * @example
 * ```ts
 * createHmac('sha256' satisfies HashName, secret);
 * ```
 */
export type HashName = 'sha256' | 'sha384' | 'sha512';

/**
 * What the engine needs to know about one algorithm, by key family.
 *
 * @example
 * ```ts
 * const info = algorithmInfo('ES384');
 * if (info.family === 'ecdsa') info.signatureLength; // 96
 * ```
 */
export type AlgorithmInfo =
  | {
      readonly family: 'hmac' | 'rsa' | 'rsa-pss';
      readonly hash: HashName;
      /** Digest length in bytes: the HMAC length, and the PSS salt length. */
      readonly hashLength: number;
    }
  | {
      readonly family: 'ecdsa';
      readonly hash: HashName;
      readonly hashLength: number;
      /** The JOSE curve name. */
      readonly curve: 'P-256' | 'P-384' | 'P-521' | 'secp256k1';
      /** Node's name for that curve. */
      readonly nodeCurve: NodeCurveName;
      /** Length in bytes of a raw `r||s` signature (twice the field size). */
      readonly signatureLength: number;
      /** The group order n, big-endian, padded to half the signature length. */
      readonly order: Uint8Array;
    }
  | {
      readonly family: 'eddsa';
      /** EdDSA hashes internally. */
      readonly hash: undefined;
      readonly hashLength: 0;
    };

/**
 * Key family an algorithm needs; a key is bound to one algorithm, hence to one family.
 *
 * @example
 * ```ts
 * const family: AlgorithmFamily = algorithmInfo('PS256').family; // 'rsa-pss'
 * ```
 */
export type AlgorithmFamily = AlgorithmInfo['family'];

const hmac = (hash: HashName, hashLength: number): AlgorithmInfo => Object.freeze({ family: 'hmac', hash, hashLength });

const rsa = (family: 'rsa' | 'rsa-pss', hash: HashName, hashLength: number): AlgorithmInfo =>
  Object.freeze({ family, hash, hashLength });

/** Hex to bytes without `Buffer`, which runtimes without node:crypto lack too. */
function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// The group orders are the published constants of FIPS 186-4 / SEC 2. The ECDSA tests prove each
// one against OpenSSL: a signature (r, n - s) must verify wherever (r, s) does.
const ecdsa = (
  hash: HashName,
  hashLength: number,
  curve: 'P-256' | 'P-384' | 'P-521' | 'secp256k1',
  nodeCurve: NodeCurveName,
  signatureLength: number,
  orderHex: string,
): AlgorithmInfo =>
  Object.freeze({
    family: 'ecdsa',
    hash,
    hashLength,
    curve,
    nodeCurve,
    signatureLength,
    order: hexBytes(orderHex),
  });

// A Map, not an object literal: `isAlgorithm('__proto__')` or `'toString'` must be false.
const INFO: ReadonlyMap<string, AlgorithmInfo> = new Map<Algorithm, AlgorithmInfo>([
  ['HS256', hmac('sha256', 32)],
  ['HS384', hmac('sha384', 48)],
  ['HS512', hmac('sha512', 64)],
  ['RS256', rsa('rsa', 'sha256', 32)],
  ['RS384', rsa('rsa', 'sha384', 48)],
  ['RS512', rsa('rsa', 'sha512', 64)],
  ['PS256', rsa('rsa-pss', 'sha256', 32)],
  ['PS384', rsa('rsa-pss', 'sha384', 48)],
  ['PS512', rsa('rsa-pss', 'sha512', 64)],
  [
    'ES256',
    ecdsa('sha256', 32, 'P-256', 'prime256v1', 64, 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  ],
  [
    'ES384',
    ecdsa(
      'sha384',
      48,
      'P-384',
      'secp384r1',
      96,
      'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ),
  ],
  [
    'ES512',
    ecdsa(
      'sha512',
      64,
      'P-521',
      'secp521r1',
      132,
      '01ff' + 'ffffffff'.repeat(7) + 'fffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ),
  ],
  // ES256K (RFC 8812): ECDSA on secp256k1 with SHA-256, as PyJWT has it.
  [
    'ES256K',
    ecdsa(
      'sha256',
      32,
      'secp256k1',
      'secp256k1',
      64,
      'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
    ),
  ],
  ['EdDSA', Object.freeze({ family: 'eddsa', hash: undefined, hashLength: 0 } as const)],
]);

/**
 * Every algorithm jwt-extended signs and verifies, in a stable order.
 *
 * @example
 * ```ts
 * ALGORITHMS.includes('RS256') // true; 'none' is never listed
 * ```
 */
export const ALGORITHMS: readonly Algorithm[] = Object.freeze([...INFO.keys()] as Algorithm[]);

/**
 * Whether `x` names an algorithm the engine supports (case-sensitive, as JOSE is).
 *
 * @example
 * ```ts
 * isAlgorithm('HS256') // true
 * isAlgorithm('none')  // false
 * isAlgorithm('hs256') // false
 * ```
 */
export function isAlgorithm(x: unknown): x is Algorithm {
  return typeof x === 'string' && INFO.has(x);
}

/**
 * Whether the algorithm uses a key pair (everything but HS*): it then needs a private key to
 * sign and a public key to verify instead of one shared secret.
 *
 * @example
 * ```ts
 * isAsymmetric('ES256') // true
 * isAsymmetric('HS512') // false
 * ```
 */
export function isAsymmetric(alg: Algorithm): boolean {
  return algorithmInfo(alg).family !== 'hmac';
}

/**
 * The engine's facts about one algorithm. Throws a `TypeError` for a name that is not an
 * {@link Algorithm}: callers validate names first, so this is a programming error.
 *
 * @example
 * ```ts
 * algorithmInfo('PS256').hashLength // 32, the PSS salt length
 * ```
 */
export function algorithmInfo(alg: Algorithm): AlgorithmInfo {
  const info = INFO.get(alg);
  if (info === undefined) throw new TypeError(`Unknown JWS algorithm: ${String(alg)}`);
  return info;
}
