/**
 * The HTTP benchmark servers time the built package, as an app runs it: the file comes from the
 * checkout's exports map (tsx would map the package's name to src/ through tsconfig's paths), and
 * the harness refuses a server whose `ready` line names anything but a dist/ file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtEntry, isBuilt } from '../../bench/http/servers/built-entry.js';

const root = resolve(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'built-entry-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('builtEntry', () => {
  it("this checkout: the exports map's import files under dist/, never src/", () => {
    for (const [subpath, file] of [
      ['', 'dist/index.mjs'],
      ['fastify', 'dist/adapters/fastify.mjs'],
      ['stores/memory', 'dist/stores/memory.mjs'],
    ] as const) {
      expect(builtEntry(root, subpath)).toBe(pathToFileURL(join(root, file)).href);
      expect(isBuilt(builtEntry(root, subpath))).toBe(true);
    }
    expect(builtEntry(root, 'no-such-entry')).toBeNull();
  });

  it('an older checkout with string exports', () => {
    writeFileSync(join(temp, 'package.json'), JSON.stringify({ exports: { '.': './dist/main.mjs' } }));
    expect(builtEntry(temp, '')).toBe(pathToFileURL(join(temp, 'dist/main.mjs')).href);
  });

  it('isBuilt refuses sources and a missing value (what the harness turns into a row error)', () => {
    expect(isBuilt(pathToFileURL(join(root, 'src/index.ts')).href)).toBe(false);
    expect(isBuilt('jwt-extended')).toBe(false);
    expect(isBuilt(undefined)).toBe(false);
  });
});
