/**
 * The `headers` location: `Authorization: Bearer <JWT>`, with flask-jwt-extended's parsing of
 * comma-separated credentials and its exact messages.
 *
 * @module
 */
import { InvalidHeaderError, NoAuthorizationError } from '../errors.js';
import type { LocatedToken, Locator } from './types.js';

const WHITESPACE = /\s+/;
const COMMA_LIST = /,\s*/;
/**
 * True when `text` has no comma and none of the whitespace `\s` matches in a header value
 * (`\n` and `\r` cannot occur there): what follows `Bearer ` in nearly every request. Six
 * `indexOf` scans cost a tenth of a regular expression over a 400-character token.
 */
function isSimpleToken(text: string): boolean {
  return (
    text.length > 0 &&
    text.indexOf(' ') === -1 &&
    text.indexOf(',') === -1 &&
    text.indexOf('\t') === -1 &&
    text.indexOf('\u00a0') === -1 &&
    text.indexOf('\v') === -1 &&
    text.indexOf('\f') === -1
  );
}

/**
 * Reads the token from the configured header. The header name is case-insensitive; the type
 * (`Bearer`) is matched case-sensitively, as flask does.
 *
 * @example
 * ```ts
 * fromHeaders(view, config, false).token
 * ```
 */
export const fromHeaders: Locator = (request, config): LocatedToken => {
  const { headerName: name, headerType: type } = config;
  const raw = request.header(config.headerNameLowerCase);
  // Two lines are refused whatever they hold: Node keeps only the first, a WSGI server joins them,
  // so a second line must never decide (or be ignored in deciding) which token is used.
  if (raw !== undefined && request.headerRepeated(config.headerNameLowerCase)) throw badHeader(name, type);
  // The usual `Bearer <JWT>` needs none of the splitting below.
  if (
    type &&
    raw !== undefined &&
    raw.length > type.length + 1 &&
    raw.startsWith(type) &&
    raw.charCodeAt(type.length) === 32
  ) {
    const token = raw.slice(type.length + 1);
    if (isSimpleToken(token)) return { token, csrfValue: null };
  }
  const value = stripCommas((raw ?? '').trim());
  if (!value) throw new NoAuthorizationError(`Missing ${name} Header`);
  let parts: string[];
  if (type) {
    const matching = value
      .split(COMMA_LIST)
      .map(words)
      .filter((w) => w.length > 0 && w[0] === type);
    if (matching.length !== 1) {
      throw new NoAuthorizationError(`Missing '${type}' type in '${name}' header. Expected '${name}: ${type} <JWT>'`);
    }
    parts = matching[0] as string[];
    if (parts.length !== 2) throw badHeader(name, type);
  } else {
    parts = words(value);
    if (parts.length !== 1) throw badHeader(name, type);
  }
  return { token: parts[parts.length - 1], csrfValue: null };
};

/** flask's 422 for a malformed header: `Bad Authorization header. Expected 'Authorization: Bearer <JWT>'`. */
function badHeader(name: string, type: string): InvalidHeaderError {
  return new InvalidHeaderError(`Bad ${name} header. Expected '${name}: ${type ? `${type} ` : ''}<JWT>'`);
}

/** Python's `str.split()`: runs of whitespace separate, no empty words. */
function words(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(WHITESPACE);
}

/** Python's `.strip(",")`: commas removed from both ends. */
function stripCommas(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 44) start++;
  while (end > start && text.charCodeAt(end - 1) === 44) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
