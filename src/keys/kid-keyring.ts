/**
 * A keyring: keys by `kid`, each bound to one algorithm, one of them the active signing key.
 * Rotation is three calls: `add` the next key (verification only), `promote` it (new tokens carry
 * its `kid`), `retire` the old one once the last token it signed has expired.
 *
 * @module
 */
import { isKeyObject } from '../jws/node-crypto.js';
import { JwtConfigError } from '../errors.js';
import { importSigningKey, importVerifyingKey } from '../engine-boundary.js';
import { type BoundKey, type KeyMaterial, isAsymmetric } from '../jws/index.js';
import type { Algorithm } from '../types.js';
import { type Jwk, type JwkSet, isJwkLike, jwkThumbprint, publicJwk } from './jwk.js';

/**
 * One key of a keyring, as configured. Give `privateKey` (asymmetric, can sign), `publicKey`
 * (asymmetric, verifies only) or `secretKey` (HMAC, signs and verifies), as PEM, JWK or KeyObject.
 *
 * @example
 * ```ts
 * const next: KeyringKey = { kid: '2026-02', privateKey: fs.readFileSync('2026-02.pem', 'utf8') };
 * ```
 */
export interface KeyringKey {
  /** The key id tokens carry. Default: the JWK's own `kid`, else its RFC 7638 thumbprint. */
  kid?: string;
  /** The one algorithm this key is used with. Default: the JWK's `alg`, else the manager's `algorithm`. */
  alg?: Algorithm;
  /** An asymmetric private key: signs, and verifies with its public half. */
  privateKey?: KeyMaterial;
  /** An asymmetric public key: verifies only (a key being retired, or another service's key). */
  publicKey?: KeyMaterial;
  /** An HMAC secret: signs and verifies. Never published in the JWK Set. */
  secretKey?: KeyMaterial;
}

/** One key of the keyring, imported. */
export interface KeyringEntry {
  readonly kid: string;
  readonly alg: Algorithm;
  readonly verifying: BoundKey;
  /** `null` for a verification-only key. */
  readonly signing: (BoundKey & { readonly kid: string }) | null;
  /** `[verifying]`, built once so a lookup allocates nothing. */
  readonly candidates: readonly BoundKey[];
}

/**
 * The keys of a manager configured with `keys`, and the rotation operations.
 *
 * @example
 * ```ts
 * keyring.add({ kid: '2026-02', privateKey: nextPem });
 * keyring.promote('2026-02');
 * ```
 */
export interface KidKeyring {
  /** The key tokens are signed with, or `null` when the keyring only verifies. */
  readonly active: KeyringEntry | null;
  /** The key of a `kid`, if any. */
  get(kid: string): KeyringEntry | undefined;
  /** Every key of `alg`, for a token without `kid` (built once per change). */
  byAlgorithm(alg: Algorithm): readonly BoundKey[];
  /** Adds a key (verification only until promoted) and returns its `kid`. */
  add(key: KeyringKey): string;
  /** Makes a key that can sign the active one. */
  promote(kid: string): void;
  /** Removes a key: tokens it signed are refused from now on. The active key cannot be retired. */
  retire(kid: string): void;
  /** The kids in the order they were added. */
  kids(): string[];
  /** The public keys as a JWK Set (never a private or secret key). */
  jwks(): JwkSet;
}

/** What a keyring needs from its manager's configuration. */
export interface KidKeyringOptions {
  /** Default algorithm of a key configured without `alg`. */
  readonly algorithm: Algorithm;
  /** The algorithms the manager accepts; every key's algorithm must be one of them. */
  readonly allowed: ReadonlySet<Algorithm>;
  /** The kid of the key to sign with. Default: the first key that can sign. */
  readonly signingKid?: string | null;
}

const EMPTY: readonly BoundKey[] = Object.freeze([]);

/**
 * Builds a keyring from configured keys, or throws {@link JwtConfigError} saying which key is
 * unfit and how to fix it.
 *
 * @example
 * ```ts
 * const keyring = createKidKeyring([{ kid: 'a', privateKey: pem }], { algorithm: 'ES256', allowed: new Set(['ES256']) });
 * ```
 */
