/**
 * JSON Web Keys (RFC 7517) as jwt-extended reads and publishes them: our own type (not Node's,
 * which newer `@types/node` no longer exports), RFC 7638 thumbprints, and the public JWK of a key.
 *
 * @module
 */
import type { KeyObject } from 'node:crypto';
import { nodeCryptoOrEmpty } from '../jws/node-crypto.js';

// Through the engine's loader: a static node:crypto import would stop the package loading where
// the runtime has none (these helpers only run on the node:crypto engine).
const { createHash, createPublicKey } = nodeCryptoOrEmpty;
import type { Algorithm } from '../types.js';

/**
 * A JSON Web Key: the members jwt-extended reads or writes, and any others as `unknown`.
 *
 * @example
 * ```ts
 * const jwk: Jwk = { kty: 'EC', crv: 'P-256', x: '...', y: '...', kid: '2026-01', alg: 'ES256', use: 'sig' };
 * ```
 */
export interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  k?: string;
  d?: string;
  [member: string]: unknown;
}

/**
 * A JWK Set (RFC 7517 §5): what `jwt.jwks()` returns and `/.well-known/jwks.json` serves.
 *
 * @example
 * ```ts
 * const set: JwkSet = jwt.jwks(); // { keys: [{ kty: 'EC', kid: '...', alg: 'ES256', use: 'sig', ... }] }
 * ```
 */
export interface JwkSet {
  keys: Jwk[];
}

/** The members RFC 7638 §3.2 hashes, per key type, in the lexicographic order it requires. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a key, base64url: the default `kid` of a key configured
 * without one. A private key has the thumbprint of its public half, so signer and verifier agree.
 *
 * @example
 * ```ts
 * const kid = jwkThumbprint(createPublicKey(publicPem)); // e.g. 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' }) as Jwk;
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw new TypeError(`No RFC 7638 thumbprint for key type ${String(jwk.kty)}`);
  // Build the JSON by hand: the RFC fixes the member order and forbids whitespace.
  const json = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(json).digest('base64url');
}

/**
 * The public JWK of an asymmetric key, with `kid`, `alg` and `use: "sig"`: only the public
 * members, whatever the key holds. Throws a `TypeError` for a secret key, which must never be
 * published.
 *
 * @example
 * ```ts
 * publicJwk(privateKeyObject, 'ES256', '2026-01') // { kty: 'EC', crv: 'P-256', x, y, kid, alg, use }
 * ```
 */
export function publicJwk(key: KeyObject, alg: Algorithm, kid: string): Jwk {
  if (key.type === 'secret') throw new TypeError('A secret (symmetric) key is never published in a JWK Set');
  const exported = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' }) as Jwk;
  const members = THUMBPRINT_MEMBERS[String(exported.kty)] ?? [];
  const jwk: Jwk = {};
  // Copy only the public members by name: a private member can never slip into the set.
  for (const member of members) if (exported[member] !== undefined) jwk[member] = exported[member];
  jwk.kid = kid;
  jwk.alg = alg;
  jwk.use = 'sig';
  return jwk;
}

/**
 * Whether `value` is a plain JSON object (a JWK candidate), not an array or `null`.
 *
 * @example
 * ```ts
 * isJwkLike({ kty: 'EC' }) // true
 * ```
 */
export function isJwkLike(value: unknown): value is Jwk {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
