/**
 * Random (version 4) UUIDs for the `jti` and `csrf` claims, as flask writes them
 * (`str(uuid.uuid4())`: lowercase hex, dashes).
 *
 * Why not `crypto.randomUUID()`: it costs about 250 ns a call on Node 20 (two of them were a
 * tenth of the cost of an HS256 token). This one draws the random bytes the same way (from the
 * operating system's CSPRNG through `randomFillSync`, a batch at a time, as Node's own entropy
 * cache does) and writes a whole batch as UUID text at once: the characters of 256 UUIDs, dashes
 * included, go into one byte array that becomes one string, and each call cuts its UUID out of that
 * string (a slice V8 makes without copying). Cutting five hex pieces per call and joining them with
 * dashes cost about three times as much. Every byte is used once and never handed out again.
 *
 * @module
 */
import { nodeCrypto } from './jws/node-crypto.js';

// node:crypto where the runtime has it; WebCrypto's getRandomValues (same CSPRNG contract) elsewhere.
// No static node:crypto import: it would stop the package loading on runtimes without it.
const fill: (bytes: Uint8Array) => void =
  nodeCrypto === undefined
    ? (bytes) => globalThis.crypto.getRandomValues(bytes)
    : (bytes) => nodeCrypto?.randomFillSync(bytes);

/** UUIDs per batch: 4 KiB of randomness, one `randomFillSync` call per 256 UUIDs. */
const BATCH = 256;
/** Characters of one UUID: 32 hex digits and 4 dashes. */
const LENGTH = 36;

const randomBytes = new Uint8Array(BATCH * 16);
const text = new Uint8Array(BATCH * LENGTH);
// The two ASCII hex digits of each byte value, as character codes.
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  const hex = i.toString(16).padStart(2, '0');
  HIGH[i] = hex.charCodeAt(0);
  LOW[i] = hex.charCodeAt(1);
}
const DASH = 45;
// ASCII in, so UTF-8 decoding is a plain copy; TextDecoder exists on every runtime (Buffer does not).
const decoder = new TextDecoder();
let batch = '';
let next = BATCH;

function refill(): void {
  fill(randomBytes);
  let at = 0;
  for (let offset = 0; offset < BATCH * 16; offset += 16) {
    for (let i = 0; i < 16; i++) {
      let byte = randomBytes[offset + i] as number;
      // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 10xx in byte 8.
      if (i === 6) byte = (byte & 0x0f) | 0x40;
      else if (i === 8) byte = (byte & 0x3f) | 0x80;
      text[at++] = HIGH[byte] as number;
      text[at++] = LOW[byte] as number;
      // 8-4-4-4-12: a dash after bytes 3, 5, 7 and 9.
      if (i === 3 || i === 5 || i === 7 || i === 9) text[at++] = DASH;
    }
  }
  batch = decoder.decode(text);
  next = 0;
}

/**
 * A new random UUID, e.g. `'3b241101-e2bb-4255-8caf-4136c566a962'`.
 *
 * @example
 * ```ts
 * const jti = uuid4()
 * ```
 */
export function uuid4(): string {
  if (next === BATCH) refill();
  const at = next++ * LENGTH;
  return batch.slice(at, at + LENGTH);
}
