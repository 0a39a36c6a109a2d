/**
 * `npm run bench:ab -- --baseline=DIR`: does the hot path without a revocation store get slower
 * between two builds? A = the built package in DIR (e.g. a git worktree of an older commit, with
 * `npm run build` done), B = this checkout's built package (`dist/`). Only the rows an app pays on
 * every request or login, with no store and no cache:
 *
 *   decode     HS256 `decodeTokenSync` (full flask checks)
 *   authorize  `authorize` of a protected GET with a Bearer header (no store, no verifiedTokenCache)
 *   sign       HS256 `createAccessTokenSync` with one extra claim
 *   fastify    (with `--http`) the Fastify server's CPU time per protected request, A and B servers
 *
 * Why a script of its own: `npm run bench -- --baseline` loads the baseline's TypeScript sources
 * through tsx (a transform the published package does not have) and measures rows round-robin with
 * many other rows; here both sides are the built `dist/` an app imports, and each round measures A
 * and B back to back (order ABBA over the rounds, so neither side always runs first), in this
 * process's CPU time. The per-round ratio B/A is what is judged: a slow minute of a shared machine
 * hits both halves of a round alike. Verdict per row: "slower" when B/A's first quartile is above 1
 * (three rounds in four slower), "faster" when its third quartile is below 1, "within noise" otherwise.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { busyWarning, machineInfo } from './lib/machine.js';
import { parseOptions, repoRoot } from './lib/options.js';
import { round as roundTo, roundSpread, spread } from './lib/stats.js';
import type { Spread } from './lib/stats.js';
import { accessClaims, header, makeKeys } from './micro/fixtures.js';
import { floorSigner } from './micro/floor.js';
import { drainSink, round, warmUp } from './micro/timer.js';
import type { Timed } from './micro/timer.js';
import { runHttp } from './http/run.js';

const usage = `usage: npm run bench:ab -- --baseline=DIR [options]

  --baseline=DIR     A: a jwt-extended checkout with its node_modules and a built dist/
                     (git worktree add --detach DIR <commit>; cp -a node_modules DIR; npm run build in DIR)
  --candidate=DIR    B: another built checkout instead of this one (e.g. to try a change on a copy)
  --build            run npm run build in DIR and here first
  --rows=a,b         only these rows: decode, authorize, sign (default: all three)
  --rounds=N         paired rounds per row (default 41)
  --round-ms=M       milliseconds per side per round (default 100)
  --http             also Fastify: an A and a B server, server CPU time per request
  --http-rounds=N    HTTP rounds (default 10, 3 s each)
  --out=FILE         JSON result (default bench/results/ab.json)
`;

const rowNames = ['decode', 'authorize', 'sign'] as const;
type RowName = (typeof rowNames)[number];

interface Args {
  baseline: string;
  candidate: string;
  build: boolean;
  rows: RowName[];
  rounds: number;
  roundMs: number;
  http: boolean;
  httpRounds: number;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const get = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const known = ['baseline', 'candidate', 'build', 'rows', 'rounds', 'round-ms', 'http', 'http-rounds', 'out', 'help'];
  for (const a of argv) {
    if (!known.includes(a.replace(/^--/, '').replace(/=.*$/, ''))) throw new Error(`unknown argument ${a}\n\n${usage}`);
  }
  if (argv.includes('--help')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const baseline = get('baseline');
  if (baseline === undefined) throw new Error(`--baseline=DIR is required\n\n${usage}`);
  const num = (name: string, fallback: number): number => {
    const v = get(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive integer`);
    return n;
  };
  const rows = (get('rows')?.split(',').filter(Boolean) ?? [...rowNames]) as RowName[];
  const bad = rows.filter((r) => !rowNames.includes(r));
  if (bad.length > 0) throw new Error(`--rows: unknown ${bad.join(', ')} (known: ${rowNames.join(', ')})`);
  return {
    baseline: path.resolve(baseline),
    candidate: path.resolve(get('candidate') ?? repoRoot),
    build: argv.includes('--build'),
    rows,
    rounds: num('rounds', 41),
    roundMs: num('round-ms', 100),
    http: argv.includes('--http'),
    httpRounds: num('http-rounds', 10),
    out: path.resolve(get('out') ?? path.join(repoRoot, 'bench', 'results', 'ab.json')),
  };
}

interface Manager {
  createAccessTokenSync(identity: unknown, options?: { additionalClaims?: Record<string, unknown> }): string;
  decodeTokenSync(token: string): Record<string, unknown>;
  compileRoute(): unknown;
  authorize(carrier: object, port: object, route: unknown): unknown;
}

type Readstate = (carrier: object) => { payload?: Record<string, unknown> } | undefined;

/** One side's three row functions, each checked to do the real job before it is timed. */
async function sideRows(dir: string, secret: string, token: string): Promise<Record<RowName, () => unknown>> {
  const entry = path.join(dir, 'dist', 'index.mjs');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build in ${dir} (or pass --build)`);
  const mod = (await import(pathToFileURL(entry).href)) as {
    JwtManager: new (o: Record<string, unknown>) => Manager;
    readJwtState: Readstate;
  };
  const jwt = new mod.JwtManager({ algorithm: 'HS256', secretKey: secret });
  const route = jwt.compileRoute();
  const bearer = `Bearer ${token}`;
  const port = { method: 'GET', url: '/p', header: (n: string) => (n === 'authorization' ? bearer : undefined) };
  const extra = { additionalClaims: { roles: ['foo', 'bar'] } };
  const rows: Record<RowName, () => unknown> = {
    decode: () => jwt.decodeTokenSync(token),
    authorize: () => {
      const carrier = {};
      return jwt.authorize(carrier, port, route) ?? carrier;
    },
    sign: () => jwt.createAccessTokenSync('test', extra),
  };
  // Correctness first: a row that does less than its job would win by cheating.
  if (rows.decode() === null || (rows.decode() as { sub?: unknown }).sub !== 'test') throw new Error(`${dir}: decode`);
  const carrier = rows.authorize() as object;
  if (mod.readJwtState(carrier)?.payload?.sub !== 'test') throw new Error(`${dir}: authorize left no identity`);
  const signed = rows.sign() as string;
  if (jwt.decodeTokenSync(signed).roles === undefined) throw new Error(`${dir}: sign lost the extra claim`);
  return rows;
}

interface RowResult {
  row: RowName;
  /** Nanoseconds of CPU time per call. */
  a: Spread;
  b: Spread;
  /** Per round: B / A of that round. */
  ratio: Spread;
  verdict: 'slower' | 'faster' | 'within noise';
  rounds: { a: number; b: number }[];
}

function verdictOf(ratio: Spread): RowResult['verdict'] {
  if (ratio.q1 > 1) return 'slower';
  if (ratio.q3 < 1) return 'faster';
  return 'within noise';
}

async function measure(name: RowName, a: () => unknown, b: () => unknown, args: Args): Promise<RowResult> {
  const ta: Timed = { run: a, async: false, batch: 1 };
  const tb: Timed = { run: b, async: false, batch: 1 };
  const batchMs = Math.max(0.5, args.roundMs / 20);
  await warmUp(ta, 500, batchMs);
  await warmUp(tb, 500, batchMs);
  const rounds: { a: number; b: number }[] = [];
  for (let r = 0; r < args.rounds; r++) {
    // ABBA: A first in rounds 0, 3, 4, 7, ...; B first in 1, 2, 5, 6, ...
    if (r % 4 === 0 || r % 4 === 3) {
      const x = await round(ta, args.roundMs);
      rounds.push({ a: x, b: await round(tb, args.roundMs) });
    } else {
      const y = await round(tb, args.roundMs);
      rounds.push({ a: await round(ta, args.roundMs), b: y });
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const ratio = spread(rounds.map((x) => x.b / x.a));
  return {
    row: name,
    a: roundSpread(spread(rounds.map((x) => x.a))),
    b: roundSpread(spread(rounds.map((x) => x.b))),
    ratio: roundSpread(ratio),
    verdict: verdictOf(ratio),
    rounds: rounds.map((x) => ({ a: roundTo(x.a), b: roundTo(x.b) })),
  };
}

const pad = (s: string, n: number) => s.padEnd(n);
const fmt = (s: Spread, unit: string) => `${s.median} ${unit} [${s.q1}..${s.q3}]`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const busy = busyWarning(machine);
  if (busy !== null) process.stderr.write(`${busy}\n`);
  if (args.build) {
    for (const dir of [args.baseline, args.candidate]) {
      process.stderr.write(`npm run build in ${dir}\n`);
      execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'ignore' });
    }
  }
  const keys = makeKeys('HS256');
  // A day long, so a long run never sees it expire; otherwise the micro benchmark's flask layout.
  const token = floorSigner(keys)(header('HS256'), accessClaims(Math.floor(Date.now() / 1000), 24 * 3600));
  const A = await sideRows(args.baseline, keys.signingString, token);
  const B = await sideRows(args.candidate, keys.signingString, token);
  const results: RowResult[] = [];
  for (const name of args.rows) {
    process.stderr.write(`${name} `);
    results.push(await measure(name, A[name], B[name], args));
  }
  let http: unknown = null;
  const lines = [
    `A = ${args.baseline}, B = ${args.candidate}; ${args.rounds} paired rounds of ${args.roundMs} ms per side, CPU time`,
    `${pad('row', 11)}${pad('A ns/call median [q1..q3]', 30)}${pad('B ns/call median [q1..q3]', 30)}${pad('B/A per round median [q1..q3] (min..max)', 44)}verdict`,
    ...results.map(
      (r) =>
        `${pad(r.row, 11)}${pad(fmt(r.a, 'ns'), 30)}${pad(fmt(r.b, 'ns'), 30)}${pad(`${fmt(r.ratio, 'x')} (${r.ratio.min}..${r.ratio.max})`, 44)}${r.verdict}`,
    ),
  ];
  if (args.http && args.candidate !== repoRoot) {
    lines.push('fastify    not measured: --http measures this checkout as B (no --candidate)');
  } else if (args.http) {
    process.stderr.write('fastify ');
    const options = parseOptions(
      [
        '--only=http',
        '--filter=fastify',
        '--variants=jwt-extended,jwt-extended-previous',
        `--baseline=${args.baseline}`,
        `--rounds=${args.httpRounds}`,
        '--duration=3',
        '--no-docs',
      ],
      process.env,
    );
    const result = await runHttp(options, (s) => process.stderr.write(s));
    http = result;
    const byVariant = (v: string) => result.rows.find((r) => r.variant === v);
    const a = byVariant('jwt-extended-previous');
    const b = byVariant('jwt-extended');
    const cpu = (row: typeof a) =>
      row?.rounds.map((x) => (x.cpuUs === null || x.requests === 0 ? Number.NaN : x.cpuUs / x.requests)) ?? [];
    const ca = cpu(a);
    const cb = cpu(b);
    if (a?.status === 'ok' && b?.status === 'ok' && ca.length > 0 && ca.every(Number.isFinite)) {
      const ratio = spread(cb.map((x, i) => x / ca[i]!));
      lines.push(
        `${pad('fastify', 11)}${pad(fmt(roundSpread(spread(ca)), 'us/req'), 30)}${pad(fmt(roundSpread(spread(cb)), 'us/req'), 30)}${pad(`${fmt(roundSpread(ratio), 'x')} (${roundTo(ratio.min)}..${roundTo(ratio.max)})`, 44)}${verdictOf(ratio)}`,
      );
    } else {
      lines.push(`fastify    not measured: A ${a?.status} ${a?.reason ?? ''}, B ${b?.status} ${b?.reason ?? ''}`);
    }
  }
  if (drainSink() === -1) process.stderr.write('');
  process.stdout.write(`${lines.join('\n')}\n`);
  await writeFile(
    args.out,
    `${JSON.stringify({ schema: 'jwt-extended-bench-ab/1', generatedAt: new Date().toISOString(), machine, args, results, http }, null, 2)}\n`,
  );
  process.stderr.write(`JSON: ${path.relative(process.cwd(), args.out) || args.out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ab failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
