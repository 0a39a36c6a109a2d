/**
 * The package as users receive it: `npm pack` of this repository (its `prepack` builds `dist/`),
 * made once per test run however many test files ask for it. The first caller takes a lock
 * directory and packs; the others wait for its result file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const WAIT_MS = 240_000;

/**
 * Absolute path of this run's `jwt-extended-<version>.tgz`; `dist/` is built as a side effect.
 *
 * @example
 * ```ts
 * const tarball = await packedTarball()
 * ```
 */
export async function packedTarball(): Promise<string> {
  const dir = inject('packDir');
  const result = join(dir, 'result.json');
  try {
    mkdirSync(join(dir, 'lock'));
  } catch {
    return waitForResult(result);
  }
  try {
    // Build first, then pack without the prepack script: the build's log would pollute --json.
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [{ filename }] = JSON.parse(output) as [{ filename: string }];
    writeFileSync(result, JSON.stringify({ tarball: join(dir, filename) }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    writeFileSync(result, JSON.stringify({ error: `npm pack failed: ${(error as Error).message}\n${stderr}` }));
  }
  return waitForResult(result);
}

async function waitForResult(file: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`npm pack did not finish within ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tarball?: string; error?: string };
  if (parsed.tarball === undefined) throw new Error(parsed.error ?? 'npm pack failed');
  return parsed.tarball;
}
