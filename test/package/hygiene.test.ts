/**
 * Package hygiene (issue 10, item 7), checked on the tarball `npm pack` makes: a LICENSE, the
 * repository fields, declaration files named after their modules (go-to-definition never lands in
 * a hashed chunk), no type borrowed from a Node version that may drop it, and publint plus
 * arethetypeswrong clean under every resolution mode (node10 included, through `typesVersions`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedTarball, repoRoot } from '../helpers/packed.js';

let tarball: string;
let unpacked: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

beforeAll(async () => {
  tarball = await packedTarball();
  unpacked = mkdtempSync(join(tmpdir(), 'jwt-extended-unpacked-'));
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
}, 300_000);

afterAll(() => {
  if (unpacked) rmSync(unpacked, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the MIT LICENSE and names its repository, homepage and issue tracker', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package/package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(unpacked, 'package/LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(pkg.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
  });

  it('has declaration files named after their source modules, never hashed chunks', () => {
    const files = filesUnder(join(unpacked, 'package/dist'));
    const declarations = files.filter((file) => /\.d\.[cm]ts$/.test(file));
    expect(declarations).toContain('manager.d.mts');
    expect(declarations).toContain('adapters/express.d.cts');
    // A hashed shared chunk (`errors-B-Nd07w6.d.mts`) has no source file of its name: every built
    // file must be named after a module of src/.
    const sources = new Set(filesUnder(join(repoRoot, 'src')).map((file) => file.replace(/\.ts$/, '')));
    const orphans = files.filter((file) => !sources.has(file.replace(/\.(d\.)?[cm][jt]s$/, '')));
    expect(orphans).toEqual([]);
    for (const declaration of declarations) {
      const source = declaration.replace(/\.d\.[cm]ts$/, '.ts');
      expect(files.some((f) => f.startsWith(source.replace(/\.ts$/, '.')))).toBe(true);
      expect(filesUnder(join(repoRoot, 'src'))).toContain(source);
    }
  });

  it('declares every type it exposes itself: only the optional peers and KeyObject come from outside', () => {
    const declarations = filesUnder(join(unpacked, 'package/dist')).filter((file) => /\.d\.[cm]ts$/.test(file));
    const outside = new Set<string>();
    for (const file of declarations) {
      const text = readFileSync(join(unpacked, 'package/dist', file), 'utf8');
      expect(text, file).not.toContain('<reference types=');
      for (const match of text.matchAll(
        /^import\s+(?:type\s+)?(?:\{([^}]*)\}|\*\s+as\s+\S+)\s+from\s+["']([^"'.][^"']*)["']/gm,
      )) {
        const names = (match[1] ?? '*').split(',').map((name) => name.trim());
        for (const name of names) outside.add(`${match[2]} ${name}`);
      }
    }
    // JsonWebKey from node:crypto broke every consumer on @types/node >= 25: only names every
    // @types/node version has may cross, and each framework only from its own optional peer.
    for (const entry of outside) {
      expect(entry).toMatch(
        /^(express|fastify|hono|koa|ioredis|@nestjs\/common|@nestjs\/core) [A-Za-z]+$|^node:crypto (KeyObject|webcrypto)$/,
      );
    }
  });

  it('passes publint', () => {
    const output = execFileSync(join(repoRoot, 'node_modules/.bin/publint'), ['run', tarball, '--strict'], {
      encoding: 'utf8',
    });
    expect(output).toContain('All good!');
  });

  it('passes arethetypeswrong under node10, node16 (CJS and ESM) and bundler resolution', () => {
    let output: string;
    try {
      output = execFileSync(join(repoRoot, 'node_modules/.bin/attw'), [tarball, '--format', 'json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(output) as {
      analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, unknown> }> };
    };
    expect(report.analysis.problems).toEqual([]);
    const entrypoints = Object.keys(report.analysis.entrypoints);
    expect(entrypoints).toContain('./express');
    for (const name of entrypoints) {
      expect(Object.keys(report.analysis.entrypoints[name]?.resolutions ?? {}).sort()).toEqual(
        ['bundler', 'node10', 'node16-cjs', 'node16-esm'].sort(),
      );
    }
  });
});
