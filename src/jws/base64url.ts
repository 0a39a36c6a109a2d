/**
 * base64url (RFC 4648 §5) without padding, as JWS compact serialisation uses it.
 *
 * Decoding is strict on purpose. `Buffer.from(s, 'base64url')` alone skips characters it does not
 * know, accepts `+`, `/`, `=` and whitespace, and ignores stray trailing bits, so many different
 * strings decode to the same bytes. A token must have exactly one spelling.
 *
 * @module
 */

// Reused by every string encoded (synchronously, so never by two at once); made on first use, so
// runtimes without Buffer (which only load the WebCrypto engine) never touch it.
const SCRATCH_BYTES = 8192;
const SCRATCH_UNITS = Math.floor(SCRATCH_BYTES / 3);
let scratch: Buffer | undefined;

/**
 * Encodes bytes, or a string as its UTF-8 bytes, as unpadded base64url.
 *
 * @example
 * ```ts
 * encodeBase64url('{"alg":"HS256"}') // 'eyJhbGciOiJIUzI1NiJ9'
 * encodeBase64url(Buffer.from([0xfb, 0xff])) // '-_8'
 * ```
 */
export function encodeBase64url(input: Buffer | Uint8Array | string): string {
  if (typeof input === 'string') {
    // A JSON text of a token fits the scratch buffer (UTF-8 takes at most 3 bytes per UTF-16
    // unit), so no Buffer is allocated for it: about a third of this function's cost for a
    // 200-byte payload. Longer text takes a Buffer of its own.
    if (input.length > SCRATCH_UNITS) return Buffer.from(input, 'utf8').toString('base64url');
    scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    return scratch.toString('base64url', 0, scratch.write(input, 0, 'utf8'));
  }
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return buf.toString('base64url');
}

/**
 * Decodes unpadded base64url, or returns `undefined` when `s` is not its one canonical spelling:
 * a character outside `[A-Za-z0-9_-]` (so no `=`, `+`, `/` or whitespace), a length that leaves
 * one character over (`length % 4 === 1`), or non-zero unused bits in the last character.
 *
 * @example
 * ```ts
 * decodeBase64urlStrict('-_8')   // <Buffer fb ff>
 * decodeBase64urlStrict('-_9')   // undefined (unused low bits set)
 * decodeBase64urlStrict('YQ==')  // undefined (padding)
 * ```
 */
export function decodeBase64urlStrict(s: string): Buffer | undefined {
  const bytes = Buffer.from(s, 'base64url');
  // Canonical means: encoding the bytes gives back `s` exactly. That one comparison refuses every
  // leniency of the decoder above (skipped or foreign characters, padding, stray bits, a dangling
  // character) and, in V8, costs less than a regex or a character loop over `s`.
  return bytes.toString('base64url') === s ? bytes : undefined;
}
