/**
 * The keys a manager signs and verifies with, imported once at start-up and each bound to exactly
 * one algorithm. Keys returned by the user's key loaders go through a cache, so a loader that
 * returns the same PEM on every request does not re-import it.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import type { ResolvedConfig } from './config.js';
import { InvalidAlgorithmError, JwtConfigError, JwtExtendedError } from './errors.js';
import {
  type BoundKey,
  type KeyMaterial,
  createKeyCache,
  importSigningKey,
  importVerifyingKey,
  isAsymmetric,
} from './jws/index.js';
import type { Algorithm } from './types.js';

/** Signing and verification keys, resolved from the configuration. */
export interface Keyring {
  /** The static signing key, or `null` when an `encodeKeyLoader` supplies keys. */
  readonly signingKey: BoundKey | null;
  /** One verification key per allowed algorithm (absent when a `decodeKeyLoader` supplies them). */
  readonly verifyingKeys: ReadonlyMap<Algorithm, BoundKey>;
  /** Imports (once) a key returned by `encodeKeyLoader`. */
  signingKeyFrom(material: KeyMaterial): BoundKey;
  /** Imports (once) a key returned by `decodeKeyLoader` for the token's (allowed) algorithm. */
  verifyingKeyFrom(alg: Algorithm, material: KeyMaterial): BoundKey;
}

type KeyLoaders = Pick<ManagerCallbacks<never, unknown, unknown, unknown>, 'encodeKeyLoader' | 'decodeKeyLoader'>;

/**
 * Builds the keyring or throws {@link JwtConfigError} naming the missing or unfit key and how to fix it.
 *
 * @example
 * ```ts
 * const keys = createKeyring(resolveConfig({ secretKey: 's3cr3t...' }), {})
 * ```
 */
export function createKeyring(config: ResolvedConfig, loaders: KeyLoaders): Keyring {
  const cache = createKeyCache();
  const signingKey = loaders.encodeKeyLoader ? null : staticSigningKey(config);
  const verifyingKeys = new Map<Algorithm, BoundKey>();
  if (!loaders.decodeKeyLoader) {
    for (const alg of config.decodeAlgorithms) verifyingKeys.set(alg, staticVerifyingKey(config, alg));
  }
  return {
    signingKey,
    verifyingKeys,
    signingKeyFrom: (material) => cache.signing(config.algorithm, material, 'encodeKeyLoader'),
    verifyingKeyFrom(alg, material) {
      try {
        return cache.verifying(alg, material, 'decodeKeyLoader');
      } catch (error) {
        // The token chose an allowed algorithm the loader's key does not fit: refuse the token,
        // never answer a client's choice with a server error.
        if (error instanceof JwtExtendedError)
          throw new InvalidAlgorithmError('The specified alg value is not allowed');
        throw error;
      }
    },
  };
}

function staticSigningKey(config: ResolvedConfig): BoundKey {
  const alg = config.algorithm;
  if (!isAsymmetric(alg)) return importSigningKey(alg, requireSecret(config, alg), 'secretKey');
  if (config.privateKey === null) {
    throw new JwtConfigError(
      `privateKey must be set when using asymmetric algorithm "${alg}": pass a PEM (PKCS#8), a JWK or a KeyObject, or register an encodeKeyLoader in the options`,
    );
  }
  return importSigningKey(alg, config.privateKey, 'privateKey');
}

function staticVerifyingKey(config: ResolvedConfig, alg: Algorithm): BoundKey {
  if (!isAsymmetric(alg)) return importVerifyingKey(alg, requireSecret(config, alg), 'secretKey');
  // The public key can be derived from the private one, so an app that signs need not repeat it.
  const material = config.publicKey ?? config.privateKey;
  if (material === null) {
    throw new JwtConfigError(
      `publicKey must be set when using asymmetric algorithm "${alg}": pass a PEM (SPKI), a JWK or a KeyObject, or register a decodeKeyLoader in the options`,
    );
  }
  return importVerifyingKey(alg, material, config.publicKey === null ? 'privateKey' : 'publicKey');
}

function requireSecret(config: ResolvedConfig, alg: Algorithm): KeyMaterial {
  if (config.secretKey === null || config.secretKey === '') {
    throw new JwtConfigError(
      `secretKey must be set when using symmetric algorithm "${alg}": pass a long random string (e.g. 64 characters from a secret manager or process.env.JWT_SECRET_KEY)`,
    );
  }
  return config.secretKey;
}
