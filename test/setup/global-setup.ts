/**
 * Vitest global setup: runs once, in the main process, before any test file.
 *
 * 1. System dependencies (see `system-deps.ts`): installed when missing, or one clear failure.
 * 2. The other runtimes (Bun, Deno, workerd through miniflare; see `runtimes.ts`): installed
 *    into a cache directory on first use, then found there.
 * 3. A per-run directory where the first test that needs the packed tarball (`npm pack`) builds
 *    it once for every test file of the run (see `test/helpers/packed.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { type RuntimePaths, ensureRuntimes } from './runtimes.js';
import { ensureSystemDependencies } from './system-deps.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A fresh directory for this run's `npm pack` output and its lock. */
    packDir: string;
    /** Where Bun, Deno and the Workers tools are installed. */
    runtimes: RuntimePaths;
  }
}

/** Vitest calls this once per run; the returned function runs after every test. */
export default function setup(project: TestProject): () => void {
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  ensureSystemDependencies(repoRoot);
  project.provide('runtimes', ensureRuntimes(repoRoot));
  const packDir = mkdtempSync(join(tmpdir(), 'jwt-extended-pack-'));
  project.provide('packDir', packDir);
  return () => rmSync(packDir, { recursive: true, force: true });
}
