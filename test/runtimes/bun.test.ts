/**
 * Bun (from the npm registry, see scripts/install-runtimes.sh) runs the packed package: the web
 * example (`examples/bun/server.ts`, `Bun.serve` + `jwt-extended/fetch`) over real HTTP, for
 * HS256, RS256, ES256 and EdDSA; its Hono variant; the WebCrypto engine by option.
 */
import { describe, inject } from 'vitest';
import { runtimeSuite, startServer } from './harness.js';

const { bun } = inject('runtimes');

// Off Linux x64 the install script installs nothing (it says so): there is no Bun to start.
describe.skipIf(bun === '')('Bun', () => {
  runtimeSuite({
    runtime: /^bun 1\./,
    engine: 'node',
    start: (dir, env) =>
      startServer(bun, ['examples/bun/server.ts'], {
        cwd: dir,
        env: { ...env, PORT: '0', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' },
      }),
  });
});
