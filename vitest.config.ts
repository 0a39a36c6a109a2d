import { defineConfig } from 'vitest/config';

/**
 * One config for every suite. Tests mirror `src/`; the behaviour suite under `test/behaviour`
 * drives every framework adapter through real HTTP. Type tests (`*.test-d.ts`) pin the generics.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
