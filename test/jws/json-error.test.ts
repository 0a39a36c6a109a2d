/**
 * `jsonSyntaxReason` against Python's own `json.loads` (python3, which .ci/run installs): for
 * random malformed texts, the same message and position, byte for byte; and never any of the text.
 * Then the messages a client reads (issue 12, item 4): a token whose header or payload is not JSON
 * never has its text quoted, where V8's own message quotes it (`..."exp":NaN}" is not valid JSON`,
 * the form the old excerpt stripping missed), through the parser and through real HTTP on every
 * framework of the behaviour suite.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64url, parseCompactJws } from '../../src/jws/index.js';
import { jsonSyntaxReason } from '../../src/jws/json-error.js';
import type { TestApp } from '../behaviour/app-contract.js';
import { FRAMEWORKS } from '../behaviour/frameworks.js';
import { send } from '../behaviour/http.js';
import { createManager } from '../behaviour/scenarios.js';
import { fuzzParameters, fuzzTimeout } from '../helpers/property.js';

const PYTHON = '/usr/bin/python3';
const REASONS = `
import json, sys
out = []
for text in json.load(sys.stdin):
    try:
        json.loads(text)
        out.append(None)
    except json.JSONDecodeError as e:
        out.append(str(e))
    except RecursionError:
        out.append("RecursionError")
print(json.dumps(out))
`;

function pythonReasons(texts: readonly string[]): (string | null)[] {
  const output = execFileSync(PYTHON, ['-c', REASONS], { input: JSON.stringify(texts), encoding: 'utf8' });
  return JSON.parse(output) as (string | null)[];
}

/** Near-JSON: the characters JSON's grammar turns on, and a few it does not. */
const nearJson = fc
  .array(
    fc.constantFrom(
      ...'{}[]":,\\ u0123456789abcdefABEe+-.ntrlsu'.split(''),
      'null',
      'true',
      'false',
      '"a"',
      '"sub":',
      '\\u00e9',
      '\\ud83d\\ude00',
      '\\ud83d',
      '\n',
      '\t',
      '\u0001',
      'é',
      '😀',
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

/** Valid JSON with one character changed, inserted or removed: errors deep inside real payloads. */
const damagedJson = fc
  .tuple(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.nat(),
    fc.constantFrom('delete', 'insert', 'replace'),
    fc.constantFrom(...'{}[]":,\\ 0e-.\n'.split('')),
  )
  .map(([json, at, how, ch]) => {
    const i = json.length === 0 ? 0 : at % json.length;
    if (how === 'delete') return json.slice(0, i) + json.slice(i + 1);
    if (how === 'insert') return json.slice(0, i) + ch + json.slice(i);
    return json.slice(0, i) + ch + json.slice(i + 1);
  });

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonSyntaxReason', () => {
  it('gives the examples of its documentation', () => {
    expect(jsonSyntaxReason('{"a" 1}')).toBe("Expecting ':' delimiter: line 1 column 6 (char 5)");
    expect(jsonSyntaxReason('{"exp":NaN}')).toBe('Expecting value: line 1 column 8 (char 7)');
    expect(jsonSyntaxReason('[[[[')).toBe('Expecting value: line 1 column 5 (char 4)');
    expect(jsonSyntaxReason(`${'['.repeat(600)}x`)).toBe('Too deeply nested: line 1 column 514 (char 513)');
  });

  const runs = 400;
  it(
    "words every error as Python's json.loads does, position included",
    () => {
      const samples = fc.sample(fc.oneof(nearJson, damagedJson), fuzzParameters(runs)).filter((t) => !isJson(t));
      expect(samples.length).toBeGreaterThan(runs / 4);
      const python = pythonReasons(samples);
      const mismatches = samples
        .map((text, i) => ({ text, ours: jsonSyntaxReason(text), python: python[i] }))
        .filter(({ ours, python }) => ours !== python);
      expect(mismatches).toEqual([]);
    },
    fuzzTimeout(runs, 5),
  );

  it(
    'names a position and never any of the text',
    () => {
      fc.assert(
        fc.property(fc.oneof(nearJson, damagedJson, fc.string()), (text) => {
          fc.pre(!isJson(text));
          expect(jsonSyntaxReason(text)).toMatch(
            /^(Expecting value|Expecting property name enclosed in double quotes|Expecting ':' delimiter|Expecting ',' delimiter|Extra data|Unterminated string starting at|Invalid control character at|Invalid \\escape|Invalid \\uXXXX escape|Too deeply nested): line \d+ column \d+ \(char \d+\)$/,
          );
        }),
        fuzzParameters(1000),
      );
    },
    fuzzTimeout(1000, 2),
  );
});

