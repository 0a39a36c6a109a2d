/**
 * Compact JWS signing on node:crypto, synchronous.
 *
 * @module
 */
import { JwsError } from './errors.js';
import { type AlgorithmInfo, algorithmInfo } from './algorithms.js';
import { encodeBase64url } from './base64url.js';
import type { BoundKey } from './keys.js';
import { nodeCryptoOrEmpty } from './node-crypto.js';

const { constants, createHmac, sign } = nodeCryptoOrEmpty;

/**
 * The raw signature of `signingInput` with `key`, for `key.alg` only.
 *
 * @example
 * ```ts
 * const sig = signatureOf('eyJ...eyJ...', importSigningKey('ES256', privatePem)); // 64 bytes r||s
 * ```
 */
export function signatureOf(signingInput: string, key: BoundKey): Buffer {
  return rawSignature(algorithmInfo(key.alg), signingInput, key);
}

function rawSignature(info: AlgorithmInfo, signingInput: string, key: BoundKey): Buffer {
  // A signing input is base64url text (ASCII), so its Latin-1 bytes are its UTF-8 bytes, and
  // Latin-1 is a plain copy where UTF-8 is an encoding pass.
  const input = Buffer.from(signingInput, 'latin1');
  switch (info.family) {
    case 'hmac':
      return createHmac(info.hash, key.keyObject).update(input).digest();
    case 'rsa':
      return sign(info.hash, input, key.keyObject);
    case 'rsa-pss':
      return sign(info.hash, input, {
        key: key.keyObject,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: info.hashLength,
      });
    case 'ecdsa':
      // JWS wants raw r||s (RFC 7518 §3.4), not OpenSSL's default DER.
      return sign(info.hash, input, { key: key.keyObject, dsaEncoding: 'ieee-p1363' });
    case 'eddsa':
      return sign(null, input, key.keyObject);
  }
}

/**
 * Builds a compact JWS from the exact header and payload JSON texts (see `sortedHeaderJson` and
 * `pythonCompatibleJson`): `base64url(header).base64url(payload).base64url(signature)`.
 *
 * The key must have been imported for signing; the algorithm is the key's. The header's `alg` is
 * not read here: the caller writes the key's algorithm into it.
 *
 * @example
 * ```ts
 * const key = importSigningKey('HS256', secret, 'secretKey');
 * const token = signCompactJws(sortedHeaderJson({ alg: 'HS256', typ: 'JWT' }), pythonCompatibleJson(claims), key);
 * ```
 */
export function signCompactJws(headerJson: string, payloadJson: string, key: BoundKey): string {
  if (key.use !== 'sign') {
    throw new JwsError(
      'encode',
      `The ${key.alg} key was imported for verifying; sign with a key from importSigningKey`,
    );
  }
  const signingInput = `${encodeHeader(headerJson)}.${encodeBase64url(payloadJson)}`;
  const info = algorithmInfo(key.alg);
  // HMAC: the digest straight to base64url text, without a Buffer in between.
  const signature =
    info.family === 'hmac'
      ? createHmac(info.hash, key.keyObject).update(signingInput).digest('base64url')
      : rawSignature(info, signingInput, key).toString('base64url');
  return `${signingInput}.${signature}`;
}

// Nearly every token of an app has the same header: remember the last one's encoding.
let lastHeaderJson = '';
let lastHeaderSegment = '';

function encodeHeader(headerJson: string): string {
  if (headerJson !== lastHeaderJson) {
    lastHeaderSegment = encodeBase64url(headerJson);
    lastHeaderJson = headerJson;
  }
  return lastHeaderSegment;
}
