/**
 * Random (version 4) UUIDs for the `jti` and `csrf` claims, as flask writes them
 * (`str(uuid.uuid4())`: lowercase hex, dashes).
 *
 * Why not `crypto.randomUUID()`: it costs about 250 ns a call on Node 20 (two of them were a
 * tenth of the cost of an HS256 token). This one draws the random bytes the same way (from the
 * operating system's CSPRNG through `randomFillSync`, a batch at a time, as Node's own entropy
 * cache does), turns a whole batch into hex with one native call, and cuts each UUID out of it.
 * Every byte is used once and never handed out again.
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

const randomBytes = new Uint8Array(BATCH * 16);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
let hex = '';
let next = BATCH;

function refill(): void {
  fill(randomBytes);
  for (let offset = 0; offset < BATCH * 16; offset += 16) {
    // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 10xx in byte 8.
    randomBytes[offset + 6] = ((randomBytes[offset + 6] as number) & 0x0f) | 0x40;
    randomBytes[offset + 8] = ((randomBytes[offset + 8] as number) & 0x3f) | 0x80;
  }
  // One pass over 4 KiB per 256 UUIDs; Buffer's hex would need Buffer, which not every runtime has.
  let text = '';
  for (let i = 0; i < randomBytes.length; i++) text += HEX[randomBytes[i] as number] as string;
  hex = text;
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
  const at = next++ * 32;
  return `${hex.slice(at, at + 8)}-${hex.slice(at + 8, at + 12)}-${hex.slice(at + 12, at + 16)}-${hex.slice(at + 16, at + 20)}-${hex.slice(at + 20, at + 32)}`;
}
