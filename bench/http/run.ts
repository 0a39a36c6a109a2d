/**
 * HTTP benchmark: one protected GET per framework, bare / floor / usual JWT middleware /
 * jwt-extended. The floor is the framework's own minimal middleware around bench/micro/floor.ts's
 * HS256 verifier: the least work a JWT check can take on that framework.
 * Servers run in their own processes (pinned to CPU 0 when taskset is there), the load generator
 * in another (CPU 1). The servers of one framework are started together and measured
 * round-robin, so a slow drift of the machine hits each variant alike. Only 127.0.0.1.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { hasCommand } from '../lib/machine.js';
import { firstLine } from '../lib/optional.js';
import { repoRoot } from '../lib/options.js';
import type { BenchOptions, LoadGenerator } from '../lib/options.js';
import { round as roundTo, roundSpread, spread } from '../lib/stats.js';
import type { Spread } from '../lib/stats.js';
import { accessClaims, header, makeKeys } from '../micro/fixtures.js';
import { floorSigner } from '../micro/floor.js';
import { killAll, start, stop } from './children.js';
import { processCpuUs } from './cpu.js';
import { load } from './loadgen.js';
import type { LoadResult, LoadSpec } from './loadgen.js';
import { isBuilt } from './servers/built-entry.js';
import { refreshRotationOptions } from './servers/rotation.js';

export const frameworks = ['express', 'fastify', 'hono', 'koa'] as const;
export type Framework = (typeof frameworks)[number];
/**
 * Per framework: bare, the floor, the usual middleware, jwt-extended; then what only jwt-extended
 * does (a cookie request with its CSRF header, a request checked against the memory revocation
 * store), each read against the same floor; and, with `--baseline`, the previous build.
 */
export const variants = [
  'bare',
  'floor',
  'usual',
  'jwt-extended',
  'jwt-extended-cookie-csrf',
  'jwt-extended-revocation',
  'jwt-extended-refresh',
  'jwt-extended-previous',
] as const;
export type Variant = (typeof variants)[number];

const variantLabel: Record<Exclude<Variant, 'usual'>, string> = {
  bare: 'bare',
  floor: 'floor (bare node:crypto)',
  'jwt-extended': 'jwt-extended',
  'jwt-extended-cookie-csrf': 'jwt-extended: cookie + CSRF header (POST)',
  'jwt-extended-revocation': 'jwt-extended: memory revocation store',
  'jwt-extended-refresh': 'jwt-extended: refresh with rotation (POST, new pair each request)',
  'jwt-extended-previous': 'jwt-extended (previous build)',
};

/**
 * What the load generator sends to a variant: the cookie row POSTs its cookie and CSRF header; the
 * refresh row's requests are made by bench/http/refresh.lua, each with a refresh token never sent before.
 */
function requestFor(variant: Variant, token: string): { method: 'GET' | 'POST'; headers: string[] } {
  if (variant === 'jwt-extended-refresh') return { method: 'POST', headers: [] };
  if (variant !== 'jwt-extended-cookie-csrf') return { method: 'GET', headers: [`Authorization: Bearer ${token}`] };
  return { method: 'POST', headers: [`Cookie: access_token_cookie=${token}`, `X-CSRF-TOKEN: ${csrfOf(token)}`] };
}

function csrfOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { csrf?: unknown };
  return String(payload.csrf);
}

const usualLabel: Record<Framework, string> = {
  express: 'express-jwt',
  fastify: '@fastify/jwt',
  hono: 'hono/jwt',
  koa: 'koa-jwt',
};

const frameworkLabel: Record<Framework, string> = {
  express: 'Express 5',
  fastify: 'Fastify 5',
  hono: 'Hono 4 (@hono/node-server)',
  koa: 'Koa 3',
};

export interface HttpRow {
  id: string;
  framework: Framework;
  variant: Variant;
  label: string;
  status: 'ok' | 'n/a' | 'error';
  reason: string | null;
  rps: Spread | null;
  p99Ms: Spread | null;
  /** 1e6 / median requests per second. */
  usPerRequest: number | null;
  /** usPerRequest - the bare row's usPerRequest (same framework, same run). */
  addedUs: number | null;
  /** median rps / bare median rps. */
  rpsRatio: number | null;
  /**
   * The server's CPU time per completed request (median over the rounds), in microseconds; `null`
   * where the process's CPU time cannot be read (no `/proc`). Unlike `usPerRequest` it leaves out
   * the time the server waited for a core, so it holds on a shared machine.
   */
  cpuUsPerRequest: number | null;
  /** cpuUsPerRequest - the bare row's cpuUsPerRequest (same framework, same run). */
  addedCpuUs: number | null;
  rounds: { rps: number; p99Ms: number; requests: number; socketErrors: number; cpuUs: number | null }[];
}

