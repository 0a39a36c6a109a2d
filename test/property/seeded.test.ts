/**
 * Every property-based test of the suite runs with the fixed CI seed and a bounded number of runs
 * (issue 12): a file that calls fast-check's `fc.assert` or `fc.sample` passes
 * `fuzzParameters(runs)` from test/helpers/property.ts, and no file sets `numRuns` or `seed` itself,
 * so a CI failure replays exactly, and FUZZ_RUNS / FUZZ_SEED reach every one (`npm run test:fuzz`
 * runs the properties of test/property and test/jws/json-error.test.ts long).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/packed.js';

/** Every .ts file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** What is wrong with one file's use of fast-check, if anything. */
function seedingProblems(file: string, source: string): string[] {
  const problems: string[] = [];
  const runs = (source.match(/\bfc\.(assert|sample)\(/g) ?? []).length;
  const seeded = (source.match(/\bfuzzParameters\(/g) ?? []).length;
  if (runs > 0 && seeded < runs) problems.push(`${file}: ${runs} fc.assert/fc.sample, ${seeded} fuzzParameters`);
  if (/\bnumRuns\s*:|\bseed\s*:\s*\d/.test(source)) problems.push(`${file}: sets numRuns or seed itself`);
  return problems;
}

describe('property tests', () => {
  it('all run with the fixed seed and bounded runs of fuzzParameters', () => {
    // The helper sets them, and this file's own examples do on purpose.
    const exempt = new Set([join(repoRoot, 'test/helpers/property.ts'), fileURLToPath(import.meta.url)]);
    const files = tsFiles(join(repoRoot, 'test')).filter((file) => !exempt.has(file));
    const users = files.filter((file) => /\bfc\.(assert|sample)\(/.test(readFileSync(file, 'utf8')));
    expect(users.length).toBeGreaterThan(8);
    const problems = files.flatMap((file) => seedingProblems(relative(repoRoot, file), readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('the check can fail: an unseeded run and a hand-set numRuns are reported', () => {
    expect(seedingProblems('a.ts', 'fc.assert(fc.property(fc.nat(), () => true));')).toEqual([
      'a.ts: 1 fc.assert/fc.sample, 0 fuzzParameters',
    ]);
    expect(seedingProblems('b.ts', 'fc.assert(p, { seed: 42 }); fuzzParameters(5)')).toEqual([
      'b.ts: sets numRuns or seed itself',
    ]);
    expect(seedingProblems('c.ts', 'fc.assert(p, { numRuns: 5 }); fuzzParameters(5)')).toEqual([
      'c.ts: sets numRuns or seed itself',
    ]);
  });
});
