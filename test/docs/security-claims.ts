/**
 * Reads the test references of SECURITY.md (issue 12: "SECURITY.md links each claim to its test"),
 * so a renamed test, a moved file or a dropped behaviour row shows up as a failing test instead of a
 * page that promises a proof that no longer exists. The rules, written for SECURITY.md's style:
 *
 * - a link `[...](test/...)` must reach a file;
 * - each `"quoted name"` after such a link (until the next link, `;`, `|` or the end of the line) is
 *   a test or describe title of that file, or a part of one (a title built from a template, or a
 *   name cut short with a trailing `...`);
 * - each backticked id after `row` / `rows` is a row of the behaviour suite;
 * - each row of a table that has a `Test` column names a test there, or says why there is none
 *   ("Not enforced", "Not applicable") with a `—` in that column.
 */

/** How the checker reads the files a page links to. */
export interface ClaimSources {
  /** The file's text, or `undefined` when there is no such file. */
  readonly readTest: (path: string) => string | undefined;
  /** Every row id of the behaviour suite. */
  readonly rowIds: ReadonlySet<string>;
}

/**
 * The title of every `it`, `test` and `describe` call in a test file's source (quotes undone), and
 * of every case of an `it.each([...])('... %s ...')` table (its `%s` filled with each row's first
 * string, as vitest names them).
 */
export function testTitles(source: string): string[] {
  const call = /\b(?:it|test|describe)(?:\.(?!each\b)\w+)*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  const titles = [...source.matchAll(call)].map((match) => unquote(match[2] ?? ''));
  for (const each of source.matchAll(/\b(?:it|test|describe)(?:\.\w+)*\.each\(/g)) {
    const open = (each.index ?? 0) + each[0].length - 1;
    const close = matchingBracket(source, open);
    const format = /^\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/.exec(source.slice(close + 1));
    if (format === null) continue;
    const title = unquote(format[2] ?? '');
    const rows = topLevelArrays(source, open + 1, close);
    for (const row of rows) {
      const first = /^\[\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/.exec(row);
      titles.push(first === null ? title : title.replace('%s', unquote(first[2] ?? '')));
    }
  }
  return titles;
}

function unquote(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Where the bracket opened at `open` closes, skipping string literals. */
function matchingBracket(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const ch = source[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') i = endOfString(source, i);
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return i;
  }
  return source.length;
}

function endOfString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return source.length;
}

/** The `[...]` elements of the array literal that starts in `source` between `from` and `to`. */
function topLevelArrays(source: string, from: number, to: number): string[] {
  const table = source.indexOf('[', from);
  if (table === -1 || table > to) return [];
  const rows: string[] = [];
  const end = matchingBracket(source, table);
  for (let i = table + 1; i < end; i++) {
    const ch = source[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') i = endOfString(source, i);
    else if (ch === '[') {
      const close = matchingBracket(source, i);
      rows.push(source.slice(i, close + 1));
      i = close;
    } else if (ch === '(' || ch === '{') i = matchingBracket(source, i);
  }
  return rows;
}

/** A quoted name as the page writes it, made comparable to a title: markdown escapes and `...` dropped. */
function plainName(quoted: string): string {
  return quoted
    .replace(/\\([_*`])/g, '$1')
    .replace(/\s*\.\.\.$/, '')
    .trim();
}

/** The page's problems: each a line saying what it claims and what is missing. */
export function securityClaimProblems(page: string, sources: ClaimSources): string[] {
  const problems: string[] = [];
  const lines = page.split('\n');
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}`;
    for (const link of line.matchAll(/\[[^\]]*\]\(((?:\.\/)?test\/[^)#\s]+)\)/g)) {
      const path = (link[1] ?? '').replace(/^\.\//, '');
      const source = sources.readTest(path);
      if (source === undefined) {
        problems.push(`${where}: ${path} does not exist`);
        continue;
      }
      const titles = testTitles(source);
      const rest = line.slice((link.index ?? 0) + link[0].length);
      const segment = rest.split(/\[[^\]]*\]\(|[;|]/)[0] ?? '';
      for (const quoted of segment.matchAll(/"([^"]+)"/g)) {
        const name = plainName(quoted[1] ?? '');
        if (!titles.some((title) => title.includes(name))) problems.push(`${where}: no test "${name}" in ${path}`);
      }
    }
    for (const list of line.matchAll(/\brows?\s+((?:`[^`]+`(?:\s*(?:,|\.\.\.|and)\s*)?)+)/g)) {
      for (const id of (list[1] ?? '').matchAll(/`([^`]+)`/g)) {
        if (!sources.rowIds.has(id[1] ?? '')) problems.push(`${where}: no behaviour row \`${id[1]}\``);
      }
    }
  }
  problems.push(...untestedTableRows(lines));
  return problems;
}

/** Rows of a table with a `Test` column that name no test and give no reason. */
function untestedTableRows(lines: readonly string[]): string[] {
  const problems: string[] = [];
  let testColumn = -1;
  for (const [index, line] of lines.entries()) {
    if (!line.startsWith('|')) {
      testColumn = -1;
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (testColumn === -1) {
      testColumn = cells.indexOf('Test');
      if (testColumn === -1) testColumn = -2; // a table without tests: nothing to check
      continue;
    }
    if (testColumn < 0 || /^-+$/.test(cells[0] ?? '')) continue;
    const test = cells[testColumn] ?? '';
    const namesTest = /\]\(\.?\/?test\/|\brows?\s+`/.test(test);
    const saysWhy = test === '—' && /\bNot (enforced|applicable)\b/.test(line);
    if (!namesTest && !saysWhy) problems.push(`line ${index + 1}: "${cells[0]}" names no test and no reason`);
  }
  return problems;
}
