/**
 * The `headers` location: `Authorization: Bearer <JWT>`, with flask-jwt-extended's parsing of
 * comma-separated credentials and its exact messages.
 *
 * @module
 */
import { InvalidHeaderError, NoAuthorizationError } from '../errors.js';
import type { LocatedToken, Locator } from './types.js';

/**
 * Python's whitespace (`str.isspace()`, which `strip()`, `split()` and `re`'s `\s` use). It differs
 * from JavaScript's `\s`: it has U+001C-U+001F and U+0085 (NEL, which an HTTP header value can
 * carry as latin-1), and not U+FEFF.
 */
const PY_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE = new RegExp(`[${PY_SPACE}]+`);
const COMMA_LIST = new RegExp(`,[${PY_SPACE}]*`);
const EDGE_WHITESPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/**
 * True when `text` has no comma and none of the Python whitespace a header value can carry over
 * HTTP (latin-1 without control characters but tab; `\n` and `\r` cannot occur): what follows
 * `Bearer ` in nearly every request. Seven `indexOf` scans cost a tenth of a regular expression
 * over a 400-character token. (A token with other Python whitespace, which only a non-HTTP port
 * could pass, fails base64url decoding: still a 422.)
 */
function isSimpleToken(text: string): boolean {
  return (
    text.length > 0 &&
    text.indexOf(' ') === -1 &&
    text.indexOf(',') === -1 &&
    text.indexOf('\t') === -1 &&
    text.indexOf('\u00a0') === -1 &&
    text.indexOf('\u0085') === -1 &&
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
  const value = stripCommas(pyStrip(raw ?? ''));
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

/** Python's `str.strip()`: its whitespace removed from both ends. */
function pyStrip(text: string): string {
  return text.replace(EDGE_WHITESPACE, '');
}

/** Python's `str.split()`: runs of whitespace separate, no empty words. */
function words(text: string): string[] {
  const trimmed = pyStrip(text);
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
