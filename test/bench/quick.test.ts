/**
 * The benchmark harness still runs: its quick mode (micro part) finishes and writes a well-formed
 * JSON summary with a ratio for every measured row. Timings are never judged here.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

interface Row {
  id: string;
  alg: string;
  op: string;
  library: string;
  status: 'ok' | 'n/a' | 'error';
  reason: string | null;
  ratio: number | null;
  ns: { median: number; min: number; max: number } | null;
  rounds: number[];
}

interface Summary {
  schema: string;
  quick: boolean;
  machine: { cpu: string; cores: number; node: string };
  micro: { rows: Row[]; settings: { rounds: number } };
  http: unknown;
  targets: { id: string; rowId: string; status: string; value: number | null; limit: number | null; unit: string }[];
  ratios: Record<string, number | null>;
  errors: string[];
}

/** The request-pipeline rows: no cache, cache hit, OPTIONS (the baseline of a hit's cost). */
const pipelineIds = [
  'HS256.verify.jwt-extended-authorize',
  'HS256.verify.jwt-extended-authorize-cached',
  'HS256.verify.jwt-extended-authorize-options',
] as const;

let dir: string;
let summary: Summary;
let exitCode: number | null;
let stderr: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jwt-extended-bench-'));
  const out = join(dir, 'quick.json');
  ({ exitCode, stderr } = await new Promise<{ exitCode: number | null; stderr: string }>((done) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--only=micro', '--no-docs', `--out=${out}`],
      { cwd: root, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 },
      (_error, _stdout, err) => done({ exitCode: child.exitCode, stderr: err }),
    );
  }));
  summary = JSON.parse(await readFile(out, 'utf8')) as Summary;
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run bench -- --quick (micro)', () => {
  it('exits 0 and reports no failed rows', () => {
    expect(summary.errors, stderr).toEqual([]);
    expect(exitCode, stderr).toBe(0);
  });

  it('writes the summary header', () => {
    expect(summary.schema).toBe('jwt-extended-bench/1');
    expect(summary.quick).toBe(true);
    expect(summary.machine.cpu).toEqual(expect.any(String));
    expect(summary.machine.cores).toBeGreaterThan(0);
    expect(summary.machine.node).toBe(process.version);
    expect(summary.http).toBeNull();
  });

  it('has a floor and every peer for each algorithm and operation', () => {
    for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA']) {
      for (const op of ['sign', 'verify']) {
        const ids = summary.micro.rows.filter((r) => r.alg === alg && r.op === op).map((r) => r.id);
        const expected = [`${alg}.${op}.floor`, `${alg}.${op}.fast-jwt`, `${alg}.${op}.jose`];
        if (alg !== 'EdDSA') expected.push(`${alg}.${op}.jsonwebtoken-keyobject`, `${alg}.${op}.jsonwebtoken-string`);
        expected.push(`${alg}.${op}.jwt-extended`, `${alg}.${op}.jwt-extended-engine`);
        expect(ids).toEqual(expect.arrayContaining(expected));
      }
    }
  });

  it('gives every measured row a ratio to the floor, and every other row a reason', () => {
    for (const row of summary.micro.rows) {
      expect(['ok', 'n/a'], row.id).toContain(row.status);
      expect(summary.ratios, row.id).toHaveProperty([row.id]);
      expect(summary.ratios[row.id], row.id).toBe(row.ratio);
      if (row.status === 'ok') {
        expect(row.ratio, row.id).toEqual(expect.any(Number));
        expect(Number.isFinite(row.ratio) && row.ratio! > 0, row.id).toBe(true);
        expect(row.ns!.median, row.id).toBeGreaterThan(0);
        expect(row.rounds, row.id).toHaveLength(summary.micro.settings.rounds);
      } else {
        expect(row.ratio, row.id).toBeNull();
        expect(row.reason, row.id).toEqual(expect.any(String));
      }
      if (row.library === 'floor') expect(row.ratio, row.id).toBe(1);
      // Peers must run, except what the library cannot do at all.
      if (row.library !== 'jwt-extended' && row.status !== 'ok') expect(row.reason).toMatch(/unsupported/);
    }
  });

  it('has the request-pipeline rows (no cache, cache hit, OPTIONS), measured after their checks', () => {
    for (const id of pipelineIds) {
      const row = summary.micro.rows.find((r) => r.id === id);
      expect(row, id).toBeDefined();
      expect(row!.status, `${id}: ${row!.reason}`).toBe('ok');
      expect(row!.ns!.median, id).toBeGreaterThan(0);
    }
  });

  it('reports the cost of a cache hit against a 1 us budget', () => {
    const target = summary.targets.find((t) => t.id === 'HS256.verify.jwt-extended-authorize-cached.target');
    expect(target).toBeDefined();
    expect(target!.rowId).toBe('HS256.verify.jwt-extended-authorize-cached');
    expect(target!.unit).toBe('us');
    expect(target!.limit).toBe(1);
    const median = (id: string) => summary.micro.rows.find((r) => r.id === id)!.ns!.median;
    const hit = (median(pipelineIds[1]) - median(pipelineIds[2])) / 1000;
    expect(target!.value).toBeCloseTo(hit, 2);
    expect(target!.status).toBe(target!.value! <= 1 ? 'PASS' : 'MISS');
  });

  it('lists a PASS/MISS/n/a target for every jwt-extended row but the cache-less pipeline rows', () => {
    const ours = summary.micro.rows.filter(
      (r) => r.library === 'jwt-extended' && r.id !== pipelineIds[0] && r.id !== pipelineIds[2],
    );
    for (const row of ours) {
      const target = summary.targets.find((t) => t.rowId === row.id);
      expect(target, row.id).toBeDefined();
      expect(['PASS', 'MISS', 'n/a']).toContain(target!.status);
    }
  });
});
