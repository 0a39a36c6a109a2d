/**
 * The keys a manager signs and verifies with, imported once at start-up and each bound to exactly
 * one algorithm, from one of four sources:
 *
 * - one key (`secretKey`, or `privateKey` / `publicKey`): tokens carry no `kid`, as flask's;
 * - a keyring (`keys`): keys by `kid`, one of them signing; tokens carry its `kid`;
 * - a remote JWK Set (`remoteJwks`): another issuer's keys, verification only;
 * - the user's `encodeKeyLoader` / `decodeKeyLoader` (flask's), whose keys go through a cache so a
 *   loader that returns the same PEM on every request does not re-import it. With a keyring, the
 *   `decodeKeyLoader` is asked only for a `kid` the keyring does not know.
 *
 * The token's header never picks a key type: it names an allowed algorithm (each allowed
 * algorithm has keys of its own type only) and a `kid`, and the engine checks that the key found
 * is bound to the header's algorithm.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import type { ResolvedConfig } from './config.js';
import { InvalidAlgorithmError, JwtConfigError, JwtExtendedError, UnknownKeyIdError } from './errors.js';
import { assertAlgorithmAllowed } from './engine-boundary.js';
import { isPromiseLike } from './internal/promise.js';
import {
  type BoundKey,
  type EngineKey,
  type EngineParsedJws,
  type KeyMaterial,
  createKeyCache,
  isAsymmetric,
} from './jws/index.js';
import { type RemoteKeySet, createRemoteKeySet } from './jwks/remote.js';
import { type JwkSet, jwkThumbprint, publicJwk } from './keys/jwk.js';
import { type KidKeyring, createKidKeyring } from './keys/kid-keyring.js';
import type { Algorithm, JwtHeader, JwtPayload, MaybePromise } from './types.js';

/** A signing key, with the `kid` tokens must carry when it came from a keyring. */
export type SigningKey = EngineKey & { readonly kid?: string };

/** Signing and verification keys, resolved from the configuration. */
export interface Keyring {
  /** The key new tokens are signed with; throws {@link JwtConfigError} for a verify-only manager. */
  signingKey(): SigningKey;
  /** Imports (once) a key returned by `encodeKeyLoader`. */
  signingKeyFrom(material: KeyMaterial): EngineKey;
  /**
   * The keys that may verify a parsed (untrusted) token: usually one. Synchronous unless a
   * `decodeKeyLoader` returns a promise or a remote key set has to be fetched.
   */
  verifyingKeysFor(parsed: EngineParsedJws): MaybePromise<readonly EngineKey[]>;
  /** The keyring of a manager configured with `keys`, else `null`. */
  readonly kid: KidKeyring | null;
  /** The remote key set of a manager configured with `remoteJwks`, else `null`. */
  readonly remote: RemoteKeySet | null;
  /** The public keys as a JWK Set: never a private or secret key. */
  jwks(): JwkSet;
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
  refuseMixedSources(config);
  refuseUnsupportedOnEngine(config);
  const cache = createKeyCache<EngineKey>({}, config.engine);
  const allowed = new Set(config.decodeAlgorithms);
  const kidKeyring =
    config.keys === null
      ? null
      : createKidKeyring(config.keys, { algorithm: config.algorithm, allowed, signingKid: config.signingKid });
  const remote =
    config.remoteJwks === null ? null : createRemoteKeySet(config.remoteJwks, config.decodeAlgorithms, config.clock);
  const single = kidKeyring === null && remote === null;
  const staticSigner = single && !loaders.encodeKeyLoader ? staticSigningKey(config, !!loaders.decodeKeyLoader) : null;
  const singles = new Map<Algorithm, readonly EngineKey[]>();
  if (single && !loaders.decodeKeyLoader) {
    for (const alg of config.decodeAlgorithms) singles.set(alg, Object.freeze([staticVerifyingKey(config, alg)]));
  }
  const singleJwks =
    config.engine.name === 'node'
      ? (Object.freeze({
          keys: Object.freeze(singleKeyJwks(singles as Map<Algorithm, readonly BoundKey[]>)),
        }) as JwkSet)
      : null;

