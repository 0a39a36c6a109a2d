/**
 * The targets. They are information for the tables (a PASS/MISS column) and the JSON
 * summary; nothing here ever changes the exit code.
 */
import type { MicroRow } from '../micro/run.js';
import type { HttpRow } from '../http/run.js';
import { authorizeIds } from '../micro/ours.js';
import { keyRowIds } from '../micro/keys.js';

export type TargetStatus = 'PASS' | 'MISS' | 'n/a';

export interface Target {
  id: string;
  /** The row the target is read from. */
  rowId: string;
  description: string;
  status: TargetStatus;
  /** The measured value and the limit it is held to, both in `unit`. */
  value: number | null;
  limit: number | null;
  /** `ratio`: a multiple (x floor, x floor's added cost); `us`: microseconds. */
  unit: 'ratio' | 'us';
}

/** The verified-token cache's budget for one hit, in microseconds. */
export const cacheHitBudgetUs = 1;

/**
 * What a cache hit costs: authorize with a hit minus authorize of an OPTIONS request on the same
 * manager. OPTIONS returns before the token is located, so the difference is everything a hit
 * request does beyond entering the pipeline: header lookup and `Bearer` parse, the cache lookup
 * (with its `exp` check and LRU re-insert), the flask checks and saving the state. An upper bound
 * on the cache's own work, so the target cannot pass by leaving something out.
 */
export function cacheHitUs(rows: readonly MicroRow[]): number | null {
  const cached = rows.find((r) => r.id === authorizeIds.cached);
  const entry = rows.find((r) => r.id === authorizeIds.options);
  if (cached?.ns == null || entry?.ns == null) return null;
  return Math.round(cached.ns.median - entry.ns.median) / 1000;
}

/** Verifying through a keyring or a cached remote JWKS costs at most this multiple of one key. */
export const keyLookupLimit = 1.1;

/** A keyring / remote-JWKS row against the one-key `decodeTokenSync` row of the same run. */
function keyRowTarget(row: MicroRow, single: MicroRow | undefined): Target {
  const ratio =
    row.ns == null || single?.ns == null ? null : Math.round((row.ns.median / single.ns.median) * 1000) / 1000;
  return {
    id: `${row.id}.target`,
    rowId: row.id,
    description: `${row.alg} verify (${row.label}): <= ${keyLookupLimit}x the one-key decodeTokenSync`,
    status: ratio === null ? 'n/a' : ratio <= keyLookupLimit ? 'PASS' : 'MISS',
    value: ratio,
    limit: keyLookupLimit,
    unit: 'ratio',
  };
}

function microLimit(row: MicroRow): number {
  if (row.alg === 'HS256') return row.op === 'verify' ? 1.25 : 1.2;
  return 1.05;
}

/** A WebCrypto-engine row: its time as a multiple of jose's for the same job, at most 1.0. */
function webCryptoTarget(row: MicroRow, rows: readonly MicroRow[]): Target {
  const jose = rows.find((r) => r.id === `${row.alg}.${row.op}.jose`);
  const value = row.ns == null || jose?.ns == null ? null : Math.round((row.ns.median / jose.ns.median) * 100) / 100;
  return {
    id: `${row.id}.target`,
    rowId: row.id,
    description: `${row.alg} ${row.op} (${row.label}): <= 1.0x jose (the WebCrypto peer)`,
    status: value === null ? 'n/a' : value <= 1 ? 'PASS' : 'MISS',
    value,
    limit: 1,
    unit: 'ratio',
  };
}

