/**
 * The API reference (`npm run docs`, issue 10): TypeDoc builds a page for every public entry point
 * of package.json's exports map, named by its import path, from the TSDoc of the sources, and the
 * build is warning-free: a warning (a public signature naming a type the reference cannot show, a
 * broken `{@link}`) fails it, which the second test proves with deliberate warnings.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/packed.js';

const execFileAsync = promisify(execFile);
const typedoc = join(repoRoot, 'node_modules/typedoc/bin/typedoc');
const out = mkdtempSync(join(tmpdir(), 'jwt-extended-api-'));

const exportsMap = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: object }).exports;
const importPaths = Object.keys(exportsMap)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'jwt-extended' : `jwt-extended/${key.slice(2)}`));

/** TypeDoc with the repository's config (typedoc.config.mjs), into a temporary directory. */
async function runTypedoc(dir: string, extra: string[] = []): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [typedoc, '--out', dir, ...extra], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run docs', () => {
  it('builds without a warning, one page per public entry point, named by its import path', async () => {
    const { code, output } = await runTypedoc(out);
    expect(output).not.toMatch(/\[(warning|error)\]/);
    expect(code).toBe(0);
    const modules = readdirSync(join(out, 'modules')).sort();
    expect(modules).toEqual(importPaths.map((path) => `${path.replaceAll('/', '_')}.html`).sort());
    // The names a user looks up first, each on its own page.
    expect(existsSync(join(out, 'classes/jwt-extended.JwtManager.html'))).toBe(true);
    for (const framework of ['express', 'fastify', 'hono', 'koa']) {
      expect(existsSync(join(out, `functions/jwt-extended_${framework}.jwtRequired.html`)), framework).toBe(true);
    }
    // From the TSDoc: the manager's page carries its example.
    expect(readFileSync(join(out, 'classes/jwt-extended.JwtManager.html'), 'utf8')).toContain('createAccessToken');
  }, 180_000);

  it('fails on a warning (treatWarningsAsErrors)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwt-extended-api-warning-'));
    try {
      // The config's "intentionally not exported" list replaced by one name that names nothing:
      // the helper types' warnings come back, and the unused name's.
      const { code, output } = await runTypedoc(dir, ['--intentionallyNotExported', 'src/none.ts:Nothing']);
      expect(output).toContain('src/none.ts:Nothing');
      expect(code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
