/**
 * Vitest global setup: runs once, in the main process, before any test file.
 *
 * 1. System dependencies (see `system-deps.ts`): installed when missing, or one clear failure.
 * 2. A per-run directory where the first test that needs the packed tarball (`npm pack`) builds
 *    it once for every test file of the run (see `test/helpers/packed.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureSystemDependencies } from './system-deps.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A fresh directory for this run's `npm pack` output and its lock. */
    packDir: string;
  }
}

/** Vitest calls this once per run; the returned function runs after every test. */
export default function setup(project: TestProject): () => void {
  ensureSystemDependencies(fileURLToPath(new URL('../../', import.meta.url)));
  const packDir = mkdtempSync(join(tmpdir(), 'jwt-extended-pack-'));
  project.provide('packDir', packDir);
  return () => rmSync(packDir, { recursive: true, force: true });
}
