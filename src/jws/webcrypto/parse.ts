/**
 * Takes a compact JWS apart without `Buffer`: the same checks, in the same order and with the same
 * messages, as the node:crypto engine's `parseCompactJws`.
 *
 * @module
 */
import { JwsError } from '../errors.js';
import type { JwtHeader } from '../../types.js';
import { parseJsonObject } from '../json-object.js';
import { decodeBase64urlBytes } from './base64url.js';

/**
 * A token taken apart but not yet trusted; as `ParsedJws` of the node:crypto engine, with the
 * signature as plain bytes.
 *
 * @example
 * ```ts
 * const { header, payload } = parseCompactJwsWeb(token, 8192); // untrusted until verified
 * ```
 */
export interface WebParsedJws {
  readonly header: JwtHeader;
  readonly payload: Record<string, unknown>;
  /** `base64url(header) + "." + base64url(payload)`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

/**
 * Splits and decodes a compact JWS. Refuses, each with PyJWT's message as a `JwsError` `malformed`: a
 * non-string; more than `maxLength` characters (before any other work); fewer than two dots;
 * non-canonical base64url in the header, payload or signature; invalid UTF-8 or JSON, or JSON that
 * is not an object; a non-string `kid`; any `crit` (no JWS extension is implemented).
 *
 * @example
 * ```ts
 * const parsed = parseCompactJwsWeb(token, 8192);
 * assertAlgorithmAllowed(parsed.header, ['ES256']);
 * await webCryptoEngine.verify(parsed, key);
 * ```
 */
export function parseCompactJwsWeb(token: unknown, maxLength: number): WebParsedJws {
  if (typeof token !== 'string') throw new JwsError('malformed', "Invalid token type. Token must be a <class 'bytes'>");
  if (token.length > maxLength) throw new JwsError('malformed', 'Token is too large');

  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (firstDot === lastDot) throw new JwsError('malformed', 'Not enough segments');

  const headerBytes = decodeBase64urlBytes(token.slice(0, firstDot));
  if (headerBytes === undefined) throw new JwsError('malformed', 'Invalid header padding');
  const header = parseJsonObject(headerBytes, 'header');

  const payloadBytes = decodeBase64urlBytes(token.slice(firstDot + 1, lastDot));
  if (payloadBytes === undefined) throw new JwsError('malformed', 'Invalid payload padding');

  const signature = decodeBase64urlBytes(token.slice(lastDot + 1));
  if (signature === undefined) throw new JwsError('malformed', 'Invalid crypto padding');

  const payload = parseJsonObject(payloadBytes, 'payload');
  if (Object.hasOwn(header, 'kid') && typeof header.kid !== 'string') {
    throw new JwsError('malformed', 'Key ID header parameter must be a string');
  }
  if (Object.hasOwn(header, 'crit')) throw new JwsError('malformed', 'Unsupported critical header parameter');
  // `jku`, `x5u`, `jwk` and `x5c` are never read: keys come from the configuration only.

  return { header: header as JwtHeader, payload, signingInput: token.slice(0, lastDot), signature };
}
