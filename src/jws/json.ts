/**
 * JSON text exactly as flask-jwt-extended (Python's `json.dumps` through PyJWT) writes it, so that
 * HMAC tokens made here are byte-identical to flask's for the same claims.
 *
 * Python's defaults differ from `JSON.stringify` in one visible way: `ensure_ascii=True` writes every
 * character outside printable ASCII as a lowercase `\uXXXX` escape (astral characters as two
 * escaped surrogates). Values Python refuses, we refuse too, instead of letting `JSON.stringify`
 * silently drop or rewrite them (a function vanishes, `NaN` becomes `null`, a Map becomes `{}`).
 *
 * @module
 */
import { JwsError } from './errors.js';

// Python escapes everything outside 0x20..0x7e. JSON.stringify already escapes below 0x20, so
// what is left is DEL (0x7f) and every UTF-16 code unit above it, surrogates included.
const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;

/** Why a value cannot be written; turned into a message once its claim path is known. */
class Unserialisable {
  readonly why: string;
  constructor(why: string) {
    this.why = why;
  }
}

/**
 * The value to serialise in place of `raw` (what the holder holds) whose `toJSON` result is
 * `value`. Throws {@link Unserialisable} for what JSON (or Python) cannot represent.
 */
function normalise(raw: unknown, value: unknown): unknown {
  // Flask's JSON provider writes dates as RFC 822 HTTP dates; Date.prototype.toJSON would give ISO.
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) throw new Unserialisable('an invalid Date');
    return raw.toUTCString();
  }
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) {
        throw new Unserialisable(`${String(value)}, which JSON cannot represent; use null or a finite number`);
      }
      return value;
    case 'bigint':
      throw new Unserialisable('a BigInt, which JSON cannot represent; convert it to a string or a number');
    case 'function':
      throw new Unserialisable('a function; claims must be JSON data');
    case 'symbol':
      throw new Unserialisable('a symbol; claims must be JSON data');
    case 'object':
      // JSON.stringify would write these as {} and lose their contents without a word.
      if (value instanceof Map) throw new Unserialisable('a Map; convert it with Object.fromEntries(map)');
      if (value instanceof Set) throw new Unserialisable('a Set; convert it with Array.from(set)');
      return value;
    default:
      return value;
  }
}

function checkingReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  return normalise(this[key], value);
}

const MAX_PLAIN_DEPTH = 32;

/**
 * Whether `value` is plain JSON data (plain objects and arrays of strings, finite numbers, booleans,
 * null, undefined), which `JSON.stringify` writes as Python would with no replacer at all. Token
 * claims nearly always are, and skipping the replacer halves the cost. Anything else (a Date, a class
 * instance, a cycle, deep nesting) takes the checking path.
 */
