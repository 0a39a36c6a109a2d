/**
 * The code blocks of README.md and docs/*.md, as the docs test sees them. Every ```ts, ```js (or
 * ```typescript, ```javascript) block is a complete program unless the line before it says
 * otherwise:
 *
 * - `<!-- doc-test: NAME -->` names the program (the file it is written to, and the key of its
 *   HTTP check when it is a server); unnamed programs are called `<page>-<n>`;
 * - `<!-- doc-fragment: REASON -->` marks a block that is not a program, and must say why.
 *
 * A ```text block right after a program (blank lines between allowed) is the output the program
 * must print.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One program of the docs. */
export interface DocProgram {
  /** File name without extension: the marker's NAME, or `<page>-<n>`. */
  name: string;
  /** `ts` or `js`. */
  lang: 'ts' | 'js';
  code: string;
  /** Where it came from, for messages: `docs/keys.md:26`. */
  source: string;
  /** The ```text block that follows it, if any. */
  output: string | undefined;
}

/** One block marked as a fragment. */
export interface DocFragment {
  source: string;
  reason: string;
}

/** Everything found on the pages. */
export interface DocBlocks {
  programs: DocProgram[];
  fragments: DocFragment[];
  /** Markers that are malformed (a fragment without a reason, a name used twice, ...). */
  problems: string[];
}

const LANGS: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };
const NAME_MARKER = /^<!--\s*doc-test:\s*([A-Za-z0-9][\w.-]*)\s*-->$/;
const FRAGMENT_MARKER = /^<!--\s*doc-fragment:(.*)-->$/;

/** The pages the test reads: README.md, then docs/*.md in name order. */
export function docPages(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => `docs/${file}`);
  return ['README.md', ...docs];
}

/** Reads every code block of the pages under `root`. */
export function extractDocBlocks(root: string, pages: string[] = docPages(root)): DocBlocks {
  const found: DocBlocks = { programs: [], fragments: [], problems: [] };
  const names = new Set<string>();
  for (const page of pages) {
    const lines = readFileSync(join(root, page), 'utf8').split('\n');
    const stem = basename(page, '.md').toLowerCase();
    let count = 0;
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
      if (open === null) continue;
      const end = closingFence(lines, i);
      const lang = LANGS[open[1] ?? ''];
      const source = `${page}:${i + 1}`;
      if (lang !== undefined) {
        const marker = previousLine(lines, i);
        const fragment = FRAGMENT_MARKER.exec(marker);
        if (fragment !== null) {
          const reason = (fragment[1] ?? '').trim();
          if (reason.length < 10) found.problems.push(`${source}: a doc-fragment marker must say why (10+ characters)`);
          found.fragments.push({ source, reason });
        } else {
          const name = NAME_MARKER.exec(marker)?.[1] ?? `${stem}-${++count}`;
          if (names.has(name)) found.problems.push(`${source}: the program name ${name} is used twice`);
          names.add(name);
          const code = lines.slice(i + 1, end).join('\n') + '\n';
          found.programs.push({ name, lang, code, source, output: outputAfter(lines, end) });
        }
      }
      i = end;
    }
  }
  return found;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (/^```\s*$/.test(lines[j] ?? '')) return j;
  throw new Error(`unclosed code fence at line ${open + 1}`);
}

function previousLine(lines: string[], index: number): string {
  for (let j = index - 1; j >= 0; j--) {
    const line = (lines[j] ?? '').trim();
    if (line !== '') return line;
  }
  return '';
}

function outputAfter(lines: string[], end: number): string | undefined {
  let j = end + 1;
  while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
  if (lines[j] !== '```text') return undefined;
  const close = closingFence(lines, j);
  return lines.slice(j + 1, close).join('\n') + '\n';
}
