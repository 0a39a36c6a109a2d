/**
 * base64url (RFC 4648 §5, unpadded) on plain `Uint8Array`s, for runtimes without `Buffer`.
 *
 * Decoding is as strict as the node:crypto engine's: a token has exactly one spelling, so any
 * character outside `[A-Za-z0-9_-]`, a dangling character (`length % 4 === 1`) or non-zero unused
 * bits in the last character is refused.
 *
 * @module
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// 255 marks a character outside the alphabet; indexed by UTF-16 code unit below 128.
const DECODE = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const UTF8_ENCODER = new TextEncoder();

/**
 * Encodes bytes, or a string as its UTF-8 bytes, as unpadded base64url.
 *
 * @example
 * ```ts
 * encodeBase64urlBytes(new Uint8Array([0xfb, 0xff])) // '-_8'
 * encodeBase64urlBytes('{"alg":"HS256"}')           // 'eyJhbGciOiJIUzI1NiJ9'
 * ```
 */
export function encodeBase64urlBytes(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? UTF8_ENCODER.encode(input) : input;
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return out;
}

function sextet(s: string, index: number): number {
  const code = s.charCodeAt(index);
  return code < 128 ? (DECODE[code] as number) : 255;
}

/**
 * Decodes unpadded base64url, or returns `undefined` when `s` is not its one canonical spelling.
 *
 * @example
 * ```ts
 * decodeBase64urlBytes('-_8')  // Uint8Array [0xfb, 0xff]
 * decodeBase64urlBytes('-_9')  // undefined (unused low bits set)
 * decodeBase64urlBytes('YQ==') // undefined (padding)
 * ```
 */
export function decodeBase64urlBytes(s: string): Uint8Array | undefined {
  const rest = s.length % 4;
  if (rest === 1) return undefined;
  const out = new Uint8Array(((s.length - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  for (; i + 3 < s.length; i += 4) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    const c = sextet(s, i + 2);
    const d = sextet(s, i + 3);
    if ((a | b | c | d) > 63) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest === 2) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    // Two characters carry 12 bits for one byte: the low 4 bits must be zero.
    if ((a | b) > 63 || (b & 15) !== 0) return undefined;
    out[o] = (a << 2) | (b >>> 4);
  } else if (rest === 3) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    const c = sextet(s, i + 2);
    // Three characters carry 18 bits for two bytes: the low 2 bits must be zero.
    if ((a | b | c) > 63 || (c & 3) !== 0) return undefined;
    const n = (a << 10) | (b << 4) | (c >>> 2);
    out[o++] = n >>> 8;
    out[o] = n & 255;
  }
  return out;
}
