/**
 * The algorithm-confusion guard both engines share: an HMAC secret that is really asymmetric key
 * material (a PEM, an SSH public key, a JWK's JSON text) is refused at configuration time, since
 * anyone holding the public key could otherwise sign tokens. No `Buffer`, so the WebCrypto engine
 * loads it too.
 *
 * @module
 */
import { JwsError } from './errors.js';
import type { Algorithm } from '../types.js';

/** The first words of an OpenSSH public key line (`ssh-ed25519 AAAA...`): never a PEM or a secret. */
export const SSH_PUBLIC_KEY = /^(?:ssh|ecdsa|sk)-[\w@.-]+\s+AAAA/;

/**
 * Why a secret's text looks like asymmetric key material, or `undefined` for an ordinary secret.
 *
 * @example
 * ```ts
 * asymmetricLookalike('-----BEGIN PUBLIC KEY-----...'); // 'a PEM key or certificate'
 * ```
 */
export function asymmetricLookalike(text: string): string | undefined {
  const trimmed = text.trimStart();
  if (trimmed.includes('-----BEGIN')) return 'a PEM key or certificate';
  if (SSH_PUBLIC_KEY.test(trimmed)) return 'an SSH public key';
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      // JSON.parse only builds plain values: an object with a string `kty` is a JWK.
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        if (typeof (parsed as { kty?: unknown }).kty === 'string') return 'the JSON text of a JWK';
      }
    } catch {
      // Not JSON: an ordinary secret that happens to start with "{".
    }
  }
  return undefined;
}

/**
 * Throws the configuration error for a secret that looks like `kind` of key material.
 *
 * @example
 * ```ts
 * refuseLookalike('HS256', 'secretKey', 'an SSH public key'); // throws JwsError 'key'
 * ```
 */
export function refuseLookalike(alg: Algorithm, what: string, kind: string): never {
  throw new JwsError(
    'key',
    `${what} for ${alg} looks like ${kind}. An HMAC secret must be random bytes known only to the server, never a public ` +
      `or private key: anyone holding the public key could then sign tokens. To sign with a key pair, set the algorithm to ` +
      `RS256, PS256, ES256 or EdDSA and configure privateKey and publicKey instead.`,
  );
}
