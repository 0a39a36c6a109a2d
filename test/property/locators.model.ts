/**
 * Reference models of the four token locations, written from flask-jwt-extended's rules (and our
 * documented departures) in a different style from src/locations, for the property tests to
 * compare against: Python's `str.strip()` / `str.split()` whitespace, WHATWG form decoding of the
 * query string written out by hand, Werkzeug's `is_json`.
 */
import type { ResolvedConfig } from '../../src/config.js';

/** What a locator gives: a token and CSRF value, or an error class name and message. */
export type Located =
  { readonly token: unknown; readonly csrfValue: string | null } | { readonly error: string; readonly message: string };

/** A request as the models see it. */
export interface ModelRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case names of headers sent on two lines. */
  readonly repeatedHeaders: readonly string[];
  readonly json: unknown;
  readonly form: Readonly<Record<string, string>>;
}

/** Python's `str.isspace()` characters (what `strip()` and `split()` use). */
const PY_WHITESPACE = new Set(
  [
    '\t',
    '\n',
    '\v',
    '\f',
    '\r',
    ' ',
    '\x1c',
    '\x1d',
    '\x1e',
    '\x1f',
    '\x85',
    '\xa0',
    '\u1680',
    '\u2028',
    '\u2029',
    '\u202f',
    '\u205f',
    '\u3000',
  ].concat(Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i))),
);

function pyStrip(text: string, chars?: string): string {
  const strip = (ch: string) => (chars === undefined ? PY_WHITESPACE.has(ch) : chars.includes(ch));
  const list = [...text];
  while (list.length > 0 && strip(list[0] as string)) list.shift();
  while (list.length > 0 && strip(list[list.length - 1] as string)) list.pop();
  return list.join('');
}

function pySplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  for (const ch of text) {
    if (PY_WHITESPACE.has(ch)) {
      if (word) words.push(word);
      word = '';
    } else {
      word += ch;
    }
  }
  if (word) words.push(word);
  return words;
}

/** `re.split(r",\s*", text)` with Python's `\s`. */
function splitCommas(text: string): string[] {
  const out: string[] = [];
  let current = '';
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== ',') {
      current += chars[i];
      continue;
    }
    out.push(current);
    current = '';
    while (i + 1 < chars.length && PY_WHITESPACE.has(chars[i + 1] as string)) i++;
  }
  out.push(current);
  return out;
}

const fail = (error: string, message: string): Located => ({ error, message });

/** flask's `_decode_jwt_from_headers`, plus our rule for a header on two lines. */
export function headerModel(request: ModelRequest, config: ResolvedConfig): Located {
  const { headerName: name, headerType: type } = config;
  const key = name.toLowerCase();
  const raw = request.headers[key];
  const bad = fail('InvalidHeaderError', `Bad ${name} header. Expected '${name}: ${type ? `${type} ` : ''}<JWT>'`);
  if (raw !== undefined && request.repeatedHeaders.includes(key)) return bad;
  const value = pyStrip(pyStrip(raw ?? ''), ',');
  if (!value) return fail('NoAuthorizationError', `Missing ${name} Header`);
  if (!type) {
    const parts = pySplit(value);
    return parts.length === 1 ? { token: parts[0], csrfValue: null } : bad;
  }
  // flask raises IndexError (a 500) on an empty field; an empty field simply does not match here.
  const matching = splitCommas(value).filter((field) => pySplit(field)[0] === type);
  if (matching.length !== 1) {
    return fail(
      'NoAuthorizationError',
      `Missing '${type}' type in '${name}' header. Expected '${name}: ${type} <JWT>'`,
    );
  }
  const parts = pySplit(matching[0] as string);
  return parts.length === 2 ? { token: parts[1], csrfValue: null } : bad;
}

/**
 * Cookies as jwt-extended documents them: pairs split on `;`, name and value trimmed, the first of
 * a name wins (and the name is noted as repeated), surrounding double quotes removed, the value
 * percent-decoded when it decodes.
 */
