/**
 * Command-line options of `npm run bench`. Everything has a default, so `npm run bench` alone runs
 * the full benchmark and `npm run bench -- --quick` (or BENCH_QUICK=1) the few-seconds smoke run.
 */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export type Part = 'micro' | 'http' | 'revocation';
export type LoadGenerator = 'wrk' | 'autocannon';

export interface BenchOptions {
  quick: boolean;
  parts: readonly Part[];
  /** Where the JSON summary goes. */
  out: string;
  /** Rewrite the generated regions of docs/benchmarks.md (full runs only, unless --docs is forced). */
  docs: boolean;
  /** `undefined`: wrk when it is on PATH, autocannon otherwise. */
  loadgen: LoadGenerator | undefined;
  /** Substring filters: only rows (micro) or frameworks (http) whose id contains one of them. */
  filter: readonly string[];
  /**
   * A checkout of an earlier jwt-extended, built (`npm run build`) with its node_modules: its rows
   * are measured beside the current ones in the same run, labelled "previous". `null`: none.
   */
  baseline: string | null;
  /**
   * `--variants`: only these HTTP variants (ids as in bench/http/run.ts, e.g. `jwt-extended`,
   * `jwt-extended-previous`); empty: all of them. Lets an A/B run start two servers, not eight.
   */
  variants: readonly string[];
  /** Timings: micro. */
  micro: { warmupMs: number; rounds: number; roundMs: number };
  /** Timings: http. */
  http: { warmupS: number; rounds: number; durationS: number; connections: number };
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const usage = `usage: npm run bench -- [options]

  --quick                 a few seconds in all: proves the benchmark runs; timings mean nothing
                          (same as BENCH_QUICK=1)
  --only=micro|http|revocation  run one part
  --filter=a,b            only rows/frameworks whose id contains a or b (e.g. HS256, fastify)
  --out=FILE              JSON summary (default bench/results/latest.json, quick: bench/results/quick.json)
  --docs / --no-docs      rewrite the tables in docs/benchmarks.md (default: on for full runs)
  --loadgen=wrk|autocannon  HTTP load generator (default: wrk if installed, else autocannon)
  --rounds=N              rounds per row (default micro 7 / http 5; quick 3 / 1)
  --duration=S            seconds per HTTP round (default 5; quick 1)
  --connections=N         HTTP connections (default 50)
  --variants=a,b          HTTP: only these variants (e.g. jwt-extended,jwt-extended-previous)
  --baseline=DIR          also measure the jwt-extended checkout in DIR (built, with node_modules)
                          beside this one, as "previous" rows (e.g. a git worktree of main)
  --help
`;

function flag(argv: readonly string[], name: string): string | boolean | undefined {
  for (const arg of argv) {
    if (arg === `--${name}`) return true;
    if (arg === `--no-${name}`) return false;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

function positiveNumber(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}

const known = [
  'quick',
  'only',
  'filter',
  'out',
  'docs',
  'loadgen',
  'rounds',
  'duration',
  'connections',
  'baseline',
  'variants',
  'help',
];

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  for (const arg of argv) {
    const name = arg.replace(/^--(no-)?/, '').replace(/=.*$/, '');
    if (!arg.startsWith('--') || !known.includes(name)) throw new Error(`unknown argument ${arg}\n\n${usage}`);
  }
  if (flag(argv, 'help') === true) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const quick =
    flag(argv, 'quick') === true || (env.BENCH_QUICK !== undefined && !['', '0', 'false'].includes(env.BENCH_QUICK));
  const only = flag(argv, 'only');
  let parts: Part[] = ['micro', 'http', 'revocation'];
  if (typeof only === 'string') {
    if (only !== 'micro' && only !== 'http' && only !== 'revocation') {
      throw new Error('--only must be micro, http or revocation');
    }
    parts = [only];
  }
  const loadgen = flag(argv, 'loadgen');
  if (loadgen !== undefined && loadgen !== 'wrk' && loadgen !== 'autocannon') {
    throw new Error('--loadgen must be wrk or autocannon');
  }
  const filterArg = flag(argv, 'filter');
  const out = flag(argv, 'out');
  const docs = flag(argv, 'docs');
  const rounds = positiveNumber(flag(argv, 'rounds'), 'rounds');
  const duration = positiveNumber(flag(argv, 'duration'), 'duration');
  const connections = positiveNumber(flag(argv, 'connections'), 'connections');
  const baseline = flag(argv, 'baseline');
  const variantsArg = flag(argv, 'variants');
  if (baseline !== undefined && typeof baseline !== 'string') throw new Error('--baseline needs a directory');
  return {
    quick,
    parts,
    out: path.resolve(
      typeof out === 'string' ? out : path.join(repoRoot, 'bench', 'results', quick ? 'quick.json' : 'latest.json'),
    ),
    docs: typeof docs === 'boolean' ? docs : !quick,
    loadgen: loadgen as LoadGenerator | undefined,
    baseline: typeof baseline === 'string' ? path.resolve(baseline) : null,
    variants: typeof variantsArg === 'string' ? variantsArg.split(',').filter(Boolean) : [],
    filter: typeof filterArg === 'string' ? filterArg.split(',').filter(Boolean) : [],
    micro: quick
      ? { warmupMs: 15, rounds: rounds ?? 3, roundMs: 15 }
      : { warmupMs: 300, rounds: rounds ?? 15, roundMs: 100 },
    http: quick
      ? { warmupS: 0, rounds: rounds ?? 1, durationS: duration ?? 1, connections: connections ?? 50 }
      : { warmupS: 2, rounds: rounds ?? 9, durationS: duration ?? 3, connections: connections ?? 50 },
  };
}
