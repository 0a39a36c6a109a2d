/**
 * Key import: turns what a user configured (PEM, DER, JWK, secret string, KeyObject) into a Node
 * `KeyObject` bound to exactly one algorithm, once, at configuration time.
 *
 * Every refusal is a `JwsError` `key` whose message names the option (`what`) and says how to
 * fix it. Messages describe the key (type, curve, size), never its material.
 *
 * @module
 */
import type { KeyObject, webcrypto } from 'node:crypto';
import { JwsError } from './errors.js';
import type { Algorithm } from '../types.js';
import { ALGORITHMS, algorithmInfo, isAlgorithm } from './algorithms.js';
import type { AlgorithmInfo } from './algorithms.js';
import { decodeBase64urlStrict } from './base64url.js';
import { isCryptoKey, isKeyObject, nodeCryptoOrEmpty } from './node-crypto.js';
import { SSH_PUBLIC_KEY, asymmetricLookalike, refuseLookalike } from './secret-lookalike.js';

const { createPrivateKey, createPublicKey, createSecretKey } = nodeCryptoOrEmpty;

/**
 * Anything a key may be configured as: a PEM string (or an HMAC secret string, used as its UTF-8
 * bytes), DER or secret bytes, a JWK object, a Node `KeyObject` or a WebCrypto `CryptoKey`.
 *
 * @example
 * ```ts
 * const material: KeyMaterial = fs.readFileSync('public.pem', 'utf8'); // or a JWK, a KeyObject, ...
 * ```
 */
export type KeyMaterial = string | Buffer | Uint8Array | KeyObject | JwkObject | webcrypto.CryptoKey;

/**
 * A JSON Web Key as a plain object (RFC 7517). Our own type rather than `JsonWebKey` from
 * `node:crypto`: `@types/node` 25 and later no longer export that name, and a declaration file that
 * imports it fails to compile in every consumer project with `skipLibCheck: false`.
 *
 * @example
 * ```ts
 * const jwk: JwkObject = { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA', alg: 'HS256' };
 * ```
 */
export interface JwkObject {
  kty?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  kid?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  k?: string;
  [member: string]: unknown;
}

/**
 * A key imported for one algorithm and one use. The engine signs or verifies only with the
 * algorithm the key was bound to, whatever a token's header says.
 *
 * @example
 * ```ts
 * const key: BoundKey = importVerifyingKey('ES256', publicPem, 'publicKey');
 * key.alg // 'ES256'
 * ```
 */
export interface BoundKey {
  readonly alg: Algorithm;
  readonly use: 'sign' | 'verify';
  readonly keyObject: KeyObject;
}

type Use = BoundKey['use'];

/** The JWK shape `createPrivateKey`/`createPublicKey` take, whatever `@types/node` calls it. */
type NodeJwk = Extract<Parameters<typeof createPublicKey>[0], { format: 'jwk' }>['key'];

const MIN_RSA_BITS = 2048;

const NODE_CURVE_TO_JOSE: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};

function defaultWhat(info: AlgorithmInfo, use: Use): string {
  if (info.family === 'hmac') return 'secretKey';
  return use === 'sign' ? 'privateKey' : 'publicKey';
}

function fail(message: string, cause?: unknown): never {
  throw new JwsError('key', message, cause === undefined ? undefined : { cause });
}

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isJwkObject(x: unknown): x is JwkObject {
  return typeof x === 'object' && x !== null && !isKeyObject(x) && !isCryptoKey(x) && !isBytes(x) && !Array.isArray(x);
}

/** A short description of a key for messages, e.g. `an EC key on P-256`; never its material. */
function describeKey(key: KeyObject): string {
  if (key.type === 'secret') return 'a secret (symmetric) key';
  const kind = key.type === 'private' ? 'private' : 'public';
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `an RSA ${kind} key of ${key.asymmetricKeyDetails?.modulusLength ?? '?'} bits`;
    case 'rsa-pss':
      return `an RSA-PSS ${kind} key of ${key.asymmetricKeyDetails?.modulusLength ?? '?'} bits`;
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? '?';
      return `an EC ${kind} key on ${NODE_CURVE_TO_JOSE[curve] ?? curve}`;
    }
    case 'ed25519':
      return `an Ed25519 ${kind} key`;
    case 'ed448':
      return `an Ed448 ${kind} key`;
    case 'x25519':
    case 'x448':
      return `an ${key.asymmetricKeyType.toUpperCase()} ${kind} key`;
    default:
      return `a ${String(key.asymmetricKeyType).toUpperCase()} ${kind} key`;
  }
}

