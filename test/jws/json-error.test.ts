/**
 * `jsonSyntaxReason` against Python's own `json.loads` (python3, which .ci/run installs): for
 * random malformed texts, the same message and position, byte for byte; and never any of the text.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxReason } from '../../src/jws/json-error.js';
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
