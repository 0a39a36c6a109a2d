/**
 * Cloudflare's Workers runtime (workerd, through miniflare, both from the npm registry: see
 * scripts/install-runtimes.sh) runs the packed package with no Node compatibility flag, so no
 * `node:crypto` and no `process`: `examples/worker/worker.ts` bundled by esbuild as wrangler does
 * (a `node:` import left in the bundle would fail to load), served by workerd over real HTTP, for
 * HS256, RS256, ES256 and EdDSA on the WebCrypto engine that `engine: 'auto'` picks there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, inject } from 'vitest';
import { type KeyEnv, runtimeSuite } from './harness.js';

const { workers } = inject('runtimes');

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}
interface MiniflareInstance {
  readonly ready: Promise<URL>;
  dispose(): Promise<void>;
}
type MiniflareClass = new (options: Record<string, unknown>) => MiniflareInstance;

/** Bundles the Worker example in the staged app, once per directory. */
const bundles = new Map<string, Promise<string>>();
function bundle(dir: string): Promise<string> {
  let built = bundles.get(dir);
  if (built === undefined) {
    built = (async () => {
      const esbuild = (await import(pathToFileURL(join(workers, 'esbuild/lib/main.js')).href)) as Esbuild;
      const outfile = join(dir, 'worker.bundle.mjs');
      await esbuild.build({
        entryPoints: [join(dir, 'examples/worker/worker.ts')],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        conditions: ['workerd', 'worker', 'browser'],
        mainFields: ['module', 'main'],
        // Left as imports, so workerd (without nodejs_compat) refuses to load a bundle that needs one.
        external: ['node:*'],
        outfile,
        logLevel: 'silent',
      });
      return outfile;
    })();
    bundles.set(dir, built);
  }
  return built;
}

async function startWorker(dir: string, env: KeyEnv): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const { Miniflare } = (await import(pathToFileURL(join(workers, 'miniflare/dist/src/index.js')).href)) as {
    Miniflare: MiniflareClass;
  };
  const script = readFileSync(await bundle(dir), 'utf8');
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-12-01',
    bindings: env,
    host: '127.0.0.1',
    port: 0,
  });
  const url = await mf.ready;
  return { baseUrl: url.origin, close: () => mf.dispose() };
}

// Off Linux x64 the install script installs nothing (it says so): there is no workerd to start.
describe.skipIf(workers === '')('Cloudflare Workers (workerd, no nodejs_compat)', () => {
  runtimeSuite({ runtime: /^workerd$/, engine: 'webcrypto', start: startWorker });
});
