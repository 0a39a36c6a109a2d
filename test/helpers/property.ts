/**
 * Settings shared by every property-based test (fast-check): a fixed seed and a bounded number of
 * runs in CI, so a failure reproduces exactly; a longer local mode on demand.
 *
 * - `FUZZ_RUNS=20000 npx vitest run test/property`: that many runs per property (default: each
 *   property's own CI count);
 * - `FUZZ_SEED=123`: another seed (default fixed). fast-check prints the seed and path of any
 *   counterexample, so a failure found with a random seed can be replayed.
 */
import type { Parameters } from 'fast-check';

/** The seed CI uses. */
export const CI_SEED = 20_261_206;

/**
 * fast-check parameters: `runs` in CI (fixed seed), or `FUZZ_RUNS` / `FUZZ_SEED` when set.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(fc.string(), (s) => ...), fuzzParameters(200))
 * ```
 */
export function fuzzParameters<T>(runs: number): Parameters<T> {
  const envRuns = Number(process.env.FUZZ_RUNS);
  const envSeed = Number(process.env.FUZZ_SEED);
  return {
    seed: Number.isSafeInteger(envSeed) && process.env.FUZZ_SEED ? envSeed : CI_SEED,
    numRuns: Number.isSafeInteger(envRuns) && envRuns > 0 ? envRuns : runs,
  };
}

/**
 * A vitest timeout that grows with the run count (the long local mode can take minutes).
 *
 * @example
 * ```ts
 * it('holds', () => { ... }, fuzzTimeout(200))
 * ```
 */
export function fuzzTimeout(runs: number, msPerRun = 20): number {
  const envRuns = Number(process.env.FUZZ_RUNS);
  const total = Number.isSafeInteger(envRuns) && envRuns > 0 ? envRuns : runs;
  return 30_000 + total * msPerRun;
}
