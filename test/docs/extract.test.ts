/**
 * The rules the docs test reads pages by (test/docs/extract.ts), on pages written for the test:
 * every ts/js block is a program, named by its marker or by page and position; a fragment marker
 * must give a reason; a name may be used once; a text block right after a program is its output;
 * other languages are not programs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractDocBlocks } from './extract.js';

const dir = mkdtempSync(join(tmpdir(), 'jwt-extended-extract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function page(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const fence = '```';

describe('extractDocBlocks', () => {
  it('names programs, keeps their output, skips other languages and reasoned fragments', () => {
    const file = page(
      'guide.md',
      [
        `${fence}ts`,
        'console.log(1);',
        fence,
        '',
        `${fence}text`,
        '1',
        fence,
        '<!-- doc-test: server -->',
        '',
        `${fence}js`,
        'import http from "node:http";',
        fence,
        `${fence}sh`,
        'npm test',
        fence,
        '<!-- doc-fragment: one route of the program above, shown alone -->',
        `${fence}typescript`,
        'app.get("/x", handler);',
        fence,
      ].join('\n'),
    );
    const found = extractDocBlocks(dir, [file]);
    expect(found.problems).toEqual([]);
    expect(found.programs).toEqual([
      { name: 'guide-1', lang: 'ts', code: 'console.log(1);\n', source: 'guide.md:1', output: '1\n' },
      { name: 'server', lang: 'js', code: 'import http from "node:http";\n', source: 'guide.md:10', output: undefined },
    ]);
    expect(found.fragments).toEqual([{ source: 'guide.md:17', reason: 'one route of the program above, shown alone' }]);
  });

  it('flags a fragment without a reason and a name used twice', () => {
    const file = page(
      'bad.md',
      [
        '<!-- doc-fragment: -->',
        `${fence}ts`,
        'x;',
        fence,
        '<!-- doc-test: twice -->',
        `${fence}ts`,
        'a;',
        fence,
        '<!-- doc-test: twice -->',
        `${fence}ts`,
        'b;',
        fence,
      ].join('\n'),
    );
    expect(extractDocBlocks(dir, [file]).problems).toEqual([
      'bad.md:2: a doc-fragment marker must say why (10+ characters)',
      'bad.md:10: the program name twice is used twice',
    ]);
  });
});
