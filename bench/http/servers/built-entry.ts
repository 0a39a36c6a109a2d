/**
 * Where a benchmark server finds jwt-extended: the built file an app's `import 'jwt-extended/...'`
 * loads, read from the checkout's package.json exports map. Not the package's name: in this
 * repository tsconfig's paths map `jwt-extended/*` to src/ (for the examples), and tsx follows them,
 * so a server importing by name would time the TypeScript sources through tsx's transform.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The `import` file of `jwt-extended/<subpath>` (`''` for the main entry, `fastify`,
 * `stores/memory`, ...) in the checkout at `root`, as a file URL; `null` when it exports none.
 */
export function builtEntry(root: string, subpath: string): string | null {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
  const entry = pkg.exports?.[subpath === '' ? '.' : `./${subpath}`] as
    string | { import?: string | { default?: string } } | undefined;
  const target = typeof entry === 'string' ? entry : entry?.import;
  const file = typeof target === 'string' ? target : target?.default;
  return typeof file === 'string' ? pathToFileURL(join(root, file)).href : null;
}

/** True when `loaded` (a server's `ready` line) is a built file, not a source file. */
export function isBuilt(loaded: unknown): boolean {
  return typeof loaded === 'string' && /\/dist\/[^/].*\.(?:mjs|cjs|js)$/.test(loaded);
}
