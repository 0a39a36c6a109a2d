/**
 * The JSON-object step both engines share: a header or payload segment's bytes to a plain object,
 * with PyJWT's messages. It uses no `Buffer`, so the WebCrypto engine loads it where Node's
 * built-ins are missing.
 *
 * @module
 */
import { JwsError } from './errors.js';
import { jsonSyntaxReason } from './json-error.js';

/** Which segment a message names. */
export type JwsJsonPart = 'header' | 'payload';

// Fatal: invalid UTF-8 is refused rather than turned into U+FFFD, as Python does. ignoreBOM keeps
// a byte-order mark in the text, so JSON.parse refuses it (no token carries one).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly and parses a JSON object, refusing anything else with a `JwsError` `malformed`
 * whose reason is a position in Python's words, never the input's text (V8's own message quotes
 * it and changes between Node versions).
 *
 * @example
 * ```ts
 * parseJsonObject(new TextEncoder().encode('{"alg":"HS256"}'), 'header'); // { alg: 'HS256' }
 * ```
 */
export function parseJsonObject(bytes: Uint8Array, part: JwsJsonPart): Record<string, unknown> {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new JwsError('malformed', `Invalid ${part} string: not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwsError('malformed', `Invalid ${part} string: ${jsonSyntaxReason(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwsError('malformed', `Invalid ${part} string: must be a json object`);
  }
  return value as Record<string, unknown>;
}
