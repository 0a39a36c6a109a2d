/**
 * Key import for the WebCrypto engine: everything that can be checked without cryptography is
 * checked synchronously (so a wrong key still fails when the manager is created), then WebCrypto
 * imports the key once, asynchronously, into a non-extractable `CryptoKey` bound to one algorithm.
 *
 * Accepted: HMAC secrets as strings, bytes, "oct" JWKs or HMAC `CryptoKey`s; key pairs as PEM
 * (SPKI `PUBLIC KEY`, PKCS#8 `PRIVATE KEY`), DER bytes of those, JWKs, or `CryptoKey`s; and, where
 * node:crypto exists, `KeyObject`s (read as their JWK). WebCrypto
 * reads no PKCS#1, SEC1 or certificate PEM, so those are refused with the command that converts them.
 *
 * @module
 */
import type { KeyObject, webcrypto } from 'node:crypto';
import { JwsError } from '../errors.js';
import type { Algorithm } from '../../types.js';
import { ALGORITHMS, algorithmInfo, isAlgorithm } from '../algorithms.js';
import type { AlgorithmInfo } from '../algorithms.js';
import { decodeBase64urlBytes } from './base64url.js';
import { isCryptoKey, isKeyObject } from '../node-crypto.js';
import { inspectDerKey, looksLikePkcs1PublicKey } from './der.js';
import type { DerKeyInfo } from './der.js';
import { latin1, readPemBlock } from './pem.js';
import { SSH_PUBLIC_KEY, asymmetricLookalike, refuseLookalike } from '../secret-lookalike.js';

type CryptoKey = webcrypto.CryptoKey;
type JsonWebKey = webcrypto.JsonWebKey;
type NodeKeyObject = KeyObject;

/**
 * What a key may be configured as for the WebCrypto engine.
 *
 * @example
 * ```ts
 * const material: WebKeyMaterial = { kty: 'EC', crv: 'P-256', x: '...', y: '...' };
 * ```
 */
export type WebKeyMaterial = string | Uint8Array | JsonWebKey | CryptoKey | NodeKeyObject;

/**
 * A key bound to one algorithm and one use. `cryptoKey` settles once WebCrypto has imported it;
 * it rejects with a `JwsError` `key` if WebCrypto refuses the key (e.g. an EC point that is
 * not on its curve), which the synchronous checks cannot see.
 *
 * @example
 * ```ts
 * const key: WebBoundKey = importWebVerifyingKey('ES256', publicJwk, 'publicKey');
 * await key.cryptoKey; // throws JwsError 'key' if WebCrypto refuses the key
 * ```
 */
export interface WebBoundKey {
  readonly alg: Algorithm;
  readonly use: 'sign' | 'verify';
  readonly cryptoKey: Promise<CryptoKey>;
}

type Use = WebBoundKey['use'];

const MIN_RSA_BITS = 2048;

/** What WebCrypto implements everywhere: not secp256k1 (ES256K). */
const WEBCRYPTO_ALGORITHMS: ReadonlySet<string> = new Set(ALGORITHMS.filter((a) => a !== 'ES256K'));

function fail(message: string): never {
  throw new JwsError('key', message);
}

function subtle(): webcrypto.SubtleCrypto {
  const s = (globalThis.crypto as webcrypto.Crypto | undefined)?.subtle;
  if (s === undefined) fail('The WebCrypto engine needs globalThis.crypto.subtle, which this runtime does not have.');
  return s;
}

function isJwk(x: unknown): x is JsonWebKey {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && !Array.isArray(x) && !isCryptoKey(x);
}

/** The WebCrypto algorithm parameters for importing a key for `alg`. */
function importParams(
  alg: Algorithm,
  info: AlgorithmInfo,
):
  | webcrypto.AlgorithmIdentifier
  | webcrypto.RsaHashedImportParams
  | webcrypto.EcKeyImportParams
  | webcrypto.HmacImportParams {
  const hash = info.hash === undefined ? '' : `SHA-${info.hash.slice(3)}`;
  switch (info.family) {
    case 'hmac':
      return { name: 'HMAC', hash };
    case 'rsa':
      return { name: 'RSASSA-PKCS1-v1_5', hash };
    case 'rsa-pss':
      return { name: 'RSA-PSS', hash };
    case 'ecdsa':
      return { name: 'ECDSA', namedCurve: info.curve };
    case 'eddsa':
      return { name: 'Ed25519' };
  }
  return alg; // unreachable: every family is handled above
}

