/**
 * The HTTP floor rows: each server's `floor` variant must really guard the route (200 and the
 * identity with a good token, 401 without one or with a tampered one), and the floor targets and
 * ratios must be computed from the rows as docs/benchmarks.md says. No load is generated here.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HttpRow } from '../../bench/http/run.js';
import { buildRatios } from '../../bench/lib/report.js';
import { floorMultiple, floorMultipleLimits, httpTargets } from '../../bench/lib/targets.js';

const root = resolve(import.meta.dirname, '..', '..');
const secret = randomBytes(32).toString('base64url');
const children: ChildProcess[] = [];

function sign(payload: object): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Starts one server with BENCH_VARIANT=floor and resolves with its port. */
function startFloor(framework: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/http/servers/${framework}.ts`], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, BENCH_VARIANT: 'floor', BENCH_SECRET: secret, NODE_ENV: 'production' },
  });
  children.push(child);
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const msg = JSON.parse(out.slice(0, nl)) as { event: string; port?: number };
      if (msg.event === 'ready' && typeof msg.port === 'number') done(msg.port);
      else fail(new Error(out));
    });
    child.once('exit', (code) => fail(new Error(`exited with ${code}: ${err}`)));
  });
}

afterAll(() => {
  // Closing stdin is the servers' own exit signal (bench/http/servers/common.ts).
  for (const child of children) child.stdin?.end();
});

describe.each(['express', 'fastify', 'hono', 'koa'])('%s floor server', (framework) => {
  it('answers 200 with the identity for a good token, 401 otherwise', async () => {
    const port = await startFloor(framework);
    const url = `http://127.0.0.1:${port}/p`;
    const token = sign({ sub: 'test', roles: ['foo', 'bar'] });
    const good = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ ok: true, sub: 'test' });
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${s}`;
    const refused: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${tampered}` },
      { authorization: `Basic ${token}` },
    ];
    for (const headers of refused) {
      const bad = await fetch(url, { headers });
      await bad.arrayBuffer();
      expect(bad.status, JSON.stringify(headers)).toBe(401);
    }
  }, 30_000);
});

function row(
  framework: HttpRow['framework'],
  variant: HttpRow['variant'],
  addedUs: number | null,
  addedCpuUs: number | null = null,
): HttpRow {
  return {
    id: `${framework}.${variant}`,
    framework,
    variant,
    label: variant,
    status: 'ok',
    reason: null,
    rps: null,
    p99Ms: null,
    usPerRequest: null,
    addedUs,
    rpsRatio: variant === 'bare' ? null : 0.5,
    cpuUsPerRequest: null,
    addedCpuUs,
    rounds: [],
  };
}

describe('floor targets and ratios', () => {
  const rows: HttpRow[] = [
    ...(['express', 'fastify', 'hono', 'koa'] as const).flatMap((fw) => [
      row(fw, 'bare', null),
      row(fw, 'floor', 10),
      row(fw, 'usual', 100),
    ]),
    row('express', 'jwt-extended', 14),
    row('fastify', 'jwt-extended', 5),
    row('hono', 'jwt-extended', 16),
    row('koa', 'jwt-extended', 20),
  ];

  it('holds Express, Hono and Koa to 1.5x the floor and Fastify to 1.2x', () => {
    const targets = httpTargets(rows);
    const floor = targets.filter((t) => t.id.endsWith('.http.jwt-extended-vs-floor'));
    expect(floor.map((t) => [t.id, t.value, t.limit, t.unit, t.status])).toEqual([
      ['express.http.jwt-extended-vs-floor', 1.4, 1.5, 'ratio', 'PASS'],
      ['fastify.http.jwt-extended-vs-floor', 0.5, 1.2, 'ratio', 'PASS'],
      ['hono.http.jwt-extended-vs-floor', 1.6, 1.5, 'ratio', 'MISS'],
      ['koa.http.jwt-extended-vs-floor', 2, 1.5, 'ratio', 'MISS'],
    ]);
    expect(floorMultipleLimits).toEqual({ express: 1.5, fastify: 1.2, hono: 1.5, koa: 1.5 });
    // No absolute budget any more: every framework is held to a multiple of its own floor.
    expect(targets.map((t) => t.id)).not.toContain('fastify.http.jwt-extended-budget');
  });

  it('reads the rows of what only jwt-extended does against the same floor', () => {
    const extra = [...rows, row('koa', 'jwt-extended-revocation', 25)];
    expect(floorMultiple(extra, 'koa', 'jwt-extended-revocation')).toBe(2.5);
    const ratios = buildRatios(null, {
      loadGenerator: 'wrk',
      pinned: true,
      settings: {} as never,
      token: { bytes: 1 },
      rows: extra,
    });
    expect(ratios['http.koa.jwt-extended-revocation-vs-floor']).toBe(2.5);
  });

  it('puts every framework floor multiple in the ratios, Fastify included', () => {
    const ratios = buildRatios(null, {
      loadGenerator: 'wrk',
      pinned: true,
      settings: {} as never,
      token: { bytes: 1 },
      rows,
    });
    expect(ratios['http.fastify.jwt-extended-vs-floor']).toBe(0.5);
    expect(ratios['http.koa.jwt-extended-vs-floor']).toBe(2);
    expect(ratios['http.express.floor']).toBe(0.5);
  });

  it('compares server CPU time per request when both rows have it, wall time otherwise', () => {
    // Wall time says 3x (a busy machine stretched the jwt-extended rounds); CPU time says 1.2x.
    const both = [row('express', 'floor', 10, 10), row('express', 'jwt-extended', 30, 12)];
    expect(floorMultiple(both, 'express')).toBe(1.2);
    const target = httpTargets([...both, row('express', 'usual', 100, 11)]);
    expect(target.find((t) => t.id === 'express.http.jwt-extended-vs-usual')).toMatchObject({
      value: 12,
      limit: 11,
      status: 'MISS',
    });
    // One row without CPU time: both are read in wall time, never one of each.
    const mixed = [row('express', 'floor', 10, 10), row('express', 'jwt-extended', 30, null)];
    expect(floorMultiple(mixed, 'express')).toBe(3);
  });

  it('gives no multiple when the floor added nothing measurable', () => {
    const noisy = [row('koa', 'floor', -1), row('koa', 'jwt-extended', 5)];
    expect(floorMultiple(noisy, 'koa')).toBeNull();
    expect(httpTargets(noisy).find((t) => t.id === 'koa.http.jwt-extended-vs-floor')?.status).toBe('n/a');
  });
});
