/**
 * Deno (from the npm registry, see scripts/install-runtimes.sh) runs the packed package: the web
 * example (`examples/deno/server.ts`, `Deno.serve` + `jwt-extended/fetch`, the package resolved
 * from node_modules through package.json) over real HTTP, for HS256, RS256, ES256 and EdDSA;
 * its Hono variant; the WebCrypto engine by option.
 */
import { describe, inject } from 'vitest';
import { runtimeSuite, startServer } from './harness.js';

const { deno } = inject('runtimes');

// Off Linux x64 the install script installs nothing (it says so): there is no Deno to start.
describe.skipIf(deno === '')('Deno', () => {
  runtimeSuite({
    runtime: /^deno 2\./,
    engine: 'node',
    start: (dir, env) =>
      startServer(
        deno,
        [
          'run',
          '--sloppy-imports',
          '--no-lock',
          '--allow-net',
          '--allow-env',
          '--allow-read',
          'examples/deno/server.ts',
        ],
        { cwd: dir, env: { ...env, PORT: '0', DENO_NO_UPDATE_CHECK: '1' } },
      ),
  });
});