/** Python's reasons, the only thing after `Invalid <part> string: ` for a text that is not JSON. */
const PYTHON_REASON =
  /^Invalid (header|payload) string: (Expecting value|Expecting property name enclosed in double quotes|Expecting ':' delimiter|Expecting ',' delimiter|Extra data|Unterminated string starting at|Invalid control character at|Invalid \\escape|Invalid \\uXXXX escape|Too deeply nested): line \d+ column \d+ \(char \d+\)$/;

/** V8's message for a text, which quotes an excerpt of it on the Node versions we support. */
function v8Message(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A JSON object with a marker word (a-z, 8 to 12 letters) placed where JSON breaks: as a bare value,
 * after a long valid prefix (so V8 shortens its quote to `..."`), or in an unclosed string.
 */
const brokenWithMarker = fc
  .tuple(
    fc.stringMatching(/^[a-z]{8,12}$/),
    fc.constantFrom('bare', 'late', 'unclosed', 'after'),
    fc.integer({ min: 0, max: 60 }),
  )
  .map(([word, how, pad]) => {
    const prefix = `{"sub":"username","iat":1893499332,"pad":"${'x'.repeat(pad)}"`;
    const text =
      how === 'bare'
        ? `{"k":${word}}`
        : how === 'late'
          ? `${prefix},"exp":${word}}`
          : how === 'unclosed'
            ? `${prefix},"${word}`
            : `${prefix}} ${word}`;
    return { word, text };
  });

function tokenOf(part: 'header' | 'payload', text: string): string {
  const good = encodeBase64url('{"alg":"HS256","typ":"JWT"}');
  const bad = encodeBase64url(text);
  return part === 'header' ? `${bad}.${good}.c2lnbmF0dXJl` : `${good}.${bad}.c2lnbmF0dXJl`;
}

describe('a token that is not JSON: the message never quotes it', () => {
  it('V8 quotes the text, also shortened with dots (the form the old stripping missed), and ours never does', () => {
    const samples = fc.sample(brokenWithMarker, fuzzParameters(300));
    const quoted = samples.filter(({ word, text }) => v8Message(text).includes(word.slice(2, 7)));
    // The guard: on this Node, V8's message repeats the token's text, also as `..."<tail>"`.
    expect(quoted.length).toBeGreaterThan(samples.length / 4);
    expect(quoted.some(({ text }) => v8Message(text).includes('..."'))).toBe(true);
    for (const { word, text } of samples) {
      for (const part of ['header', 'payload'] as const) {
        let message = '';
        try {
          parseCompactJws(tokenOf(part, text), 8192);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, text).toMatch(PYTHON_REASON);
        expect(message).not.toContain(word.slice(2, 7));
        expect(message).not.toContain('..."');
      }
    }
  });

  it('the examples of issue 12 read as Python words them, not as V8 does', () => {
    const nan = '{"sub":"username","iat":1893499332,"exp":NaN}';
    expect(v8Message(nan)).toContain('..."');
    expect(() => parseCompactJws(tokenOf('payload', nan), 8192)).toThrow(
      /^Invalid payload string: Expecting value: line 1 column 42 \(char 41\)$/,
    );
  });
});

for (const framework of FRAMEWORKS) {
  describe(`${framework.name}: a token that is not JSON, over HTTP`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await framework.factory(createManager('default', framework.managerOptions));
    });
    afterAll(() => app.close());

    const runs = 25;
    it(
      "answers 422 with Python's reason and none of the token's text",
      async () => {
        await fc.assert(
          fc.asyncProperty(brokenWithMarker, fc.constantFrom('header', 'payload'), async ({ word, text }, part) => {
            const token = tokenOf(part as 'header' | 'payload', text);
            const response = await send(app.baseUrl, {
              path: '/protected',
              headers: { authorization: `Bearer ${token}` },
            });
            expect(response.status).toBe(422);
            const msg = (response.json as { msg?: unknown }).msg;
            expect(msg).toMatch(PYTHON_REASON);
            expect(response.text).not.toContain(word.slice(2, 7));
          }),
          fuzzParameters(runs),
        );
      },
      fuzzTimeout(runs, 50),
    );
  });
}