/** Socket errors above this share of a round's requests make the round (and the row) fail. */
const maxSocketErrorShare = 0.01;

export interface HttpResult {
  loadGenerator: LoadGenerator;
  pinned: boolean;
  settings: BenchOptions['http'];
  token: { bytes: number };
  rows: HttpRow[];
}

interface Server {
  variant: Variant;
  child: ChildProcess | undefined;
  port: number | undefined;
  row: HttpRow;
}

function newRow(framework: Framework, variant: Variant): HttpRow {
  return {
    id: `${framework}.${variant}`,
    framework,
    variant,
    label: variant === 'usual' ? usualLabel[framework] : variantLabel[variant],
    status: 'ok',
    reason: null,
    rps: null,
    p99Ms: null,
    usPerRequest: null,
    addedUs: null,
    rpsRatio: null,
    cpuUsPerRequest: null,
    addedCpuUs: null,
    rounds: [],
  };
}

/** Starts one server and waits for its ready (or unavailable) line. */
function startServer(
  framework: Framework,
  variant: Variant,
  secret: string,
  pin: readonly string[],
  baseline: string | null,
): Promise<Server> {
  const row = newRow(framework, variant);
  const file = path.join(repoRoot, 'bench', 'http', 'servers', `${framework}.ts`);
  const nodeArgs = ['--import', 'tsx', file];
  const [cmd, args] =
    pin.length > 0 ? [pin[0]!, [...pin.slice(1), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = start(cmd, args, {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      BENCH_VARIANT: variant,
      BENCH_SECRET: secret,
      BENCH_BASELINE: baseline ?? '',
      NODE_ENV: 'production',
    },
  });
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    let settled = false;
    const finish = (server: Server) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(server);
    };
    const fail = (reason: string) => {
      row.status = 'error';
      row.reason = reason;
      void stop(child);
      finish({ variant, child: undefined, port: undefined, row });
    };
    const timer = setTimeout(() => fail(`did not start within 120 s: ${firstLine(err.trim())}`), 120_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0 || settled) return;
      try {
        const msg = JSON.parse(out.slice(0, nl)) as { event: string; port?: number; reason?: string; loaded?: unknown };
        if (msg.event === 'ready' && variant.startsWith('jwt-extended') && !isBuilt(msg.loaded)) {
          fail(`loaded jwt-extended from ${String(msg.loaded)}, not a built dist/ file`);
        } else if (msg.event === 'ready' && typeof msg.port === 'number') {
          finish({ variant, child, port: msg.port, row });
        } else {
          row.status = 'n/a';
          row.reason = msg.reason ?? 'unavailable';
          finish({ variant, child: undefined, port: undefined, row });
        }
      } catch {
        fail(`unexpected output: ${firstLine(out)}`);
      }
    });
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code) => {
      if (!settled) fail(`exited with ${code} before it was ready: ${firstLine(err.trim() || out.trim())}`);
    });
  });
}

/**
 * Refresh tokens of the refresh row's family layout (`createTokenPair`), signed with the servers'
 * secret by a manager of the same options: each is accepted once by the server, as a client's first
 * refresh after its login. Loaded from the built package, as the servers load it.
 */
async function mintRefreshTokens(secret: string, count: number): Promise<string[]> {
  const core = (await import('jwt-extended')) as {
    JwtManager: new (o: Record<string, unknown>) => { createTokenPair(i: unknown): Promise<{ refreshToken: string }> };
  };
  const { createMemoryStore } = (await import('jwt-extended/stores/memory')) as { createMemoryStore(): unknown };
  const jwt = new core.JwtManager({
    secretKey: secret,
    algorithm: 'HS256',
    blocklist: createMemoryStore(),
    ...refreshRotationOptions,
  });
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push((await jwt.createTokenPair('test')).refreshToken);
  return tokens;
}

/** The refresh row must rotate: a fresh refresh token gets a new pair, which works; the spent one is a 401. */
async function refreshCheck(url: string, secret: string): Promise<void> {
  const post = (token: string) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const [first] = await mintRefreshTokens(secret, 1);
  const good = await post(first!);
  const body = (await good.json()) as { sub?: unknown; refresh_token?: unknown };
  if (good.status !== 200 || body.sub !== 'test' || typeof body.refresh_token !== 'string') {
    throw new Error(`POST /p with a fresh refresh token gave ${good.status}`);
  }
  const next = await post(body.refresh_token);
  await next.arrayBuffer();
  if (next.status !== 200) throw new Error(`POST /p with the rotated refresh token gave ${next.status}`);
  // Reuse of a spent token (last, since it revokes the whole family).
  const again = await post(first!);
  await again.arrayBuffer();
  if (again.status !== 401) throw new Error(`POST /p with a used refresh token gave ${again.status}, not 401`);
}

