/**
 * Vitest global setup, part 2: Bun, Deno, the Workers tools (miniflare, which brings workerd,
 * and esbuild) and a Next.js app's packages, installed from the npm registry by `scripts/install-runtimes.sh` into a cache
 * directory outside node_modules. Once installed, a run pays three file checks. When the install
 * fails the whole run stops here with the reason, as for the system dependencies.
 */
import { execFileSync } from 'node:child_process';

const SCRIPT = 'scripts/install-runtimes.sh';

/** Paths of the installed runtimes (empty strings off Linux x64, where the script installs nothing). */
export interface RuntimePaths {
  /** The `bun` binary. */
  readonly bun: string;
  /** The `deno` binary. */
  readonly deno: string;
  /** A `node_modules` holding `miniflare` and `esbuild`. */
  readonly workers: string;
  /** A `node_modules` holding `next`, `react`, `react-dom` and the app's TypeScript tools. */
  readonly nextjs: string;
}

/**
 * Installs what is missing and returns where each runtime is.
 *
 * @example
 * ```ts
 * const { bun } = ensureRuntimes(repoRoot)
 * ```
 */
export function ensureRuntimes(repoRoot: string): RuntimePaths {
  let output: string;
  try {
    output = execFileSync('bash', [SCRIPT], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    throw new Error(
      `bash ${SCRIPT} failed (${(error as Error).message}): the Bun, Deno, Workers and Next.js tests need it.`,
    );
  }
  const found = Object.fromEntries(
    output
      .split('\n')
      .map((line) => /^(bun|deno|workers|nextjs)=(.+)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]]),
  ) as Partial<RuntimePaths>;
  return { bun: found.bun ?? '', deno: found.deno ?? '', workers: found.workers ?? '', nextjs: found.nextjs ?? '' };
}
