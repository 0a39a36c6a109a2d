/**
 * Compact JWS signing on WebCrypto (asynchronous).
 *
 * @module
 */
import type { webcrypto } from 'node:crypto';
import { JwsError } from '../errors.js';
import type { Algorithm } from '../../types.js';
import { algorithmInfo } from '../algorithms.js';
import { encodeBase64urlBytes } from './base64url.js';
import type { WebBoundKey } from './keys.js';

const UTF8 = new TextEncoder();

/**
 * The parameters `subtle.sign` / `subtle.verify` take for `alg`: the hash is bound at import for
 * HMAC and RSA, passed per call for ECDSA, and the PSS salt is the hash length (RFC 7518 §3.5).
 *
 * @example
 * ```ts
 * signatureParams('PS256') // { name: 'RSA-PSS', saltLength: 32 }
 * ```
 */
export function signatureParams(
  alg: Algorithm,
): webcrypto.AlgorithmIdentifier | webcrypto.RsaPssParams | webcrypto.EcdsaParams {
  const info = algorithmInfo(alg);
  switch (info.family) {
    case 'hmac':
      return 'HMAC';
    case 'rsa':
      return 'RSASSA-PKCS1-v1_5';
    case 'rsa-pss':
      return { name: 'RSA-PSS', saltLength: info.hashLength };
    case 'ecdsa':
      // WebCrypto's ECDSA signatures are raw r||s already (IEEE P1363), as JWS wants.
      return { name: 'ECDSA', hash: `SHA-${info.hash.slice(3)}` };
    case 'eddsa':
      return 'Ed25519';
  }
}

/**
 * Builds a compact JWS from the exact header and payload JSON texts with a key imported for
 * signing; the algorithm is the key's (the caller writes it into the header).
 *
 * @example
 * ```ts
 * const token = await signCompactJwsWeb('{"alg":"HS256","typ":"JWT"}', '{"sub":"me"}', key);
 * ```
 */
export async function signCompactJwsWeb(headerJson: string, payloadJson: string, key: WebBoundKey): Promise<string> {
  if (key.use !== 'sign') {
    throw new JwsError(
      'encode',
      `The ${key.alg} key was imported for verifying; sign with a key from importWebSigningKey`,
    );
  }
  const signingInput = `${encodeBase64urlBytes(headerJson)}.${encodeBase64urlBytes(payloadJson)}`;
  const signature = await globalThis.crypto.subtle.sign(
    signatureParams(key.alg),
    await key.cryptoKey,
    UTF8.encode(signingInput),
  );
  return `${signingInput}.${encodeBase64urlBytes(new Uint8Array(signature))}`;
}
