import { defineConfig } from 'vitest/config';

/**
 * One config for every suite. Tests mirror `src/`; the behaviour suite under `test/behaviour`
 * drives every framework adapter through real HTTP. Type tests (`*.test-d.ts`) pin the generics.
 */
export default defineConfig({
  // `jwt-extended/*` imports (the examples) resolve to the sources, through tsconfig.json's paths.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    // Checks (and installs) redis-server, chromium and PyJWT once, before any test; see the file.
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
