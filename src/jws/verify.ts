/**
 * Compact JWS verification on node:crypto, synchronous: the algorithm allow-list, then the
 * signature with a key bound to one algorithm.
 *
 * @module
 */
import { JwsError } from './errors.js';
import type { Algorithm, JwtHeader } from '../types.js';
import { algorithmInfo, isAlgorithm } from './algorithms.js';
import type { ParsedJws } from './compact.js';
import type { BoundKey } from './keys.js';
import { nodeCryptoOrEmpty } from './node-crypto.js';

const { constants, createHmac, timingSafeEqual, verify } = nodeCryptoOrEmpty;

/**
 * Returns the token's `alg` when it is a supported algorithm and in `allowed`; otherwise throws
 * `JwsError` `algorithm` `The specified alg value is not allowed` (a missing or non-string
 * `alg`, `none`, an unknown name, or one the application does not accept). Names are
 * case-sensitive.
 *
 * @example
 * ```ts
 * const alg = assertAlgorithmAllowed(parsed.header, new Set(['RS256']));
 * verifyCompactJws(parsed, publicKeys[alg]);
 * ```
 */
export function assertAlgorithmAllowed(
  header: JwtHeader,
  allowed: ReadonlySet<Algorithm> | readonly Algorithm[],
): Algorithm {
  const alg: unknown = header.alg;
  const ok =
    isAlgorithm(alg) && (Array.isArray(allowed) ? allowed.includes(alg) : (allowed as ReadonlySet<Algorithm>).has(alg));
  if (!ok) throw new JwsError('algorithm', 'The specified alg value is not allowed');
  return alg;
}

function isZero(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Whether a raw ECDSA signature is exactly r||s of `signatureLength` bytes with r and s each in
 * [1, n-1]. Checked here rather than left to OpenSSL, so a DER signature or r = 0 / s = 0 (the
 * "psychic signature" bug of other stacks) never reaches a verifier. Internal: exported for tests.
 *
 * @example
 * ```ts
 * const info = algorithmInfo('ES256');
 * if (info.family === 'ecdsa') ecdsaSignatureWellFormed(Buffer.alloc(64), 64, info.order); // false: r = 0
 * ```
 */
export function ecdsaSignatureWellFormed(signature: Buffer, signatureLength: number, order: Uint8Array): boolean {
  if (signature.length !== signatureLength) return false;
  const half = signatureLength / 2;
  const r = signature.subarray(0, half);
  const s = signature.subarray(half);
  return !isZero(r) && !isZero(s) && Buffer.compare(r, order) < 0 && Buffer.compare(s, order) < 0;
}

function signatureValid(parsed: ParsedJws, key: BoundKey): boolean {
  const info = algorithmInfo(key.alg);
  const { signature } = parsed;
  switch (info.family) {
    case 'hmac': {
      const expected = createHmac(info.hash, key.keyObject).update(parsed.signingInput).digest();
      // timingSafeEqual throws on unequal lengths; the length itself is public (it is the hash's).
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    }
    case 'rsa':
      return verify(info.hash, Buffer.from(parsed.signingInput), key.keyObject, signature);
    case 'rsa-pss':
      return verify(
        info.hash,
        Buffer.from(parsed.signingInput),
        { key: key.keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: info.hashLength },
        signature,
      );
    case 'ecdsa':
      return (
        ecdsaSignatureWellFormed(signature, info.signatureLength, info.order) &&
        verify(
          info.hash,
          Buffer.from(parsed.signingInput),
          { key: key.keyObject, dsaEncoding: 'ieee-p1363' },
          signature,
        )
      );
    case 'eddsa':
      return verify(null, Buffer.from(parsed.signingInput), key.keyObject, signature);
  }
}

/**
 * Verifies the signature of a parsed token with a key imported for verifying. Throws
 * `JwsError` `signature` `Signature verification failed` when it does not verify, or when
 * the token's `alg` is not the key's: the caller picks the key for the allowed algorithm (see
 * {@link assertAlgorithmAllowed}), and the engine checks that choice again, so a header can never
 * move a key to another algorithm family.
 *
 * @example
 * ```ts
 * const parsed = parseCompactJws(token, 8192);
 * assertAlgorithmAllowed(parsed.header, ['HS256']);
 * verifyCompactJws(parsed, importVerifyingKey('HS256', secret)); // throws unless signed with secret
 * ```
 */
export function verifyCompactJws(parsed: ParsedJws, key: BoundKey): void {
  if (key.use !== 'verify') {
    throw new JwsError('key', `The ${key.alg} key was imported for signing; verify with a key from importVerifyingKey`);
  }
  let valid = false;
  if (parsed.header.alg === key.alg) {
    try {
      valid = signatureValid(parsed, key);
    } catch {
      valid = false; // OpenSSL refusing a malformed signature is just a bad signature
    }
  }
  if (!valid) throw new JwsError('signature', 'Signature verification failed');
}