export function microTargets(rows: readonly MicroRow[]): Target[] {
  const targets: Target[] = [];
  const pipelineIds: readonly string[] = Object.values(authorizeIds);
  for (const row of rows) {
    if (row.library !== 'jwt-extended') continue;
    // The pipeline rows are not a verifier against the floor; the cache target below covers them.
    if (pipelineIds.includes(row.id)) continue;
    // Key-management rows are held to the one-key row instead (below).
    const keyIds = keyRowIds(row.alg);
    if (row.id === keyIds.keyring || row.id === keyIds.remote) {
      targets.push(
        keyRowTarget(
          row,
          rows.find((r) => r.id === keyIds.single),
        ),
      );
      continue;
    }
    // The WebCrypto engine's rows compare with jose (the WebCrypto peer), not the node:crypto floor.
    if (row.id.endsWith('-webcrypto')) {
      targets.push(webCryptoTarget(row, rows));
      continue;
    }
    const limit = microLimit(row);
    const parts = [`<= ${limit}x floor`];
    let status: TargetStatus = row.ratio === null ? 'n/a' : row.ratio <= limit ? 'PASS' : 'MISS';
    if (row.alg === 'HS256') {
      parts.push('faster than fast-jwt');
      const peer = rows.find((r) => r.id === `HS256.${row.op}.fast-jwt`);
      if (status === 'PASS') {
        if (row.ns === null || peer?.ns == null) status = 'n/a';
        else if (!(row.ns.median < peer.ns.median)) status = 'MISS';
      }
    }
    targets.push({
      id: `${row.id}.target`,
      rowId: row.id,
      description: `${row.alg} ${row.op} (${row.label}): ${parts.join(' and ')}`,
      status,
      value: row.ratio,
      limit,
      unit: 'ratio',
    });
  }
  const cached = rows.find((r) => r.id === authorizeIds.cached);
  if (cached !== undefined) {
    const hit = cacheHitUs(rows);
    targets.push({
      id: `${cached.id}.target`,
      rowId: cached.id,
      description: `verified-token cache: a hit costs <= ${cacheHitBudgetUs} us (authorize with a hit - authorize of OPTIONS)`,
      status: hit === null ? 'n/a' : hit <= cacheHitBudgetUs ? 'PASS' : 'MISS',
      value: hit,
      limit: cacheHitBudgetUs,
      unit: 'us',
    });
  }
  return targets;
}

/**
 * jwt-extended's added cost may be at most this multiple of the floor middleware's, per framework:
 * 1.5x on the node:http-class frameworks, 1.2x on Fastify (whose floor row costs the least).
 */
export const floorMultipleLimits: Readonly<Record<string, number>> = {
  express: 1.5,
  fastify: 1.2,
  hono: 1.5,
  koa: 1.5,
};

/**
 * What two rows' added costs are compared in: the server's CPU time per request over bare's when
 * both rows have it (it holds on a shared machine), else the wall-clock `1e6 / rps` over bare's.
 */
export function addedCosts(a: HttpRow, b: HttpRow): [number | null, number | null] {
  return a.addedCpuUs != null && b.addedCpuUs != null ? [a.addedCpuUs, b.addedCpuUs] : [a.addedUs, b.addedUs];
}

/**
 * jwt-extended's added cost per request over the floor middleware's, on one framework (in server
 * CPU time where it was read, see {@link addedCosts}). `null` when a row is missing or the floor
 * added nothing measurable (a noise-level or negative floor would make any multiple meaningless).
 */
export function floorMultiple(
  rows: readonly HttpRow[],
  framework: string,
  variant: string = 'jwt-extended',
): number | null {
  const ours = rows.find((r) => r.framework === framework && r.variant === variant);
  const floor = rows.find((r) => r.framework === framework && r.variant === 'floor');
  if (ours === undefined || floor === undefined) return null;
  const [mine, floors] = addedCosts(ours, floor);
  if (mine == null || floors == null || floors <= 0) return null;
  return Math.round((mine / floors) * 1000) / 1000;
}

export function httpTargets(rows: readonly HttpRow[]): Target[] {
  const targets: Target[] = [];
  const frameworks = [...new Set(rows.map((r) => r.framework))];
  for (const fw of frameworks) {
    const ours = rows.find((r) => r.framework === fw && r.variant === 'jwt-extended');
    const usual = rows.find((r) => r.framework === fw && r.variant === 'usual');
    if (ours === undefined) continue;
    const [mine, theirs] = usual === undefined ? [ours.addedUs, null] : addedCosts(ours, usual);
    targets.push({
      id: `${fw}.http.jwt-extended-vs-usual`,
      rowId: ours.id,
      description: `${fw}: jwt-extended adds fewer us/request than ${usual?.label ?? 'the usual middleware'}`,
      status: mine == null || theirs == null ? 'n/a' : mine < theirs ? 'PASS' : 'MISS',
      value: mine,
      limit: theirs,
      unit: 'us',
    });
    const limit = floorMultipleLimits[fw];
    if (limit !== undefined) {
      const multiple = floorMultiple(rows, fw);
      targets.push({
        id: `${fw}.http.jwt-extended-vs-floor`,
        rowId: ours.id,
        description: `${fw}: jwt-extended added cost <= ${limit}x floor added cost`,
        status: multiple === null ? 'n/a' : multiple <= limit ? 'PASS' : 'MISS',
        value: multiple,
        limit,
        unit: 'ratio',
      });
    }
  }
  return targets;
}

/** One cell for a row: every target of that row, worst first. */
export function targetCell(rowId: string, targets: readonly Target[]): string {
  const mine = targets.filter((t) => t.rowId === rowId);
  if (mine.length === 0) return '';
  if (mine.some((t) => t.status === 'MISS')) return 'MISS';
  if (mine.some((t) => t.status === 'n/a')) return 'n/a';
  return 'PASS';
}
