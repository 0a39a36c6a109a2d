/**
 * Compact JWS verification on WebCrypto (asynchronous), with the node:crypto engine's checks done
 * before WebCrypto sees the signature: the key's algorithm must be the header's, HMAC tags have the
 * hash's length, ECDSA signatures are raw r||s of the exact length with r and s in [1, n-1].
 *
 * @module
 */
import { JwsError } from '../errors.js';
import { algorithmInfo } from '../algorithms.js';
import type { WebBoundKey } from './keys.js';
import type { WebParsedJws } from './parse.js';
import { signatureParams } from './sign.js';

const UTF8 = new TextEncoder();

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Big-endian comparison of two byte strings of equal length: true when `a < b`. */
function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  }
  return false;
}

/**
 * Whether the signature has the shape its algorithm demands, before any cryptography: an HMAC tag
 * of the hash's length, an Ed25519 signature of 64 bytes, or raw ECDSA `r||s` of the curve's length
 * with r and s each in [1, n-1] (a DER signature, or r = 0 / s = 0, never reaches WebCrypto).
 *
 * @example
 * ```ts
 * signatureShapeValid('ES256', new Uint8Array(64)) // false: r = 0
 * ```
 */
export function signatureShapeValid(alg: WebBoundKey['alg'], signature: Uint8Array): boolean {
  const info = algorithmInfo(alg);
  switch (info.family) {
    case 'hmac':
      return signature.length === info.hashLength;
    case 'eddsa':
      return signature.length === 64;
    case 'ecdsa': {
      if (signature.length !== info.signatureLength) return false;
      const half = info.signatureLength / 2;
      const r = signature.subarray(0, half);
      const s = signature.subarray(half);
      return !isZero(r) && !isZero(s) && lessThan(r, info.order) && lessThan(s, info.order);
    }
    default:
      return true; // RSA: WebCrypto checks the length against the modulus
  }
}

/**
 * Verifies the signature of a parsed token with a key imported for verifying; rejects with
 * `JwsError` `signature` (`Signature verification failed`) when it does not verify or when the
 * token's `alg` is not the key's.
 *
 * @example
 * ```ts
 * await verifyCompactJwsWeb(parseCompactJwsWeb(token, 8192), importWebVerifyingKey('HS256', secret));
 * ```
 */
export async function verifyCompactJwsWeb(parsed: WebParsedJws, key: WebBoundKey): Promise<void> {
  if (key.use !== 'verify') {
    throw new JwsError(
      'key',
      `The ${key.alg} key was imported for verifying; verify with a key from importWebVerifyingKey`,
    );
  }
  const cryptoKey = await key.cryptoKey; // a refused key is a configuration error, not a bad token
  let valid = false;
  if (parsed.header.alg === key.alg && signatureShapeValid(key.alg, parsed.signature)) {
    try {
      valid = await globalThis.crypto.subtle.verify(
        signatureParams(key.alg),
        cryptoKey,
        parsed.signature,
        UTF8.encode(parsed.signingInput),
      );
    } catch {
      valid = false; // WebCrypto refusing a malformed signature is just a bad signature
    }
  }
  if (!valid) throw new JwsError('signature', 'Signature verification failed');
}
