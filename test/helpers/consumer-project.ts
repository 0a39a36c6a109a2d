/**
 * A user's project, made once per test run: a fresh directory outside the repository with
 * `"type": "module"`, the packed tarball installed as `node_modules/jwt-extended` (it has no
 * dependencies of its own, so unpacking it is what `npm install` does), and the repository's
 * frameworks, clients and `@types` beside it as links (no network, no second install). Code in
 * it sees only what the tarball ships: no `paths`, no sources.
 *
 * Like `packed.ts`, the first caller builds it under a lock and the others wait for its result.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { packedTarball, repoRoot } from './packed.js';

const WAIT_MS = 300_000;

/** What the repository's node_modules holds that a user's project would not link. */
const NOT_LINKED = new Set(['.bin', '.cache', '.package-lock.json', '.vite', 'jwt-extended']);

/**
 * Absolute path of this run's consumer project (its `node_modules/jwt-extended` is the tarball).
 *
 * @example
 * ```ts
 * const project = await consumerProject()
 * await import(join(project, 'node_modules/jwt-extended/dist/index.mjs'))
 * ```
 */
export async function consumerProject(): Promise<string> {
  const base = join(inject('packDir'), 'consumer');
  const result = join(base, 'result.json');
  mkdirSync(base, { recursive: true });
  try {
    mkdirSync(join(base, 'lock'));
  } catch {
    return waitForResult(result);
  }
  try {
    const tarball = await packedTarball();
    const project = join(base, 'project');
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, 'jwt-extended'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'jwt-extended-consumer', private: true, type: 'module' }),
    );
    execFileSync('tar', ['-xzf', tarball, '-C', join(modules, 'jwt-extended'), '--strip-components=1']);
    for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
      if (!NOT_LINKED.has(entry)) symlinkSync(join(repoRoot, 'node_modules', entry), join(modules, entry));
    }
    writeFileSync(result, JSON.stringify({ project }));
  } catch (error) {
    writeFileSync(result, JSON.stringify({ error: `consumer project: ${(error as Error).message}` }));
  }
  return waitForResult(result);
}

async function waitForResult(file: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the consumer project was not ready within ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { project?: string; error?: string };
  if (parsed.project === undefined) throw new Error(parsed.error ?? 'the consumer project failed');
  return parsed.project;
}