/** The algorithm this key would fit, to suggest in a message, or undefined. */
function algorithmFor(key: KeyObject): Algorithm | undefined {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec':
      return ALGORITHMS.find((a) => {
        const info = algorithmInfo(a);
        return info.family === 'ecdsa' && info.nodeCurve === key.asymmetricKeyDetails?.namedCurve;
      });
    case 'ed25519':
    case 'ed448':
      return 'EdDSA';
    default:
      return key.type === 'secret' ? 'HS256' : undefined;
  }
}

function needs(alg: Algorithm, info: AlgorithmInfo): string {
  switch (info.family) {
    case 'hmac':
      return `${alg} needs a shared secret`;
    case 'rsa':
      return `${alg} needs an RSA key of at least ${MIN_RSA_BITS} bits`;
    case 'rsa-pss':
      return `${alg} needs an RSA (or RSA-PSS) key of at least ${MIN_RSA_BITS} bits`;
    case 'ecdsa':
      return `${alg} needs an EC key on ${info.curve}`;
    case 'eddsa':
      return `${alg} needs an Ed25519 key`;
  }
}

function wrongKind(alg: Algorithm, info: AlgorithmInfo, what: string, key: KeyObject): never {
  const fits = algorithmFor(key);
  const hint = fits === undefined ? '' : `, or set the algorithm to ${fits} to use this key`;
  fail(`${what} for ${alg} is ${describeKey(key)}; ${needs(alg, info)}. Configure a matching key${hint}.`);
}

// ---------------------------------------------------------------------------------------------
// HMAC secrets

function derLookalike(bytes: Buffer): boolean {
  if (bytes[0] !== 0x30) return false; // every DER key is an ASN.1 SEQUENCE
  const attempts: Array<() => KeyObject> = [
    () => createPublicKey({ key: bytes, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: bytes, format: 'der', type: 'pkcs1' }),
    () => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }),
  ];
  return attempts.some((attempt) => {
    try {
      attempt();
      return true;
    } catch {
      return false;
    }
  });
}

function hmacAdvice(alg: Algorithm, info: AlgorithmInfo): string {
  return `use a random secret of at least ${info.hashLength} bytes for ${alg}, e.g. crypto.randomBytes(${info.hashLength}).toString('hex')`;
}

function importHmacSecret(alg: Algorithm, info: AlgorithmInfo, material: unknown, what: string): KeyObject {
  let secret: Buffer;
  if (isKeyObject(material)) {
    if (material.type !== 'secret') refuseLookalike(alg, what, describeKey(material));
    if ((material.symmetricKeySize ?? 0) === 0) fail(`${what} for ${alg} is empty; ${hmacAdvice(alg, info)}.`);
    return material;
  }
  if (typeof material === 'string') {
    const kind = asymmetricLookalike(material);
    if (kind !== undefined) refuseLookalike(alg, what, kind);
    secret = Buffer.from(material, 'utf8');
  } else if (isBytes(material)) {
    secret = toBuffer(material);
    const kind = asymmetricLookalike(secret.toString('latin1'));
    if (kind !== undefined) refuseLookalike(alg, what, kind);
    if (derLookalike(secret)) refuseLookalike(alg, what, 'a DER-encoded key');
  } else if (isJwkObject(material)) {
    secret = octJwkSecret(alg, material, what);
  } else {
    fail(
      `${what} for ${alg} is ${material === undefined || material === null ? 'not set' : `a ${typeof material}`}; ` +
        `it must be a string, a Buffer, an "oct" JWK or a secret KeyObject: ${hmacAdvice(alg, info)}.`,
    );
  }
  if (secret.length === 0) fail(`${what} for ${alg} is empty; ${hmacAdvice(alg, info)}.`);
  return createSecretKey(secret); // copies the bytes: later changes to the caller's Buffer do not leak in
}

function octJwkSecret(alg: Algorithm, jwk: JwkObject, what: string): Buffer {
  if (jwk.kty === 'RSA' || jwk.kty === 'EC' || jwk.kty === 'OKP')
    refuseLookalike(alg, what, `a JWK of kty "${jwk.kty}"`);
  if (jwk.kty !== 'oct')
    fail(`${what} for ${alg} is a JWK without kty "oct"; an HMAC secret JWK needs kty "oct" and "k".`);
  checkJwkAlgAndUse(alg, jwk, what);
  const bytes = typeof jwk.k === 'string' ? decodeBase64urlStrict(jwk.k) : undefined;
  if (bytes === undefined) fail(`${what} for ${alg} is an "oct" JWK whose "k" is not base64url text; fix "k".`);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Asymmetric keys

function checkJwkAlgAndUse(alg: Algorithm, jwk: JwkObject, what: string): void {
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    fail(
      `${what} is a JWK for alg "${String(jwk.alg)}", but the configured algorithm is ${alg}; ` +
        `use a JWK made for ${alg}, or set the algorithm to ${String(jwk.alg)}.`,
    );
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    fail(`${what} for ${alg} is a JWK with use "${String(jwk.use)}"; a signing key needs use "sig" (or no "use").`);
  }
}

