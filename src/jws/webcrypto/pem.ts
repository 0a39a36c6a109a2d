/**
 * PEM text to DER bytes, without `Buffer`, and the PEM labels WebCrypto can import.
 *
 * @module
 */
import { decodeBase64urlBytes } from './base64url.js';

/**
 * One PEM block: its label (`PUBLIC KEY`, `PRIVATE KEY`, `RSA PRIVATE KEY`, ...) and its DER
 * bytes, or `der: undefined` when the base64 body is malformed.
 *
 * @example
 * ```ts
 * const block: PemBlock = { label: 'PUBLIC KEY', der: spkiBytes };
 * ```
 */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array | undefined;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * The first PEM block of `text`, or undefined when there is none.
 *
 * @example
 * ```ts
 * readPemBlock(fs.readFileSync('public.pem', 'utf8')) // { label: 'PUBLIC KEY', der: Uint8Array(...) }
 * ```
 */
export function readPemBlock(text: string): PemBlock | undefined {
  const match = BLOCK.exec(text);
  if (match === null) return undefined;
  const label = match[1] as string;
  const body = (match[2] as string).replace(/\s+/g, '');
  // Encapsulated headers (`Proc-Type: 4,ENCRYPTED`) mean an encrypted legacy key: not base64.
  if (body.includes(':')) return { label, der: undefined };
  const urlSafe = body.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return { label, der: decodeBase64urlBytes(urlSafe) };
}

/**
 * The bytes as Latin-1 text (one character per byte), to look for PEM markers in key material
 * given as bytes; works where `TextDecoder` knows only UTF-8.
 *
 * @example
 * ```ts
 * latin1(new Uint8Array([0x2d, 0x2d])) // '--'
 * ```
 */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  }
  return out;
}
