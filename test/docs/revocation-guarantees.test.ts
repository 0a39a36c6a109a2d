/**
 * docs/revocation.md's guarantees table names, on every row, the tests that prove it (issue 9): each
 * named file must exist and hold a test (`it` or `describe`) whose title contains each quoted
 * fragment. A renamed or deleted test makes the table a claim nobody checks, and fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/packed.js';

const page = join(repoRoot, 'docs', 'revocation.md');

/** The rows of the first table after `## Guarantees`, each as its cells. */
function guaranteeRows(markdown: string): string[][] {
  const section = markdown.slice(markdown.indexOf('## Guarantees'));
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > 0 && !line.startsWith('|'));
  return (end < 0 ? lines : lines.slice(0, end))
    .slice(2) // header and separator
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

/** Titles of the tests in a file: the first string argument of every `it(` and `describe(`. */
function titlesIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\b(?:it|describe)\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)].map((m) =>
    (m[2] ?? '').replace(/\\(.)/g, '$1'),
  );
}

/**
 * What is wrong with one "Proven by" cell: `` `file` › "fragment", "fragment"; `file` › ... ``.
 * Fragments belong to the file named last before them; a file without fragments, or a cell
 * without any, is a problem too.
 */
function problemsOf(cell: string): string[] {
  const problems: string[] = [];
  let file: string | null = null;
  let fragments = 0;
  for (const match of cell.matchAll(/`(test\/[^`]+\.ts)`|"([^"]+)"/g)) {
    if (match[1] !== undefined) {
      file = match[1];
      if (!existsSync(join(repoRoot, file))) problems.push(`${file} does not exist`);
      continue;
    }
    const fragment = match[2] as string;
    fragments++;
    if (file === null) {
      problems.push(`"${fragment}" names no file`);
      continue;
    }
    const path = join(repoRoot, file);
    if (existsSync(path) && !titlesIn(path).some((title) => title.includes(fragment))) {
      problems.push(`${file} has no test titled with "${fragment}"`);
    }
  }
  if (fragments === 0) problems.push('no test named');
  return problems;
}

describe('docs/revocation.md guarantees table', () => {
  const rows = guaranteeRows(readFileSync(page, 'utf8'));

  it('has a row for each invariant I1-I6 and the near-cache, with a "Proven by" column', () => {
    const invariants = rows.map((row) => row[0] ?? '');
    for (const id of ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'near-cache']) {
      expect(invariants.some((cell) => cell.includes(id))).toBe(true);
    }
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
  });

  it('every row names tests that exist, by file and title', () => {
    const problems = rows.flatMap((row) => problemsOf(row.at(-1) ?? '').map((p) => `${row[0]}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('control: a missing file, a title no test has, and an empty cell are each found', () => {
    expect(problemsOf('`test/stores/no-such.test.ts` › "anything"')).toEqual([
      'test/stores/no-such.test.ts does not exist',
    ]);
    expect(problemsOf('`test/stores/memory.test.ts` › "a title no test has"')).toEqual([
      'test/stores/memory.test.ts has no test titled with "a title no test has"',
    ]);
    expect(problemsOf('—')).toEqual(['no test named']);
  });
});