  const fromLoader = (alg: Algorithm, material: KeyMaterial): readonly EngineKey[] => {
    try {
      return [cache.verifying(alg, material, 'decodeKeyLoader')];
    } catch (error) {
      // The token chose an allowed algorithm the loader's key does not fit: refuse the token,
      // never answer a client's choice with a server error.
      if (error instanceof JwtExtendedError) throw new InvalidAlgorithmError('The specified alg value is not allowed');
      throw error;
    }
  };
  const askLoader = (parsed: EngineParsedJws): MaybePromise<readonly EngineKey[]> => {
    const loader = loaders.decodeKeyLoader as NonNullable<KeyLoaders['decodeKeyLoader']>;
    // flask hands the loader the unverified header and payload (for `kid`, `iss`, tenant lookups).
    const material = loader(parsed.header, parsed.payload as JwtPayload);
    if (isPromiseLike<KeyMaterial>(material)) {
      return Promise.resolve(material).then((m) => fromLoader(assertAlgorithmAllowed(parsed.header, allowed), m));
    }
    return fromLoader(assertAlgorithmAllowed(parsed.header, allowed), material);
  };

  return {
    kid: kidKeyring,
    remote,
    signingKey() {
      const key = staticSigner ?? kidKeyring?.active?.signing ?? null;
      if (key === null) throw verifyOnly(config, kidKeyring !== null, remote !== null);
      return key;
    },
    signingKeyFrom: (material) => cache.signing(config.algorithm, material, 'encodeKeyLoader'),
    verifyingKeysFor(parsed) {
      if (kidKeyring !== null) {
        const alg = assertAlgorithmAllowed(parsed.header, allowed);
        const kid = kidOf(parsed.header);
        if (kid === undefined) return kidKeyring.byAlgorithm(alg);
        const entry = kidKeyring.get(kid);
        if (entry !== undefined) return entry.candidates;
        if (loaders.decodeKeyLoader) return askLoader(parsed);
        throw new UnknownKeyIdError("No key has the token's kid");
      }
      if (remote !== null) {
        return remote.lookup(kidOf(parsed.header), assertAlgorithmAllowed(parsed.header, allowed));
      }
      if (loaders.decodeKeyLoader) return askLoader(parsed);
      return singles.get(assertAlgorithmAllowed(parsed.header, allowed)) as readonly EngineKey[];
    },
    jwks: () => (kidKeyring !== null ? kidKeyring.jwks() : (singleJwks ?? jwksNeedsNode())),
  };
}

/** The `kid` of a header; the parser already refused a non-string one (PyJWT's message). */
function kidOf(header: JwtHeader): string | undefined {
  return header.kid;
}

/**
 * The public key of a one-key asymmetric manager, under its thumbprint (HMAC: nothing). A key of
 * type RSA-PSS (`generateKeyPairSync('rsa-pss')`) signs and verifies PS* tokens but has no JWK
 * form (node:crypto cannot export it, RFC 7518 has no member for its restrictions): it is left
 * out of the set instead of failing the constructor.
 */
function singleKeyJwks(singles: ReadonlyMap<Algorithm, readonly BoundKey[]>): JwkSet['keys'] {
  const keys = [];
  for (const [alg, [key]] of singles) {
    if (key === undefined || !isAsymmetric(alg) || key.keyObject.asymmetricKeyType === 'rsa-pss') continue;
    keys.push(publicJwk(key.keyObject, alg, jwkThumbprint(key.keyObject)));
  }
  return keys;
}

/**
 * Keyrings (`keys`) and remote key sets (`remoteJwks`) import their keys with node:crypto today, and
 * the JWK Set of a manager is exported from node:crypto `KeyObject`s: say so at start-up rather than
 * fail on a request.
 */
function refuseUnsupportedOnEngine(config: ResolvedConfig): void {
  if (config.engine.name === 'node') return;
  const option = config.keys !== null ? 'keys' : config.remoteJwks !== null ? 'remoteJwks' : null;
  if (option !== null) {
    throw new JwtConfigError(
      `${option} is not supported on the WebCrypto engine yet: use one key (secretKey, or privateKey/publicKey) or a decodeKeyLoader, or engine: 'node' where node:crypto exists`,
    );
  }
}