/** The route must really be protected: 200 with the token, 401 without it (not for bare). */
async function sanityCheck(server: Server, token: string, secret: string): Promise<void> {
  const url = `http://127.0.0.1:${server.port}/p`;
  if (server.variant === 'jwt-extended-refresh') return refreshCheck(url, secret);
  if (server.variant === 'jwt-extended-cookie-csrf') {
    const post = (csrf: string) =>
      fetch(url, { method: 'POST', headers: { cookie: `access_token_cookie=${token}`, 'x-csrf-token': csrf } });
    const good = await post(csrfOf(token));
    const body = (await good.json()) as { sub?: unknown };
    if (good.status !== 200 || body.sub !== 'test') throw new Error(`POST /p with cookie and CSRF gave ${good.status}`);
    const bad = await post('not-the-csrf-value');
    await bad.arrayBuffer();
    if (bad.status !== 401) throw new Error(`POST /p with a wrong CSRF value gave ${bad.status}, not 401`);
    return;
  }
  const good = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await good.json()) as { ok?: unknown; sub?: unknown };
  if (good.status !== 200 || body.ok !== true) throw new Error(`GET /p with a token gave ${good.status}`);
  if (server.variant !== 'bare') {
    if (body.sub !== 'test') throw new Error('the handler did not see the identity');
    const bad = await fetch(url);
    await bad.arrayBuffer();
    if (bad.status !== 401) throw new Error(`GET /p without a token gave ${bad.status}, not 401`);
  }
}

function summarize(rows: HttpRow[]): void {
  const bare = rows.find((r) => r.variant === 'bare');
  for (const row of rows) {
    if (row.status !== 'ok' || row.rounds.length === 0) continue;
    const rps = spread(row.rounds.map((r) => r.rps));
    const p99 = spread(row.rounds.map((r) => r.p99Ms));
    row.rps = roundSpread(rps);
    row.p99Ms = roundSpread(p99);
    row.usPerRequest = roundTo(1e6 / rps.median);
    const cpu = row.rounds.map((r) => (r.cpuUs === null || r.requests === 0 ? null : r.cpuUs / r.requests));
    if (cpu.every((x) => x !== null)) row.cpuUsPerRequest = roundTo(spread(cpu as number[]).median);
  }
  const bareUs = bare?.status === 'ok' && bare.rps !== null ? 1e6 / bare.rps.median : null;
  for (const row of rows) {
    if (row.rps === null || bareUs === null || bare?.rps == null) continue;
    row.addedUs = roundTo(1e6 / row.rps.median - bareUs, 3);
    row.rpsRatio = roundTo(row.rps.median / bare.rps.median);
    if (row.cpuUsPerRequest !== null && bare.cpuUsPerRequest !== null) {
      row.addedCpuUs = roundTo(row.cpuUsPerRequest - bare.cpuUsPerRequest, 3);
    }
  }
}

/** Where the refresh row's first tokens are written; removed at the end of the HTTP part. */
let tokenDir: string | undefined;

/** A row that is not measured with this setup (no server started): n/a with its reason. */
function notRun(framework: Framework, variant: Variant, reason: string): Promise<Server> {
  const row = newRow(framework, variant);
  row.status = 'n/a';
  row.reason = reason;
  return Promise.resolve({ variant, child: undefined, port: undefined, row });
}

/**
 * The refresh row's script and a file of first tokens, new for every load run: one per connection
 * and a few more, since each request uses one up and its answer brings the next.
 */
async function refreshScript(secret: string, options: BenchOptions): Promise<{ file: string; args: string[] }> {
  tokenDir ??= await mkdtemp(path.join(os.tmpdir(), 'jwt-extended-bench-'));
  const tokens = path.join(tokenDir, 'refresh-tokens.txt');
  await writeFile(tokens, `${(await mintRefreshTokens(secret, options.http.connections + 10)).join('\n')}\n`);
  return { file: path.join(repoRoot, 'bench', 'http', 'refresh.lua'), args: [tokens] };
}