function formatsHelp(use: Use): string {
  return use === 'sign'
    ? 'a PEM private key (PKCS#8 "BEGIN PRIVATE KEY", or PKCS#1 / SEC1), DER bytes, a private JWK (with "d") or a private KeyObject'
    : 'a PEM public key (SPKI "BEGIN PUBLIC KEY", PKCS#1, or an X.509 certificate), DER bytes, a JWK, a KeyObject, or the private key';
}

// PKCS#8 "BEGIN ENCRYPTED PRIVATE KEY", or OpenSSL's legacy "Proc-Type: 4,ENCRYPTED" PEM header.
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED |Proc-Type: *4, *ENCRYPTED/;

function readPem(alg: Algorithm, pem: string, use: Use, what: string): KeyObject {
  if (!pem.includes('-----BEGIN')) {
    const ssh = SSH_PUBLIC_KEY.test(pem.trimStart())
      ? ' (OpenSSH keys must be converted: ssh-keygen -e -m PKCS8 -f key.pub)'
      : '';
    fail(`${what} for ${alg} is not a PEM key${ssh}; it must be ${formatsHelp(use)}.`);
  }
  if (ENCRYPTED_PEM.test(pem)) {
    fail(
      `${what} for ${alg} is an encrypted private key; decrypt it once at start-up and pass the KeyObject: ` +
        `crypto.createPrivateKey({ key, passphrase }).`,
    );
  }
  try {
    return use === 'sign' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (e) {
    const publicForSigning =
      use === 'sign' && /-----BEGIN (?:RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(pem);
    if (publicForSigning)
      fail(`${what} for ${alg} is a public key; signing needs the private key: ${formatsHelp(use)}.`);
    return fail(`${what} for ${alg} could not be read as a PEM key; it must be ${formatsHelp(use)}.`, e);
  }
}

function readDer(alg: Algorithm, der: Buffer, use: Use, what: string): KeyObject {
  const privateTypes = ['pkcs8', 'pkcs1', 'sec1'] as const;
  const attempts: Array<() => KeyObject> =
    use === 'sign'
      ? privateTypes.map((type) => () => createPrivateKey({ key: der, format: 'der', type }))
      : [
          () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
          () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
          ...privateTypes.map((type) => () => createPublicKey(createPrivateKey({ key: der, format: 'der', type }))),
        ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // Try the next DER layout.
    }
  }
  return fail(
    `${what} for ${alg} could not be read as a DER ${use === 'sign' ? 'private' : 'public'} key; it must be ${formatsHelp(use)}.`,
  );
}

function readJwk(alg: Algorithm, jwk: JwkObject, use: Use, what: string): KeyObject {
  if (jwk.kty === 'oct') {
    fail(
      `${what} for ${alg} is a secret ("oct") JWK; ${alg} needs a key pair. To use a shared secret, set the algorithm to HS256.`,
    );
  }
  checkJwkAlgAndUse(alg, jwk, what);
  if (use === 'sign' && jwk.d === undefined) {
    fail(`${what} for ${alg} is a public JWK; signing needs the private JWK (with "d").`);
  }
  try {
    return use === 'sign'
      ? createPrivateKey({ key: jwk as NodeJwk, format: 'jwk' })
      : createPublicKey({ key: jwk as NodeJwk, format: 'jwk' });
  } catch (e) {
    return fail(
      `${what} for ${alg} is not a valid JWK (check kty, crv and the key members); it must be ${formatsHelp(use)}.`,
      e,
    );
  }
}

function readAsymmetric(alg: Algorithm, material: unknown, use: Use, what: string): KeyObject {
  if (isKeyObject(material)) {
    if (material.type === 'secret') {
      fail(
        `${what} for ${alg} is a secret (symmetric) key; ${alg} needs a key pair. To use a shared secret, set the algorithm to HS256.`,
      );
    }
    if (use === 'sign' && material.type !== 'private') {
      fail(`${what} for ${alg} is a public key; signing needs the private key: ${formatsHelp(use)}.`);
    }
    // A verifier given the private key keeps only its public half.
    return use === 'verify' && material.type === 'private' ? createPublicKey(material) : material;
  }
  if (typeof material === 'string') return readPem(alg, material, use, what);
  if (isBytes(material)) {
    const bytes = toBuffer(material);
    const text = bytes.subarray(0, 64).toString('latin1').trimStart();
    return text.startsWith('-----') ? readPem(alg, bytes.toString('utf8'), use, what) : readDer(alg, bytes, use, what);
  }
  if (isJwkObject(material)) return readJwk(alg, material, use, what);
  const got = material === undefined || material === null ? 'not set' : `a ${typeof material}`;
  return fail(`${what} for ${alg} is ${got}; it must be ${formatsHelp(use)}.`);
}

function checkFitsAlgorithm(alg: Algorithm, info: AlgorithmInfo, key: KeyObject, what: string): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (info.family) {
    case 'rsa':
    case 'rsa-pss': {
      if (type !== 'rsa' && !(type === 'rsa-pss' && info.family === 'rsa-pss')) wrongKind(alg, info, what, key);
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) {
        fail(
          `${what} for ${alg} is an RSA key of ${bits} bits; RSA keys must have at least ${MIN_RSA_BITS} bits. Generate a new key (e.g. 3072 bits).`,
        );
      }
      if (type === 'rsa-pss') checkPssRestrictions(alg, info, details, what);
      return;
    }
    case 'ecdsa':
      if (type !== 'ec' || details.namedCurve !== info.nodeCurve) wrongKind(alg, info, what, key);
      return;
    case 'eddsa':
      // Ed448 costs nothing on node:crypto and PyJWT accepts it for EdDSA, so it is accepted too.
      if (type !== 'ed25519' && type !== 'ed448') wrongKind(alg, info, what, key);
      return;
    case 'hmac':
      return; // handled by importHmacSecret
  }
}