function isPlainData(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_PLAIN_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainData(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isPlainData((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** What the serialised object is made of, for messages: `claim "a.b"` or `header parameter "x"`. */
type Noun = 'claim' | 'header parameter';

function describePath(noun: Noun, path: string): string {
  if (path === '') return noun === 'claim' ? 'the claims object itself' : 'the header itself';
  return `${noun} "${path}"`;
}

function childPath(parentPath: string, key: string, parentIsArray: boolean): string {
  if (parentIsArray) return `${parentPath}[${key}]`;
  return parentPath === '' ? key : `${parentPath}.${key}`;
}

/**
 * Second, slower pass run only after the fast one failed: the same rules, plus the claim path of
 * the culprit and our own cycle detection, so the message can say where the problem is.
 */
function explainFailure(value: unknown, noun: Noun, original: unknown): JwsError {
  const pathOf = new Map<object, string>();
  const parentOf = new Map<object, object>();
  function tracingReplacer(this: Record<string, unknown>, key: string, v: unknown): unknown {
    const holderPath = pathOf.get(this);
    const path = holderPath === undefined ? '' : childPath(holderPath, key, Array.isArray(this));
    let out: unknown;
    try {
      out = normalise(this[key], v);
    } catch (e) {
      if (e instanceof Unserialisable) {
        throw new JwsError('encode', `Cannot encode the token: ${describePath(noun, path)} is ${e.why}`);
      }
      throw e;
    }
    if (typeof out === 'object' && out !== null) {
      // Walks up from the replacer's holder (`this`) to detect a cycle before JSON.stringify does.
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      for (let h: object | undefined = this; h !== undefined; h = parentOf.get(h)) {
        if (h === out) {
          throw new JwsError(
            'encode',
            `Cannot encode the token: ${describePath(noun, path)} is a circular reference; it must be a tree of JSON data`,
          );
        }
      }
      parentOf.set(out, this);
      pathOf.set(out, path);
    }
    return out;
  }
  try {
    JSON.stringify(value, tracingReplacer);
  } catch (e) {
    if (e instanceof JwsError) return e;
  }
  // The failure came from user code (a toJSON method or a getter that threw).
  return new JwsError('encode', `Cannot encode the token: serialising a ${noun} threw an error (see cause)`, {
    cause: original,
  });
}

// Buffer where the runtime has it (native); elsewhere the regular-expression scan below decides.
const utf8Length: (text: string) => number =
  typeof Buffer === 'function' ? (text) => Buffer.byteLength(text, 'utf8') : () => -1;

function escapeLikePython(json: string): string {
  // Native length checks instead of a regular-expression scan: as many UTF-8 bytes as UTF-16 units
  // means every character is below U+0080, and DEL is the only one of those left to escape.
  if (utf8Length(json) === json.length && json.indexOf('\u007f') === -1) return json;
  if (!NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function serialise(
  value: unknown,
  noun: Noun,
  replacer: (this: Record<string, unknown>, key: string, v: unknown) => unknown,
): string {
  let json: string | undefined;
  try {
    json =
      replacer === checkingReplacer && isPlainData(value, 0) ? JSON.stringify(value) : JSON.stringify(value, replacer);
  } catch (e) {
    throw explainFailure(value, noun, e);
  }
  if (json === undefined) {
    throw new JwsError('encode', `Cannot encode the token: ${describePath(noun, '')} must be a JSON object`);
  }
  return escapeLikePython(json);
}

/**
 * Compact JSON as Python's `json.dumps(value, separators=(",", ":"))` writes it: no spaces, every
 * character from U+007F up escaped as lowercase `\uXXXX`, `Date` as an RFC 822 date (what Flask's
 * JSON provider writes). Object keys keep their insertion order. `undefined` behaves as in
 * `JSON.stringify` (dropped from objects, `null` in arrays).
 *
 * Throws `JwsError` `encode` naming the claim path for a BigInt, function, symbol, `NaN` or
 * `Infinity`, an invalid Date, a Map, a Set or a circular reference. Messages name the claim, never
 * its value.
 *
 * Known differences from Python that no JavaScript value can express: a float with an integral value
 * (`1577837700.0`) is written `1577837700`, and integer-like keys (`"2"`) come first in any object.
 *
 * @example
 * ```ts
 * pythonCompatibleJson({ sub: 'Zoë', at: new Date(Date.UTC(2022, 7, 12)) })
 * // '{"sub":"Zo\\u00eb","at":"Fri, 12 Aug 2022 00:00:00 GMT"}'
 * pythonCompatibleJson({ n: 1n }) // throws JwsError: ... claim "n" is a BigInt ...
 * ```
 */
export function pythonCompatibleJson(value: unknown): string {
  return serialise(value, 'claim', checkingReplacer);
}

function sortedReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const out = normalise(this[key], value);
  if (typeof out !== 'object' || out === null || Array.isArray(out)) return out;
  // A prototype-less copy: a `__proto__` header key stays an ordinary key, never a setter.
  const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(out).sort()) sorted[k] = (out as Record<string, unknown>)[k];
  return sorted;
}

/**
 * A JOSE header as PyJWT writes it: `json.dumps(header, separators=(",", ":"), sort_keys=True)`,
 * i.e. compact, keys sorted at every depth, non-ASCII escaped as in {@link pythonCompatibleJson}.
 * Refuses a non-string `kid`, as PyJWT does when encoding. Building the header (default `typ`,
 * dropping a falsy `typ`, merging extra headers) is the caller's job.
 *
 * @example
 * ```ts
 * sortedHeaderJson({ typ: 'JWT', alg: 'HS256', kid: 'k1' }) // '{"alg":"HS256","kid":"k1","typ":"JWT"}'
 * ```
 */
export function sortedHeaderJson(header: Record<string, unknown>): string {
  if (Object.hasOwn(header, 'kid') && typeof header.kid !== 'string') {
    throw new JwsError('encode', 'Key ID header parameter must be a string');
  }
  return serialise(header, 'header parameter', sortedReplacer);
}
