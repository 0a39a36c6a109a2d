/**
 * Why a text is not JSON, in the words and positions of Python's `json` module (what PyJWT puts
 * after `Invalid payload string: `), e.g. `Expecting ',' delimiter: line 1 column 11 (char 10)`.
 *
 * V8's own messages quote an excerpt of the input (`Unexpected token 'N', ..."exp":NaN}" is not
 * valid JSON`) and change between Node versions; these name a position only, so an error message
 * never repeats token content and reads the same on every Node version (and as flask's does).
 *
 * Only called after `JSON.parse` failed, so speed does not matter here; clarity does. The rules
 * follow CPython's C scanner (`Modules/_json.c`), with one deliberate difference: `NaN`,
 * `Infinity` and `-Infinity`, which Python accepts, are not JSON and answer `Expecting value`.
 *
 * @module
 */

/** Python's `json` whitespace. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** Python raises RecursionError near 1000 levels; we stop well before the JavaScript stack does. */
const MAX_DEPTH = 512;

/** The first syntax error found: Python's message and the UTF-16 index it points at. */
class SyntaxFault {
  readonly message: string;
  readonly index: number;
  constructor(message: string, index: number) {
    this.message = message;
    this.index = index;
  }
}

/** Python's `StopIteration(idx)` from `scan_once`: no value starts here ("Expecting value"). */
function noValue(index: number): SyntaxFault {
  return new SyntaxFault('Expecting value', index);
}

class Scanner {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }

  #code(index: number): number {
    return index < this.#text.length ? this.#text.charCodeAt(index) : -1;
  }

  skipWhitespace(index: number): number {
    while (isWhitespace(this.#code(index))) index++;
    return index;
  }

  /** Scans one value starting exactly at `index`; returns the index after it. */
  value(index: number, depth: number): number {
    if (depth > MAX_DEPTH) throw new SyntaxFault('Too deeply nested', index);
    const code = this.#code(index);
    if (code === 0x22) return this.#string(index + 1);
    if (code === 0x7b) return this.#object(index + 1, depth + 1);
    if (code === 0x5b) return this.#array(index + 1, depth + 1);
    for (const word of ['null', 'true', 'false']) {
      if (this.#text.startsWith(word, index)) return index + word.length;
    }
    return this.#number(index);
  }

  #number(start: number): number {
    let index = start;
    if (this.#code(index) === 0x2d) index++;
    const first = this.#code(index);
    if (first === 0x30) index++;
    else if (first >= 0x31 && first <= 0x39) while (isDigit(this.#code(index))) index++;
    else throw noValue(start);
    if (this.#code(index) === 0x2e && isDigit(this.#code(index + 1))) {
      index += 2;
      while (isDigit(this.#code(index))) index++;
    }
    const e = this.#code(index);
    if (e === 0x65 || e === 0x45) {
      let exponent = index + 1;
      const sign = this.#code(exponent);
      if (sign === 0x2b || sign === 0x2d) exponent++;
      const digitsStart = exponent;
      while (isDigit(this.#code(exponent))) exponent++;
      // An exponent without digits is not part of the number (Python backtracks to the `e`).
      if (exponent > digitsStart) index = exponent;
    }
    return index;
  }

  /** `index` is just after the opening quote. */
  #string(index: number): number {
    const begin = index - 1;
    const length = this.#text.length;
    for (;;) {
      const code = this.#code(index);
      if (code === -1) throw new SyntaxFault('Unterminated string starting at', begin);
      if (code === 0x22) return index + 1;
      if (code < 0x20) throw new SyntaxFault('Invalid control character at', index);
      if (code !== 0x5c) {
        index++;
        continue;
      }
      const escaped = this.#code(index + 1);
      if (escaped === -1) throw new SyntaxFault('Unterminated string starting at', begin);
      if (escaped !== 0x75) {
        // `"` `\` `/` `b` `f` `n` `r` `t`
        if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(escaped)) {
          throw new SyntaxFault('Invalid \\escape', index);
        }
        index += 2;
        continue;
      }
      // \uXXXX: the index of the `u` is what Python reports.
      const u = index + 1;
      if (u + 5 >= length) throw new SyntaxFault('Invalid \\uXXXX escape', u);
      const unit = this.#hex4(u);
      index = u + 5;
      // A high surrogate may be followed by its low half, which must then be valid hex too.
      if (unit >= 0xd800 && unit <= 0xdbff && index + 6 < length && this.#text.startsWith('\\u', index)) {
        const low = this.#hex4(index + 1);
        if (low >= 0xdc00 && low <= 0xdfff) index += 6;
      }
    }
  }

  /** The four hex digits after the `u` at `u`, or Python's error pointing at that `u`. */
  #hex4(u: number): number {
    let value = 0;
    for (let i = u + 1; i <= u + 4; i++) {
      const code = this.#code(i);
      if (!isHexDigit(code)) throw new SyntaxFault('Invalid \\uXXXX escape', u);
      value = value * 16 + Number.parseInt(String.fromCharCode(code), 16);
    }
    return value;
  }

  /** `index` is just after `{`. */
  #object(index: number, depth: number): number {
    index = this.skipWhitespace(index);
    if (this.#code(index) === 0x7d) return index + 1;
    for (;;) {
      if (this.#code(index) !== 0x22) throw new SyntaxFault('Expecting property name enclosed in double quotes', index);
      index = this.skipWhitespace(this.#string(index + 1));
      if (this.#code(index) !== 0x3a) throw new SyntaxFault("Expecting ':' delimiter", index);
      index = this.skipWhitespace(index + 1);
      index = this.skipWhitespace(this.value(index, depth));
      if (this.#code(index) === 0x7d) return index + 1;
      if (this.#code(index) !== 0x2c) throw new SyntaxFault("Expecting ',' delimiter", index);
      index = this.skipWhitespace(index + 1);
    }
  }

  /** `index` is just after `[`. */
  #array(index: number, depth: number): number {
    index = this.skipWhitespace(index);
    if (this.#code(index) === 0x5d) return index + 1;
    for (;;) {
      index = this.skipWhitespace(this.value(index, depth));
      if (this.#code(index) === 0x5d) return index + 1;
      if (this.#code(index) !== 0x2c) throw new SyntaxFault("Expecting ',' delimiter", index);
      index = this.skipWhitespace(index + 1);
    }
  }
}

/**
 * Python's `lineno`, `colno` and `pos` for a UTF-16 index: Python counts code points, so a
 * surrogate pair before the index counts once.
 */
function pythonPosition(text: string, index: number): string {
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < index) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    pos++;
    if (code === 0x0a) {
      line++;
      lineStart = pos;
    }
  }
  return `line ${line} column ${pos - lineStart + 1} (char ${pos})`;
}

/**
 * The reason `text` is not JSON, as Python's `json.loads` words it, naming a position and never
 * the text. For a text that is valid JSON (it should not be called then) it says so generically.
 *
 * @example
 * ```ts
 * jsonSyntaxReason('{"a" 1}') // "Expecting ':' delimiter: line 1 column 6 (char 5)"
 * jsonSyntaxReason('{"exp":NaN}') // 'Expecting value: line 1 column 8 (char 7)'
 * ```
 */
export function jsonSyntaxReason(text: string): string {
  const scanner = new Scanner(text);
  try {
    const end = scanner.skipWhitespace(scanner.value(scanner.skipWhitespace(0), 0));
    if (end !== text.length) throw new SyntaxFault('Extra data', end);
  } catch (error) {
    if (!(error instanceof SyntaxFault)) throw error;
    return `${error.message}: ${pythonPosition(text, error.index)}`;
  }
  return 'not valid JSON';
}