/** An RSA-PSS key may pin its hash and minimum salt; they must allow what `alg` does. */
function checkPssRestrictions(
  alg: Algorithm,
  info: AlgorithmInfo,
  details: NonNullable<KeyObject['asymmetricKeyDetails']>,
  what: string,
): void {
  const pinned = [details.hashAlgorithm, details.mgf1HashAlgorithm].filter((h) => h !== undefined);
  if (pinned.some((h) => h !== info.hash) || (details.saltLength ?? 0) > info.hashLength) {
    fail(
      `${what} for ${alg} is an RSA-PSS key restricted to other parameters (hash ${String(details.hashAlgorithm)}, ` +
        `salt ${String(details.saltLength)}); ${alg} uses ${String(info.hash)} with a ${info.hashLength}-byte salt. ` +
        `Use a plain RSA key or one generated for ${alg}.`,
    );
  }
}

function importKey(alg: Algorithm, material: KeyMaterial, use: Use, what: string | undefined): BoundKey {
  if (!isAlgorithm(alg)) {
    fail(
      `The algorithm "${String(alg)}" configured for ${what ?? 'the key'} is not supported; use one of ${ALGORITHMS.join(', ')}.`,
    );
  }
  const info = algorithmInfo(alg);
  const name = what ?? defaultWhat(info, use);
  // A CryptoKey (e.g. shared with code that uses WebCrypto) becomes its KeyObject, checked as one.
  if (isCryptoKey(material)) material = nodeCryptoOrEmpty.KeyObject.from(material);
  let keyObject: KeyObject;
  if (info.family === 'hmac') {
    keyObject = importHmacSecret(alg, info, material, name);
  } else {
    keyObject = readAsymmetric(alg, material, use, name);
    checkFitsAlgorithm(alg, info, keyObject, name);
  }
  return Object.freeze({ alg, use, keyObject });
}

/**
 * Imports the key that signs tokens with `alg`: the shared secret for HS*, else a private key.
 * Throws `JwsError` `key` naming `what` (default `secretKey` or `privateKey`) when the material
 * does not fit `alg`: an HMAC secret that looks like a PEM, SSH or JWK key pair, an empty secret, a
 * public key, an RSA key under 2048 bits, an EC key on another curve, and so on.
 *
 * @example
 * ```ts
 * const signer = importSigningKey('RS256', fs.readFileSync('private.pem', 'utf8'), 'privateKey');
 * const hmac = importSigningKey('HS256', process.env.JWT_SECRET_KEY!, 'secretKey');
 * ```
 */
export function importSigningKey(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey {
  return importKey(alg, material, 'sign', what);
}

/**
 * Imports the key that verifies tokens signed with `alg`: the shared secret for HS*, else a public
 * key, or a private key whose public half is kept. Refuses what {@link importSigningKey} refuses,
 * naming `what` (default `secretKey` or `publicKey`).
 *
 * @example
 * ```ts
 * const verifier = importVerifyingKey('ES256', publicPem, 'publicKey');
 * verifyCompactJws(parseCompactJws(token, 8192), verifier);
 * ```
 */
export function importVerifyingKey(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey {
  return importKey(alg, material, 'verify', what);
}