function hmacAdvice(alg: Algorithm, info: AlgorithmInfo): string {
  return `use a random secret of at least ${info.hashLength} bytes for ${alg}`;
}

function checkJwkAlgAndUse(alg: Algorithm, jwk: JsonWebKey, what: string): void {
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

function hmacSecretBytes(alg: Algorithm, info: AlgorithmInfo, material: unknown, what: string): Uint8Array {
  let secret: Uint8Array;
  if (typeof material === 'string') {
    const kind = asymmetricLookalike(material);
    if (kind !== undefined) refuseLookalike(alg, what, kind);
    secret = new TextEncoder().encode(material);
  } else if (material instanceof Uint8Array) {
    const kind = asymmetricLookalike(latin1(material.subarray(0, 4096)));
    if (kind !== undefined) refuseLookalike(alg, what, kind);
    if (inspectDerKey(material) !== undefined || looksLikePkcs1PublicKey(material)) {
      refuseLookalike(alg, what, 'a DER-encoded key');
    }
    secret = material.slice(); // a copy: later changes to the caller's bytes do not leak in
  } else if (isJwk(material)) {
    if (material.kty === 'RSA' || material.kty === 'EC' || material.kty === 'OKP') {
      refuseLookalike(alg, what, `a JWK of kty "${material.kty}"`);
    }
    if (material.kty !== 'oct') {
      fail(`${what} for ${alg} is a JWK without kty "oct"; an HMAC secret JWK needs kty "oct" and "k".`);
    }
    checkJwkAlgAndUse(alg, material, what);
    const bytes = typeof material.k === 'string' ? decodeBase64urlBytes(material.k) : undefined;
    if (bytes === undefined) fail(`${what} for ${alg} is an "oct" JWK whose "k" is not base64url text; fix "k".`);
    secret = bytes;
  } else {
    fail(
      `${what} for ${alg} is ${material === undefined || material === null ? 'not set' : `a ${typeof material}`}; ` +
        `it must be a string, a Uint8Array, an "oct" JWK or an HMAC CryptoKey: ${hmacAdvice(alg, info)}.`,
    );
  }
  if (secret.length === 0) fail(`${what} for ${alg} is empty; ${hmacAdvice(alg, info)}.`);
  return secret;
}

function needs(alg: Algorithm, info: AlgorithmInfo): string {
  switch (info.family) {
    case 'hmac':
      return `${alg} needs a shared secret`;
    case 'rsa':
    case 'rsa-pss':
      return `${alg} needs an RSA key of at least ${MIN_RSA_BITS} bits`;
    case 'ecdsa':
      return `${alg} needs an EC key on ${info.curve}`;
    case 'eddsa':
      return `${alg} needs an Ed25519 key`;
  }
}

/** What a key is, as far as the synchronous checks need to know. */
interface KeyFacts {
  readonly kind: DerKeyInfo['kind'] | 'secret';
  readonly isPrivate: boolean;
  readonly curve?: string | undefined;
  readonly bits?: number | undefined;
}

function describe(facts: KeyFacts): string {
  const pair = facts.isPrivate ? 'private' : 'public';
  switch (facts.kind) {
    case 'secret':
      return 'a secret (symmetric) key';
    case 'rsa':
      return `an RSA ${pair} key of ${facts.bits ?? '?'} bits`;
    case 'rsa-pss':
      return `an RSA-PSS ${pair} key`;
    case 'ec':
      return `an EC ${pair} key on ${facts.curve ?? '?'}`;
    case 'ed25519':
      return `an Ed25519 ${pair} key`;
    case 'ed448':
      return `an Ed448 ${pair} key`;
    default:
      return `a ${pair} key of an unsupported type`;
  }
}

function checkFits(alg: Algorithm, info: AlgorithmInfo, facts: KeyFacts, use: Use, what: string): void {
  if (use === 'sign' && !facts.isPrivate) {
    fail(`${what} for ${alg} is a public key; signing needs the private key.`);
  }
  const wrong = (): never =>
    fail(`${what} for ${alg} is ${describe(facts)}; ${needs(alg, info)}. Configure a matching key.`);
  switch (info.family) {
    case 'rsa':
    case 'rsa-pss':
      if (facts.kind === 'rsa-pss') {
        fail(
          `${what} for ${alg} is an RSA-PSS-restricted key (OID id-RSASSA-PSS), which WebCrypto cannot import; ` +
            `use a plain RSA key (rsaEncryption), which signs ${alg} as well.`,
        );
      }
      if (facts.kind !== 'rsa') wrong();
      if ((facts.bits ?? 0) < MIN_RSA_BITS) {
        fail(
          `${what} for ${alg} is an RSA key of ${facts.bits ?? 0} bits; RSA keys must have at least ${MIN_RSA_BITS} bits. Generate a new key (e.g. 3072 bits).`,
        );
      }
      return;
    case 'ecdsa':
      if (facts.kind !== 'ec' || facts.curve !== info.curve) wrong();
      return;
    case 'eddsa':
      if (facts.kind === 'ed448') {
        fail(`${what} for ${alg} is an Ed448 key; the WebCrypto engine signs EdDSA with Ed25519 keys only.`);
      }
      if (facts.kind !== 'ed25519') wrong();
      return;
    case 'hmac':
      return;
  }
}

/** Bit length of a big-endian unsigned integer. */
function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return i === bytes.length ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

const JWK_KIND: Readonly<Record<string, KeyFacts['kind']>> = { RSA: 'rsa', EC: 'ec' };

function jwkFacts(alg: Algorithm, jwk: JsonWebKey, what: string): KeyFacts {
  if (jwk.kty === 'oct') {
    fail(
      `${what} for ${alg} is a secret ("oct") JWK; ${alg} needs a key pair. To use a shared secret, set the algorithm to HS256.`,
    );
  }
  checkJwkAlgAndUse(alg, jwk, what);
  const isPrivate = jwk.d !== undefined;
  if (jwk.kty === 'OKP') {
    return { kind: jwk.crv === 'Ed25519' ? 'ed25519' : jwk.crv === 'Ed448' ? 'ed448' : 'other', isPrivate };
  }
  const kind = typeof jwk.kty === 'string' && Object.hasOwn(JWK_KIND, jwk.kty) ? JWK_KIND[jwk.kty]! : 'other';
  const modulus = typeof jwk.n === 'string' ? decodeBase64urlBytes(jwk.n) : undefined;
  return { kind, isPrivate, curve: jwk.crv, bits: modulus === undefined ? undefined : bitLength(modulus) };
}

const JWK_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const PRIVATE_MEMBERS = new Set<string>(['d', 'p', 'q', 'dp', 'dq', 'qi']);

/** A copy with the key members only: `alg`, `use`, `key_ops` and `ext` were checked here already. */
function cleanJwk(jwk: JsonWebKey, publicOnly: boolean): JsonWebKey {
  const out: Record<string, unknown> = {};
  for (const member of JWK_MEMBERS) {
    if (jwk[member] !== undefined && !(publicOnly && PRIVATE_MEMBERS.has(member))) out[member] = jwk[member];
  }
  return out as JsonWebKey;
}

const CONVERT: Readonly<Record<string, string>> = {
  'RSA PRIVATE KEY': 'convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in key.pem',
  'EC PRIVATE KEY': 'convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in key.pem',
  'RSA PUBLIC KEY': 'convert it to SPKI: openssl rsa -RSAPublicKey_in -in key.pem -pubout',
  CERTIFICATE: 'extract its public key: openssl x509 -pubkey -noout -in cert.pem',
};

const FORMATS =
  'a PEM key (SPKI "BEGIN PUBLIC KEY" or PKCS#8 "BEGIN PRIVATE KEY"), its DER bytes, a JWK or a CryptoKey';

function derFromPem(alg: Algorithm, text: string, what: string): Uint8Array {
  const block = readPemBlock(text);
  if (block === undefined) {
    const ssh = SSH_PUBLIC_KEY.test(text.trimStart())
      ? ' (OpenSSH keys must be converted: ssh-keygen -e -m PKCS8 -f key.pub)'
      : '';
    fail(`${what} for ${alg} is not a PEM key${ssh}; it must be ${FORMATS}.`);
  }
  if (block.label.includes('ENCRYPTED') || (block.der === undefined && text.includes('ENCRYPTED'))) {
    fail(
      `${what} for ${alg} is an encrypted private key; decrypt it once and configure the PKCS#8 PEM or a CryptoKey.`,
    );
  }
  const convert = CONVERT[block.label];
  if (convert !== undefined) {
    fail(`${what} for ${alg} is a "${block.label}" PEM, which WebCrypto cannot read; ${convert}.`);
  }
  if (block.der === undefined) fail(`${what} for ${alg} is a PEM block whose base64 body is malformed.`);
  return block.der;
}

/** The key to import as WebCrypto sees it: a format, the data, and what the checks learned. */
interface Source {
  readonly format: 'spki' | 'pkcs8' | 'jwk';
  readonly data: Uint8Array | JsonWebKey;
  readonly facts: KeyFacts;
}

function asymmetricSource(alg: Algorithm, material: unknown, what: string): Source {
  if (isJwk(material)) return { format: 'jwk', data: material, facts: jwkFacts(alg, material, what) };
  let der: Uint8Array;
  if (typeof material === 'string') der = derFromPem(alg, material, what);
  else if (material instanceof Uint8Array) {
    der = latin1(material.subarray(0, 64)).trimStart().startsWith('-----')
      ? derFromPem(alg, new TextDecoder().decode(material), what)
      : material;
  } else {
    const got = material === undefined || material === null ? 'not set' : `a ${typeof material}`;
    fail(`${what} for ${alg} is ${got}; it must be ${FORMATS}.`);
  }
  const info = inspectDerKey(der);
  if (info === undefined) fail(`${what} for ${alg} could not be read as SPKI or PKCS#8 DER; it must be ${FORMATS}.`);
  return {
    format: info.format,
    data: der.slice(),
    facts: { kind: info.kind, isPrivate: info.format === 'pkcs8', curve: info.curve, bits: info.bits },
  };
}

function cryptoKeyFacts(key: CryptoKey): KeyFacts {
  const algorithm = key.algorithm as {
    name: string;
    namedCurve?: string;
    modulusLength?: number;
    hash?: { name: string };
  };
  const isPrivate = key.type === 'private';
  switch (algorithm.name) {
    case 'HMAC':
      return { kind: 'secret', isPrivate: true };
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
      return { kind: 'rsa', isPrivate, bits: algorithm.modulusLength };
    case 'ECDSA':
      return { kind: 'ec', isPrivate, curve: algorithm.namedCurve };
    case 'Ed25519':
      return { kind: 'ed25519', isPrivate };
    default:
      return { kind: 'other', isPrivate };
  }
}

/** A `CryptoKey` the user imported must already be for exactly this algorithm and use. */
function checkCryptoKey(alg: Algorithm, info: AlgorithmInfo, key: CryptoKey, use: Use, what: string): void {
  const expected = importParams(alg, info) as { name: string; hash?: string };
  const algorithm = key.algorithm as { name: string; hash?: { name: string } };
  const hash = algorithm.hash?.name;
  if (algorithm.name !== expected.name || (expected.hash !== undefined && hash !== expected.hash)) {
    fail(
      `${what} for ${alg} is a CryptoKey for ${algorithm.name}${hash === undefined ? '' : ` with ${hash}`}; ` +
        `import it for ${expected.name}${expected.hash === undefined ? '' : ` with ${expected.hash}`}.`,
    );
  }
  const usage = use === 'sign' ? 'sign' : 'verify';
  if (!key.usages.includes(usage) && !(use === 'verify' && key.type === 'private' && key.extractable)) {
    fail(`${what} for ${alg} is a CryptoKey without the "${usage}" usage; import it with ["${usage}"].`);
  }
}

/** The public JWK of an extractable private key: a verifier keeps only the public half. */
async function publicHalf(privateKey: CryptoKey): Promise<JsonWebKey> {
  const jwk = await subtle().exportKey('jwk', privateKey);
  return cleanJwk(jwk, true);
}

async function importCryptoKey(
  alg: Algorithm,
  info: AlgorithmInfo,
  source: Source | CryptoKey,
  use: Use,
): Promise<CryptoKey> {
  const params = importParams(alg, info);
  const usages: webcrypto.KeyUsage[] = [use];
  if (isCryptoKey(source)) {
    if (use === 'sign' || source.type !== 'private') return source;
    return subtle().importKey('jwk', await publicHalf(source), params, false, usages);
  }
  const { format, data, facts } = source;
  if (use === 'verify' && facts.isPrivate) {
    // WebCrypto derives no public key from a private one: export the private key's JWK, keep x/y/n/e.
    const jwk =
      format === 'jwk'
        ? cleanJwk(data as JsonWebKey, true)
        : await publicHalf(await subtle().importKey(format, data as Uint8Array, params, true, ['sign']));
    return subtle().importKey('jwk', jwk, params, false, usages);
  }
  if (format === 'jwk') return subtle().importKey('jwk', cleanJwk(data as JsonWebKey, false), params, false, usages);
  return subtle().importKey(format, data as Uint8Array, params, false, usages);
}

function settle(promise: Promise<CryptoKey>, alg: Algorithm, what: string): Promise<CryptoKey> {
  const wrapped = promise.catch((cause: unknown) => {
    throw new JwsError(
      'key',
      `${what} for ${alg} was refused by WebCrypto (${cause instanceof Error ? cause.name : 'error'}); check that it is a valid key for ${alg}.`,
      { cause },
    );
  });
  // Observed at once, so a refused key is not an unhandled rejection before its first use.
  wrapped.catch(() => undefined);
  return wrapped;
}

function importWebKey(alg: Algorithm, material: WebKeyMaterial, use: Use, what: string | undefined): WebBoundKey {
  if (!isAlgorithm(alg)) {
    fail(
      `The algorithm "${String(alg)}" configured for ${what ?? 'the key'} is not supported; use one of ${ALGORITHMS.join(', ')}.`,
    );
  }
  const info = algorithmInfo(alg);
  const name = what ?? (info.family === 'hmac' ? 'secretKey' : use === 'sign' ? 'privateKey' : 'publicKey');
  if (!WEBCRYPTO_ALGORITHMS.has(alg)) {
    fail(
      `${alg} is not available on the WebCrypto engine (WebCrypto has no ${info.family === 'ecdsa' ? info.curve : alg} curve); use engine: 'node' for ${alg}.`,
    );
  }
  // A node:crypto KeyObject (on a runtime that has one) is read as its JWK, checked as one.
  if (isKeyObject(material)) material = material.export({ format: 'jwk' }) as JsonWebKey;
  let pending: Promise<CryptoKey>;
  if (isCryptoKey(material)) {
    const facts = cryptoKeyFacts(material);
    if (info.family !== 'hmac') checkFits(alg, info, facts, use, name);
    checkCryptoKey(alg, info, material, use, name);
    pending = importCryptoKey(alg, info, material, use);
  } else if (info.family === 'hmac') {
    const secret = hmacSecretBytes(alg, info, material, name);
    pending = subtle().importKey('raw', secret, importParams(alg, info), false, [use]);
  } else {
    const source = asymmetricSource(alg, material, name);
    checkFits(alg, info, source.facts, use, name);
    if (use === 'sign' && source.format === 'jwk' && (source.data as JsonWebKey).d === undefined) {
      fail(`${name} for ${alg} is a public JWK; signing needs the private JWK (with "d").`);
    }
    pending = importCryptoKey(alg, info, source, use);
  }
  return Object.freeze({ alg, use, cryptoKey: settle(pending, alg, name) });
}

/**
 * Imports the key that signs tokens with `alg` on WebCrypto: the shared secret for HS*, else a
 * private key. Throws `JwsError` `key` at once for anything the synchronous checks can see
 * (wrong type or curve, RSA under 2048 bits, a public key, an HMAC secret that is key-pair
 * material, PKCS#1/SEC1 PEM); WebCrypto's own refusal comes through `cryptoKey`.
 *
 * @example
 * ```ts
 * const signer = importWebSigningKey('ES256', privatePkcs8Pem, 'privateKey');
 * ```
 */
export function importWebSigningKey(alg: Algorithm, material: WebKeyMaterial, what?: string): WebBoundKey {
  return importWebKey(alg, material, 'sign', what);
}

/**
 * Imports the key that verifies tokens signed with `alg` on WebCrypto: the shared secret for HS*,
 * else a public key, or a private key of which only the public half is kept.
 *
 * @example
 * ```ts
 * const verifier = importWebVerifyingKey('RS256', spkiPem, 'publicKey');
 * ```
 */
export function importWebVerifyingKey(alg: Algorithm, material: WebKeyMaterial, what?: string): WebBoundKey {
  return importWebKey(alg, material, 'verify', what);
}
