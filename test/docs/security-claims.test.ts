/**
 * SECURITY.md links each claim to its test (issue 12): every test file it links exists, every test
 * it names by title is in that file, every behaviour row it cites is in the suite, and every row of
 * its claim tables names a test or says why there is none. The rules are in security-claims.ts and
 * are proven here on a page written for the test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, STARTUP_SCENARIOS } from '../behaviour/scenarios.js';
import { repoRoot } from '../helpers/packed.js';
import { type ClaimSources, securityClaimProblems, testTitles } from './security-claims.js';

const repository: ClaimSources = {
  readTest: (path) => {
    const file = join(repoRoot, path);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  },
  rowIds: new Set([...SCENARIOS, ...STARTUP_SCENARIOS].map((s) => s.id)),
};

describe('SECURITY.md', () => {
  const page = readFileSync(join(repoRoot, 'SECURITY.md'), 'utf8');

  it('every linked test file exists, every named test is in it, every cited behaviour row exists', () => {
    expect(securityClaimProblems(page, repository)).toEqual([]);
  });

  it('links tests at all (the check reads the page it is meant to read)', () => {
    const links = page.match(/\]\(test\/[^)]+\.test\.ts\)/g) ?? [];
    expect(links.length).toBeGreaterThan(20);
    expect(page).toMatch(/## RFC 8725/);
    expect(page).toMatch(/## OWASP/);
  });
});

describe('the rules, on a page written for the test', () => {
  const files: Record<string, string> = {
    'test/a.test.ts': [
      "describe('outer', () => {",
      "  it('refuses alg none, signed or not', () => {});",
      '  it(`${alg}: any one-character change is refused`, () => {});',
      "  it(\n    'keeps __proto__ as data',\n    () => {},\n  );",
      '  it.each([',
      "    ['invalid UTF-8', Buffer.from([0x7b, 0xff]), 'not (valid) [UTF-8]'],",
      "    [\n      'a tab after Bearer (Python splits on it)',\n      `Bearer\\t${token}`,\n    ],",
      "  ])('refuses a header with %s', (_name, input) => {});",
      '});',
    ].join('\n'),
  };
  const sources: ClaimSources = {
    readTest: (path) => files[path],
    rowIds: new Set(['12', '55a', '55e', 'x-dup-a']),
  };

  it('reads it, test, describe and template titles, wrapped or not', () => {
    expect(testTitles(files['test/a.test.ts'] ?? '')).toEqual([
      'outer',
      'refuses alg none, signed or not',
      '${alg}: any one-character change is refused',
      'keeps __proto__ as data',
      'refuses a header with invalid UTF-8',
      'refuses a header with a tab after Bearer (Python splits on it)',
    ]);
  });

  it('accepts a page whose references all resolve', () => {
    const page = [
      '| Item | Does | Test |',
      '| ---- | ---- | ---- |',
      '| none | refused | [test/a.test.ts](test/a.test.ts) "refuses alg none, signed or not", "any one-character change ..."; behaviour rows `55a` ... `55e` |',
      '| entropy | Not enforced | — |',
      '',
      '- lenient ([test/a.test.ts](test/a.test.ts) "keeps \\_\\_proto\\_\\_ as data"; behaviour row `x-dup-a`)',
      '- also ([test/a.test.ts](test/a.test.ts) "refuses a header with invalid UTF-8", "with a tab after Bearer (Python splits on it)")',
    ].join('\n');
    expect(securityClaimProblems(page, sources)).toEqual([]);
  });

  it('reports a missing file, a renamed test, an unknown row and a claim without a test', () => {
    const page = [
      '| Item | Does | Test |',
      '| ---- | ---- | ---- |',
      '| gone | x | [test/gone.test.ts](test/gone.test.ts) "anything" |',
      '| renamed | x | [test/a.test.ts](test/a.test.ts) "refuses alg none" , "refuses alg none, unsigned" |',
      '| row | x | behaviour row `99z` |',
      '| each | x | [test/a.test.ts](test/a.test.ts) "refuses a header with invalid UTF-16" |',
      '| bare | checked | — |',
    ].join('\n');
    expect(securityClaimProblems(page, sources)).toEqual([
      'line 3: test/gone.test.ts does not exist',
      'line 4: no test "refuses alg none, unsigned" in test/a.test.ts',
      'line 5: no behaviour row `99z`',
      'line 6: no test "refuses a header with invalid UTF-16" in test/a.test.ts',
      'line 7: "bare" names no test and no reason',
    ]);
  });
});
