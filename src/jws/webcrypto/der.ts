/**
 * Just enough DER to inspect a key before WebCrypto imports it: which algorithm an SPKI or PKCS#8
 * structure is for, its EC curve, its RSA modulus size. The node:crypto engine learns these from
 * `KeyObject.asymmetricKeyDetails`; WebCrypto only reports them after an asynchronous import, and
 * a misconfigured key must fail when the manager is created, not on the first request.
 *
 * Nothing here verifies a key: WebCrypto still parses it in full when it imports it.
 *
 * @module
 */

/** A DER element: its tag and where its contents are inside the input. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const OID = 0x06;

/** Reads the element at `offset`, or undefined when it does not fit inside `limit`. */
function element(bytes: Uint8Array, offset: number, limit: number): Element | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset] as number;
  let length = bytes[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Indefinite lengths are BER, not DER; four length bytes are far beyond any key.
    if (count === 0 || count > 3 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] as number);
    start += count;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

function children(bytes: Uint8Array, parent: Element): Element[] | undefined {
  const out: Element[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = element(bytes, offset, parent.end);
    if (child === undefined) return undefined;
    out.push(child);
    offset = child.end;
  }
  return out;
}

function hex(bytes: Uint8Array, el: Element): string {
  let out = '';
  for (let i = el.start; i < el.end; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}

/** Bit length of a DER INTEGER's unsigned value. */
function integerBits(bytes: Uint8Array, el: Element): number {
  let i = el.start;
  while (i < el.end && bytes[i] === 0) i++;
  if (i === el.end) return 0;
  return (el.end - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

/**
 * What a key's DER says about it. `kind` comes from the AlgorithmIdentifier OID; `curve` is a
 * JOSE curve name for EC keys; `bits` is the RSA modulus size.
 *
 * @example
 * ```ts
 * const info: DerKeyInfo = { format: 'spki', kind: 'ec', curve: 'P-256' };
 * ```
 */
export interface DerKeyInfo {
  readonly format: 'spki' | 'pkcs8';
  readonly kind: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'other';
  readonly curve?: string;
  readonly bits?: number;
}

const KIND_BY_OID: Readonly<Record<string, DerKeyInfo['kind']>> = {
  '2a864886f70d010101': 'rsa', // rsaEncryption
  '2a864886f70d01010a': 'rsa-pss', // id-RSASSA-PSS
  '2a8648ce3d0201': 'ec', // id-ecPublicKey
  '2b6570': 'ed25519',
  '2b6571': 'ed448',
};

const CURVE_BY_OID: Readonly<Record<string, string>> = {
  '2a8648ce3d030107': 'P-256', // prime256v1
  '2b81040022': 'P-384', // secp384r1
  '2b81040023': 'P-521', // secp521r1
  '2b8104000a': 'secp256k1',
};

function algorithmIdentifier(bytes: Uint8Array, el: Element): { kind: DerKeyInfo['kind']; curve?: string } | undefined {
  if (el.tag !== SEQUENCE) return undefined;
  const parts = children(bytes, el);
  const oid = parts?.[0];
  if (oid?.tag !== OID) return undefined;
  const kind = Object.hasOwn(KIND_BY_OID, hex(bytes, oid)) ? KIND_BY_OID[hex(bytes, oid)]! : 'other';
  const params = parts?.[1];
  if (kind !== 'ec' || params?.tag !== OID) return { kind };
  const curveHex = hex(bytes, params);
  return { kind, curve: Object.hasOwn(CURVE_BY_OID, curveHex) ? CURVE_BY_OID[curveHex]! : 'an unnamed curve' };
}

/** The modulus size of an RSAPublicKey / RSAPrivateKey SEQUENCE at `el`. */
function rsaBits(bytes: Uint8Array, el: Element, isPrivate: boolean): number | undefined {
  const inner = element(bytes, el.start, el.end);
  if (inner?.tag !== SEQUENCE) return undefined;
  const ints = children(bytes, inner);
  const modulus = ints?.[isPrivate ? 1 : 0];
  return modulus?.tag === INTEGER ? integerBits(bytes, modulus) : undefined;
}

/**
 * Reads an SPKI public key or a PKCS#8 private key, or returns undefined when `der` is neither
 * (PKCS#1, SEC1, a certificate, garbage).
 *
 * @example
 * ```ts
 * inspectDerKey(spkiBytes) // { format: 'spki', kind: 'rsa', bits: 2048 }
 * ```
 */
export function inspectDerKey(der: Uint8Array): DerKeyInfo | undefined {
  const outer = element(der, 0, der.length);
  if (outer?.tag !== SEQUENCE || outer.end !== der.length) return undefined;
  const parts = children(der, outer);
  if (parts === undefined || parts.length < 2) return undefined;
  const [first, second, third] = parts as [Element, Element, Element | undefined];
  if (first.tag === SEQUENCE && second.tag === BIT_STRING && parts.length === 2) {
    const id = algorithmIdentifier(der, first);
    if (id === undefined) return undefined;
    // A BIT STRING starts with its count of unused bits (always 0 for keys).
    const bits =
      id.kind === 'rsa' || id.kind === 'rsa-pss'
        ? rsaBits(der, { tag: BIT_STRING, start: second.start + 1, end: second.end }, false)
        : undefined;
    return { format: 'spki', ...id, ...(bits === undefined ? {} : { bits }) };
  }
  if (first.tag === INTEGER && second.tag === SEQUENCE && third?.tag === OCTET_STRING) {
    const id = algorithmIdentifier(der, second);
    if (id === undefined) return undefined;
    const bits = id.kind === 'rsa' || id.kind === 'rsa-pss' ? rsaBits(der, third, true) : undefined;
    return { format: 'pkcs8', ...id, ...(bits === undefined ? {} : { bits }) };
  }
  return undefined;
}

/**
 * Whether `der` is a PKCS#1 RSAPublicKey (`SEQUENCE { INTEGER n, INTEGER e }`): WebCrypto cannot
 * import it, and as an HMAC secret it would be a public key posing as one.
 *
 * @example
 * ```ts
 * looksLikePkcs1PublicKey(bytes) // true for "BEGIN RSA PUBLIC KEY" contents
 * ```
 */
export function looksLikePkcs1PublicKey(der: Uint8Array): boolean {
  const outer = element(der, 0, der.length);
  if (outer?.tag !== SEQUENCE || outer.end !== der.length) return false;
  const parts = children(der, outer);
  return parts?.length === 2 && parts.every((p) => p.tag === INTEGER);
}
