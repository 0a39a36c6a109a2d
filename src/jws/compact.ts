/**
 * Splits and decodes a compact JWS (`header.payload.signature`) without any cryptography, raising
 * PyJWT's exact messages in the order flask-jwt-extended meets them.
 *
 * @module
 */
import { JwsError } from './errors.js';
import type { JwtHeader } from '../types.js';
import { decodeBase64urlStrict } from './base64url.js';
import { parseJsonObject } from './json-object.js';

/**
 * A token taken apart but not yet trusted: nothing here is verified.
 *
 * `header.alg` has only been read, not checked: pass the header to `assertAlgorithmAllowed` before
 * choosing a key. `payload` is the object `JSON.parse` built, so a `__proto__` key in the token is
 * an own data property of it, never its prototype.
 *
 * @example
 * ```ts
 * const { header, payload } = parseCompactJws(token, 8192); // untrusted until verifyCompactJws passes
 * ```
 */
export interface ParsedJws {
  readonly header: JwtHeader;
  readonly payload: Record<string, unknown>;
  /** `base64url(header) + "." + base64url(payload)`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** The last header segment that passed every check, and its parsed form. */
let lastHeaderSegment = '';
let lastHeader: Record<string, unknown> = {};

function checkHeader(header: Record<string, unknown>): void {
  if (Object.hasOwn(header, 'kid') && typeof header.kid !== 'string') {
    throw new JwsError('malformed', 'Key ID header parameter must be a string');
  }
  // We implement no JWS extension, so any `crit` names one we cannot honour (RFC 7515 §4.1.11).
  if (Object.hasOwn(header, 'crit')) throw new JwsError('malformed', 'Unsupported critical header parameter');
  // `jku`, `x5u`, `jwk` and `x5c` are never read: keys come from the configuration only.
}

/**
 * Takes a compact JWS apart. Checks, in flask-jwt-extended's order (its unverified decode first),
 * each failure a `JwsError` `malformed` with PyJWT's message:
 *
 * 1. not a string: `Invalid token type. Token must be a <class 'bytes'>`;
 * 2. longer than `maxLength` characters: `Token is too large` (before any other work);
 * 3. fewer than two dots: `Not enough segments`. As in PyJWT the signature follows the last dot and
 *    the header precedes the first, so `a.b.c.d` has the payload `b.c`;
 * 4. header: `Invalid header padding`, `Invalid header string: <reason>`,
 *    `Invalid header string: must be a json object`;
 * 5. payload base64url: `Invalid payload padding`;
 * 6. signature base64url: `Invalid crypto padding`;
 * 7. payload JSON: `Invalid payload string: <reason>`, `Invalid payload string: must be a json object`;
 * 8. a non-string `kid`: `Key ID header parameter must be a string`; any `crit`:
 *    `Unsupported critical header parameter`.
 *
 * base64url is strict (see `decodeBase64urlStrict`) and JSON must be UTF-8. `<reason>` is Python's
 * (`Expecting value: line 1 column 8 (char 7)`, see `jsonSyntaxReason`): a position, never token text.
 *
 * @example
 * ```ts
 * const parsed = parseCompactJws(token, 8192);
 * const alg = assertAlgorithmAllowed(parsed.header, ['HS256']);
 * verifyCompactJws(parsed, keyFor(alg));
 * ```
 */
export function parseCompactJws(token: unknown, maxLength: number): ParsedJws {
  if (typeof token !== 'string') throw new JwsError('malformed', "Invalid token type. Token must be a <class 'bytes'>");
  if (token.length > maxLength) throw new JwsError('malformed', 'Token is too large');

  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (firstDot === lastDot) throw new JwsError('malformed', 'Not enough segments');

  const headerSegment = token.slice(0, firstDot);
  const known = headerSegment === lastHeaderSegment;
  let header: Record<string, unknown>;
  if (known) {
    // An app's tokens nearly all share one header: reuse the last one that passed every check.
    // A copy, so a caller that changes its header cannot change the next request's.
    header = { ...lastHeader };
  } else {
    const headerBytes = decodeBase64urlStrict(headerSegment);
    if (headerBytes === undefined) throw new JwsError('malformed', 'Invalid header padding');
    header = parseJsonObject(headerBytes, 'header');
  }

  const payloadBytes = decodeBase64urlStrict(token.slice(firstDot + 1, lastDot));
  if (payloadBytes === undefined) throw new JwsError('malformed', 'Invalid payload padding');

  const signature = decodeBase64urlStrict(token.slice(lastDot + 1));
  if (signature === undefined) throw new JwsError('malformed', 'Invalid crypto padding');

  const payload = parseJsonObject(payloadBytes, 'payload');
  if (!known) {
    checkHeader(header);
    lastHeaderSegment = headerSegment;
    lastHeader = { ...header };
  }

  return { header: header as JwtHeader, payload, signingInput: token.slice(0, lastDot), signature };
}