export function createKidKeyring(keys: readonly KeyringKey[], options: KidKeyringOptions): KidKeyring {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new JwtConfigError('keys must be a non-empty list such as [{ kid: "2026-01", privateKey: pem }]');
  }
  const entries = new Map<string, KeyringEntry>();
  let active: KeyringEntry | null = null;
  let byAlg = new Map<Algorithm, readonly BoundKey[]>();
  let published: JwkSet = { keys: [] };

  function rebuild(): void {
    byAlg = new Map();
    for (const entry of entries.values()) {
      byAlg.set(entry.alg, Object.freeze([...(byAlg.get(entry.alg) ?? []), entry.verifying]));
    }
    const jwks: Jwk[] = [];
    for (const entry of entries.values()) {
      if (isAsymmetric(entry.alg))
        jwks.push(Object.freeze(publicJwk(entry.verifying.keyObject, entry.alg, entry.kid)) as Jwk);
    }
    published = Object.freeze({ keys: Object.freeze(jwks) as Jwk[] });
  }

  const keyring: KidKeyring = {
    get active() {
      return active;
    },
    get: (kid) => (typeof kid === 'string' ? entries.get(kid) : undefined),
    byAlgorithm: (alg) => byAlg.get(alg) ?? EMPTY,
    add(key) {
      const entry = importEntry(key, options);
      if (entries.has(entry.kid)) {
        throw new JwtConfigError(`keys: two keys have the kid "${entry.kid}"; every key needs its own kid`);
      }
      entries.set(entry.kid, entry);
      rebuild();
      return entry.kid;
    },
    promote(kid) {
      const entry = entries.get(kid);
      if (entry === undefined) throw new JwtConfigError(`Cannot promote the key "${kid}": no key has this kid`);
      if (entry.signing === null) {
        throw new JwtConfigError(
          `Cannot promote the key "${kid}": it is a public key; add it with its privateKey to sign with it`,
        );
      }
      active = entry;
    },
    retire(kid) {
      if (!entries.has(kid)) throw new JwtConfigError(`Cannot retire the key "${kid}": no key has this kid`);
      if (active?.kid === kid) {
        throw new JwtConfigError(`Cannot retire the key "${kid}": it signs new tokens; promote the next key first`);
      }
      entries.delete(kid);
      rebuild();
    },
    kids: () => [...entries.keys()],
    jwks: () => published,
  };

  for (const key of keys) keyring.add(key);
  const signingKid = options.signingKid ?? null;
  if (signingKid !== null) keyring.promote(signingKid);
  else {
    const first = [...entries.values()].find((entry) => entry.signing !== null);
    if (first !== undefined) active = first;
  }
  return keyring;
}

function importEntry(key: KeyringKey, options: KidKeyringOptions): KeyringEntry {
  if (!isJwkLike(key) || isKeyObject(key)) {
    throw new JwtConfigError('Each key of keys must be an object such as { kid: "2026-01", privateKey: pem }');
  }
  const given = [key.privateKey, key.publicKey, key.secretKey].filter((m) => m !== undefined && m !== null);
  if (given.length !== 1) {
    throw new JwtConfigError(
      `Each key of keys needs exactly one of privateKey, publicKey or secretKey${key.kid === undefined ? '' : ` (key "${key.kid}")`}`,
    );
  }
  const material = given[0] as KeyMaterial;
  const jwk = isJwkLike(material) && !isKeyObject(material) ? (material as Jwk) : undefined;
  const alg = key.alg ?? (jwk?.alg as Algorithm | undefined) ?? options.algorithm;
  const what = `keys[${key.kid ?? jwk?.kid ?? '?'}]`;
  if (!options.allowed.has(alg)) {
    throw new JwtConfigError(
      `${what} is a key for ${alg}, which this manager does not accept: add ${alg} to decodeAlgorithms, or give the key alg: "${options.algorithm}"`,
    );
  }
  if (isAsymmetric(alg) === (key.secretKey !== undefined && key.secretKey !== null)) {
    throw new JwtConfigError(
      isAsymmetric(alg)
        ? `${what} is a secretKey for ${alg}, which needs a key pair: give privateKey or publicKey`
        : `${what} is for ${alg}, which needs a shared secret: give secretKey`,
    );
  }
  const canSign = key.publicKey === undefined || key.publicKey === null;
  const signing = canSign ? importSigningKey(alg, material, what) : null;
  const verifying = importVerifyingKey(alg, signing?.keyObject ?? material, what);
  if (verifying.keyObject.asymmetricKeyType === 'rsa-pss') {
    // A keyring publishes its keys; JWK has no form for an RSA-PSS-restricted key.
    throw new JwtConfigError(
      `${what} is an RSA-PSS key, which a JWK Set cannot publish: use a plain RSA key (PS* algorithms accept it), e.g. generateKeyPairSync('rsa', { modulusLength: 3072 })`,
    );
  }
  const kid = key.kid ?? jwk?.kid ?? jwkThumbprint(verifying.keyObject);
  if (typeof kid !== 'string' || kid.length === 0) throw new JwtConfigError(`${what}: kid must be a non-empty string`);
  return Object.freeze({
    kid,
    alg,
    verifying,
    signing: signing === null ? null : Object.freeze({ ...signing, kid }),
    candidates: Object.freeze([verifying]),
  });
}
