/**
 * Millisecond issue times for "log out everywhere", without changing flask-jwt-extended's token
 * layout.
 *
 * flask writes `iat` in whole seconds, so a cut-off compared with `iat` alone cannot tell a token
 * minted just before a logout from one minted just after it in the same second. Tokens minted
 * here carry their issue millisecond inside the `jti`, which flask already fills with a random
 * UUID and never parses: we write a UUID version 7 (RFC 9562), whose first 48 bits are the Unix
 * time in milliseconds and whose other 74 bits are random. A Flask service reading our tokens sees
 * a UUID as before; we read the millisecond back when checking a cut-off.
 *
 * @module
 */
import { randomUUID } from './internal/random.js';

/** Highest millisecond a UUIDv7 timestamp holds (48 bits). */
const MAX_UUID7_MS = 2 ** 48 - 1;

/** `xxxxxxxx-xxxx-7xxx-[89ab]xxx-xxxxxxxxxxxx`, lower case, as {@link timeOrderedJti} writes it. */
const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The timestamp text of the last millisecond: tokens minted in a loop share it, so the number
// formatting (about half of this function's cost) runs once per millisecond, not once per token.
let lastMs = -1;
let lastPrefix = '';

/**
 * A random UUIDv7 for `nowMs`: the timestamp, then the 74 random bits of a v4 UUID (`random`,
 * by default node:crypto's `randomUUID`; the token encoder passes its own cheaper one). Falls back to a v4 UUID for a clock
 * outside the 48-bit range (a test clock before 1970), which only makes the token "ambiguous".
 *
 * @example
 * ```ts
 * timeOrderedJti(Date.UTC(2030, 0, 1)); // '01ccf2b3-b000-7...'
 * ```
 */
export function timeOrderedJti(nowMs: number, random: string = randomUUID()): string {
  const ms = Math.floor(nowMs);
  if (ms !== lastMs) {
    if (!(ms >= 0 && ms <= MAX_UUID7_MS)) return random;
    const hex = ms.toString(16).padStart(12, '0');
    lastPrefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7`;
    lastMs = ms;
  }
  // v4 layout: 8-4-4(version '4' first)-4-12. Replace the first 12 hex digits, then the version.
  return lastPrefix + random.slice(15);
}

/**
 * The issue time of a verified token in epoch seconds, as precisely as it can be known:
 * - the millisecond of a UUIDv7 `jti` when it falls inside the `iat` second (our own tokens);
 * - otherwise `iat` itself, the first instant of the second the token was issued in (a token
 *   minted by flask, or with a custom `jti`): compared with a cut-off, that refuses every such
 *   token of the cut-off's own second, which over-revokes rather than under-revokes.
 *
 * Both `jti` and `iat` are covered by the signature, so nobody but the issuer chooses them.
 * Returns `undefined` for a token without a numeric `iat` (stores refuse those once a cut-off exists).
 *
 * @example
 * ```ts
 * issueTimeOf({ iat: 1_900_000_000, jti: timeOrderedJti(1_900_000_000_250) }); // 1900000000.25
 * issueTimeOf({ iat: 1_900_000_000, jti: '6f1c...-4...' }); // 1900000000
 * ```
 */
export function issueTimeOf(payload: { iat?: unknown; jti?: unknown }): number | undefined {
  const iat = payload.iat;
  if (typeof iat !== 'number') return undefined;
  const ms = uuid7Millis(payload.jti);
  if (ms !== undefined && Math.floor(ms / 1000) === iat) return ms / 1000;
  return iat;
}

/** The timestamp of a UUIDv7 string, or `undefined` for anything else. */
function uuid7Millis(jti: unknown): number | undefined {
  if (typeof jti !== 'string' || jti.length !== 36 || jti.charCodeAt(14) !== 55 /* '7' */ || !UUID7.test(jti)) {
    return undefined;
  }
  return parseInt(jti.slice(0, 8) + jti.slice(9, 13), 16);
}

/**
 * The cut-off that refuses every token issued at or before the millisecond `nowMs`, in the
 * stores' "refused when issue time < cut-off" form: half a millisecond past it. A token with an
 * exact time refused iff it was issued in that millisecond or earlier; a flask token (whole
 * second `iat`) refused iff it was issued in that second or earlier.
 *
 * @example
 * ```ts
 * cutoffAfter(1_900_000_000_250); // 1900000000.2505
 * ```
 */
export function cutoffAfter(nowMs: number): number {
  return (Math.floor(nowMs) + 0.5) / 1000;
}