function jwksNeedsNode(): never {
  throw new JwtConfigError(
    "jwks() exports keys through node:crypto: it needs engine: 'node' (the WebCrypto engine keeps its keys non-extractable)",
  );
}

function refuseMixedSources(config: ResolvedConfig): void {
  const single = [
    config.secretKey !== null && 'secretKey',
    config.privateKey !== null && 'privateKey',
    config.publicKey !== null && 'publicKey',
  ].filter((name) => name !== false);
  if (config.keys !== null && single.length > 0) {
    throw new JwtConfigError(
      `keys replaces ${single.join(' and ')}: configure either one key (secretKey, or privateKey/publicKey) or a keyring (keys), not both`,
    );
  }
  if (config.remoteJwks !== null && (single.length > 0 || config.keys !== null)) {
    throw new JwtConfigError(
      "remoteJwks verifies with the issuer's keys only: remove secretKey, privateKey, publicKey and keys (a service that also issues its own tokens uses a second JwtManager for them)",
    );
  }
}

function verifyOnly(config: ResolvedConfig, keyring: boolean, remote: boolean): JwtConfigError {
  const what = remote
    ? 'it verifies with remoteJwks only'
    : keyring
      ? 'its keys have no private key or secret to sign with (add one to keys and promote it)'
      : `privateKey is not set (${config.algorithm} signs with a private key: pass a PEM (PKCS#8), a JWK or a KeyObject, or register an encodeKeyLoader)`;
  return new JwtConfigError(`This JwtManager only verifies tokens and cannot create one: ${what}`);
}

function staticSigningKey(config: ResolvedConfig, hasDecodeKeyLoader: boolean): EngineKey | null {
  const alg = config.algorithm;
  if (!isAsymmetric(alg)) return config.engine.importSigningKey(alg, requireSecret(config, alg), 'secretKey');
  // A manager with only a public key (or a decodeKeyLoader) verifies, as flask's does; creating a
  // token then says what is missing.
  if (config.privateKey === null)
    return config.publicKey === null && !hasDecodeKeyLoader ? missingPublicKey(alg) : null;
  return config.engine.importSigningKey(alg, config.privateKey, 'privateKey');
}

function staticVerifyingKey(config: ResolvedConfig, alg: Algorithm): EngineKey {
  if (!isAsymmetric(alg)) return config.engine.importVerifyingKey(alg, requireSecret(config, alg), 'secretKey');
  // The public key can be derived from the private one, so an app that signs need not repeat it.
  const material = config.publicKey ?? config.privateKey;
  if (material === null) missingPublicKey(alg);
  return config.engine.importVerifyingKey(alg, material, config.publicKey === null ? 'privateKey' : 'publicKey');
}

function missingPublicKey(alg: Algorithm): never {
  throw new JwtConfigError(
    `publicKey or privateKey must be set when using asymmetric algorithm "${alg}": pass a PEM, a JWK or a KeyObject (publicKey alone makes a manager that only verifies), use keys or remoteJwks, or register a decodeKeyLoader in the options`,
  );
}

function requireSecret(config: ResolvedConfig, alg: Algorithm): KeyMaterial {
  if (config.secretKey === null || config.secretKey === '') {
    throw new JwtConfigError(
      `secretKey must be set when using symmetric algorithm "${alg}": pass a long random string (e.g. 64 characters from a secret manager or process.env.JWT_SECRET_KEY)`,
    );
  }
  return config.secretKey;
}

/**
 * The keyring of a manager configured with `keys`, for the rotation methods; a manager with one
 * key gets a {@link JwtConfigError} saying how to configure one.
 *
 * @example
 * ```ts
 * kidKeyringOf(keys, 'addKey').add({ kid: '2026-02', privateKey: nextPem })
 * ```
 */
export function kidKeyringOf(keys: Keyring, method: string): KidKeyring {
  if (keys.kid === null) {
    throw new JwtConfigError(
      `${method} needs a keyring: configure the manager with keys: [{ kid, privateKey }] instead of one key`,
    );
  }
  return keys.kid;
}
