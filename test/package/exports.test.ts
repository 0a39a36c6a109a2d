/**
 * The published shape: `npm run build` produces every subpath of the exports map for both
 * `import` and `require`, with declarations, and each loads in a fresh Node process under its
 * package name (self-reference), as a user's app would load it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { packedTarball } from '../helpers/packed.js';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<
    string,
    string | { import: { types: string; default: string }; require: { types: string; default: string } }
  >;
};
const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');

/**
 * Whether this Node loads ES modules through require() without a flag (20.19+, 22.12+); older
 * Nodes within `engines` lack `process.features.require_module` or have it false.
 */
const hasRequireEsm = (process.features as { require_module?: boolean }).require_module === true;

function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  // Builds dist/ once for the whole run (npm pack runs the prepack build).
  await packedTarball();
}, 300_000);

describe('package exports', () => {
  it('lists the core, context, five adapters, the adapter kit and the stores', () => {
    expect(subpaths.sort()).toEqual(
      [
        '.',
        './context',
        './express',
        './fastify',
        './fetch',
        './hono',
        './koa',
        './nestjs',
        './kit',
        './stores',
        './stores/memory',
        './stores/redis',
      ].sort(),
    );
  });

  for (const subpath of subpaths) {
    const specifier = subpath === '.' ? 'jwt-extended' : `jwt-extended/${subpath.slice(2)}`;
    it(`${specifier}: built files exist and load with import and require`, () => {
      const entry = pkg.exports[subpath] as { import: Record<string, string>; require: Record<string, string> };
      for (const file of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) {
        expect(existsSync(new URL(file as string, root)), file).toBe(true);
      }
      const esm = run([
        '--input-type=module',
        '-e',
        `const m = await import('${specifier}'); console.log(Object.keys(m).sort().join(','))`,
      ]);
      const requireIt = () => run(['-e', `console.log(Object.keys(require('${specifier}')).sort().join(','))`]);
      expect(esm.trim().length).toBeGreaterThan(0);
      if (subpath === './nestjs' && !hasRequireEsm) {
        // NestJS 12 ships ES modules only: its CommonJS build needs require() of ES modules
        // (Node 20.19+, 22.12+). README's runtime table says so; this proves it on older Nodes.
        expect(requireIt).toThrow(/ERR_REQUIRE_ESM[\s\S]*@nestjs\/common/);
        return;
      }
      expect(requireIt().trim()).toBe(esm.trim());
    });
  }

  it('makes and checks a seed token through the built CommonJS core', () => {
    const out = run([
      '-e',
      `const { JwtManager } = require('jwt-extended');
       const jwt = new JwtManager({ secretKey: 'package-test-secret-0123456789abcdef', userIdentityLoader: (u) => u.username, additionalClaimsLoader: (u) => ({ roles: u.roles }) });
       const p = jwt.decodeTokenSync(jwt.createAccessTokenSync({ username: 'test', roles: ['foo', 'bar'] }));
       console.log(JSON.stringify([p.sub, p.roles]));`,
    ]);
    expect(JSON.parse(out)).toEqual(['test', ['foo', 'bar']]);
  });
});