async function runFramework(
  framework: Framework,
  ctx: {
    secret: string;
    token: string;
    options: BenchOptions;
    loadgen: LoadGenerator;
    serverPin: string[];
    loadPin: string[];
    log: (s: string) => void;
  },
): Promise<HttpRow[]> {
  const { options, log } = ctx;
  const wanted = variants.filter(
    (v) =>
      (v !== 'jwt-extended-previous' || options.baseline !== null) &&
      (options.variants.length === 0 || options.variants.includes(v)),
  );
  const servers = await Promise.all(
    wanted.map((v) =>
      v === 'jwt-extended-refresh' && ctx.loadgen !== 'wrk'
        ? notRun(framework, v, "needs wrk: a Lua script sends each answer's refresh token in a later request")
        : startServer(framework, v, ctx.secret, ctx.serverPin, options.baseline),
    ),
  );
  try {
    const live: Server[] = [];
    for (const s of servers) {
      if (s.port === undefined) continue;
      try {
        await sanityCheck(s, ctx.token, ctx.secret);
        live.push(s);
      } catch (error) {
        s.row.status = 'error';
        s.row.reason = firstLine((error as Error).message);
      }
    }
    const spec = async (s: Server, durationS: number): Promise<LoadSpec> => ({
      url: `http://127.0.0.1:${s.port}/p`,
      ...requestFor(s.variant, ctx.token),
      connections: options.http.connections,
      durationS,
      pin: ctx.loadPin,
      ...(s.variant === 'jwt-extended-refresh' ? { script: await refreshScript(ctx.secret, options) } : {}),
    });
    if (options.http.warmupS > 0) {
      for (const s of live) await load(ctx.loadgen, await spec(s, options.http.warmupS)).catch(() => undefined);
    }
    for (let r = 0; r < options.http.rounds; r++) {
      for (let i = 0; i < live.length; i++) {
        const s = live[(i + r) % live.length]!;
        if (s.row.status !== 'ok') continue;
        let result: LoadResult;
        const request = await spec(s, options.http.durationS);
        const cpuBefore = processCpuUs(s.child?.pid);
        try {
          result = await load(ctx.loadgen, request);
        } catch (error) {
          s.row.status = 'error';
          s.row.reason = firstLine((error as Error).message);
          continue;
        }
        if (result.non2xx > 0) {
          s.row.status = 'error';
          s.row.reason = `${result.non2xx} of ${result.requests} answers were not 2xx`;
          continue;
        }
        if (result.socketErrors > result.requests * maxSocketErrorShare) {
          s.row.status = 'error';
          s.row.reason = `${result.socketErrors} socket errors/timeouts in ${result.requests} requests`;
          continue;
        }
        const cpuAfter = processCpuUs(s.child?.pid);
        s.row.rounds.push({
          rps: roundTo(result.rps),
          p99Ms: roundTo(result.p99Ms),
          requests: result.requests,
          socketErrors: result.socketErrors,
          cpuUs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
        });
      }
      log('.');
    }
  } finally {
    await Promise.all(servers.map((s) => (s.child ? stop(s.child) : undefined)));
  }
  const rows = servers.map((s) => s.row);
  summarize(rows);
  return rows;
}

export async function runHttp(options: BenchOptions, log: (s: string) => void): Promise<HttpResult> {
  const unknown = options.variants.filter((v) => !(variants as readonly string[]).includes(v));
  if (unknown.length > 0) throw new Error(`--variants: unknown ${unknown.join(', ')} (known: ${variants.join(', ')})`);
  const loadgen: LoadGenerator = options.loadgen ?? (hasCommand('wrk', ['-v']) ? 'wrk' : 'autocannon');
  const pinned = os.cpus().length >= 2 && hasCommand('taskset', ['-V']);
  const keys = makeKeys('HS256');
  // Long enough for the whole run; otherwise the exact flask layout of the micro token.
  const token = floorSigner(keys)(header('HS256'), accessClaims(Math.floor(Date.now() / 1000), 24 * 3600));
  const ctx = {
    secret: keys.signingString,
    token,
    options,
    loadgen,
    serverPin: pinned ? ['taskset', '-c', '0'] : [],
    loadPin: pinned ? ['taskset', '-c', '1'] : [],
    log,
  };
  // A framework named in --filter narrows the frameworks; other words (e.g. HS256) do not apply here.
  const named = frameworks.filter((f) => options.filter.some((x) => x.includes(f)));
  const selected = named.length > 0 ? named : frameworks;
  const rows: HttpRow[] = [];
  try {
    for (const fw of selected) {
      log(`  ${frameworkLabel[fw]} `);
      rows.push(...(await runFramework(fw, ctx)));
      log('\n');
    }
  } finally {
    killAll();
    if (tokenDir !== undefined) await rm(tokenDir, { recursive: true, force: true });
    tokenDir = undefined;
  }
  return { loadGenerator: loadgen, pinned, settings: options.http, token: { bytes: token.length }, rows };
}

export { frameworkLabel };