export function cookieModel(header: string | undefined): { cookies: Map<string, string>; repeated: Set<string> } {
  const cookies = new Map<string, string>();
  const repeated = new Set<string>();
  for (const pair of (header ?? '').split(';')) {
    const match = /^([^=]*)=(.*)$/s.exec(pair);
    if (!match) continue;
    const name = (match[1] as string).trim();
    if (!name) continue;
    if (cookies.has(name)) {
      repeated.add(name);
      continue;
    }
    let value = (match[2] as string).trim();
    if (/^".*"$/s.test(value) && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // kept as sent
    }
    cookies.set(name, value);
  }
  return { cookies, repeated };
}

/** flask's `_decode_jwt_from_cookies`, plus our rules for a cookie sent twice and a CSRF header on two lines. */
export function cookieLocationModel(request: ModelRequest, config: ResolvedConfig, refresh: boolean): Located {
  const { cookies, repeated } = cookieModel(request.headers.cookie);
  const name = refresh ? config.refreshCookieName : config.accessCookieName;
  const token = cookies.get(name);
  if (!token) return fail('NoAuthorizationError', `Missing cookie "${name}"`);
  if (repeated.has(name)) return fail('InvalidHeaderError', `Bad cookie "${name}": sent more than once`);
  const method = request.method.toUpperCase();
  if (!config.cookieCsrfProtect || !config.csrfMethods.has(method)) return { token, csrfValue: null };
  const headerName = refresh ? config.refreshCsrfHeaderName : config.accessCsrfHeaderName;
  let csrf: string | undefined = request.headers[headerName.toLowerCase()];
  if (csrf !== undefined && request.repeatedHeaders.includes(headerName.toLowerCase())) {
    return fail('InvalidHeaderError', `Bad ${headerName} header. Expected '${headerName}: <CSRF token>'`);
  }
  if (!csrf && config.csrfCheckForm)
    csrf = request.form[refresh ? config.refreshCsrfFieldName : config.accessCsrfFieldName];
  if (!csrf) return fail('CsrfError', 'Missing CSRF token');
  return { token, csrfValue: csrf };
}

/** application/x-www-form-urlencoded decoding written out (WHATWG URL standard). */
function formDecode(text: string): string {
  const bytes: number[] = [];
  const plus = text.replace(/\+/g, ' ');
  for (let i = 0; i < plus.length; i++) {
    const ch = plus[i] as string;
    if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(plus.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(plus.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = plus.codePointAt(i) as number;
      if (code > 0xffff) i++;
      bytes.push(...new TextEncoder().encode(String.fromCodePoint(code)));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** flask's `_decode_jwt_from_query_string`: the first value of the parameter. */
export function queryModel(request: ModelRequest, config: ResolvedConfig): Located {
  const name = config.queryStringName;
  const prefix = config.queryStringValuePrefix;
  const query = /\?([^#]*)/.exec(request.url)?.[1] ?? '';
  let value: string | undefined;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (key === name) {
      value = formDecode(eq === -1 ? '' : pair.slice(eq + 1));
      break;
    }
  }
  if (!value) return fail('NoAuthorizationError', `Missing '${name}' query paramater`);
  if (!value.startsWith(prefix)) {
    return fail(
      'InvalidQueryParamError',
      `Invalid value for query parameter '${name}'. Expected the value to start with '${prefix}'`,
    );
  }
  return { token: value.slice(prefix.length), csrfValue: null };
}

/** Python's truthiness of a JSON value. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** flask's `_decode_jwt_from_json` (a JSON array body answers "missing key" instead of flask's 500). */
export function jsonModel(request: ModelRequest, config: ResolvedConfig, refresh: boolean): Located {
  const contentType = request.headers['content-type'] ?? '';
  const mediaType = (contentType.split(';')[0] as string).trim().toLowerCase();
  if (!(mediaType === 'application/json' || /^application\/.*\+json$/.test(mediaType))) {
    return fail('NoAuthorizationError', 'Invalid content-type. Must be application/json.');
  }
  const key = refresh ? config.refreshJsonKey : config.jsonKey;
  const body = request.json;
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const value = isObject && Object.hasOwn(body, key) ? (body as Record<string, unknown>)[key] : undefined;
  if (!truthy(value)) return fail('NoAuthorizationError', `Missing "${key}" key in json data.`);
  return { token: value, csrfValue: null };
}
