/**
 * The targets. They are information for the tables (a PASS/MISS column) and the JSON
 * summary; nothing here ever changes the exit code.
 */
import type { MicroRow } from '../micro/run.js';
import type { HttpRow } from '../http/run.js';

export type TargetStatus = 'PASS' | 'MISS' | 'n/a';

export interface Target {
  id: string;
  /** The row the target is read from. */
  rowId: string;
  description: string;
  status: TargetStatus;
  /** The measured value and the limit it is held to (ratio, or microseconds for HTTP). */
  value: number | null;
  limit: number | null;
}

function microLimit(row: MicroRow): number {
  if (row.alg === 'HS256') return row.op === 'verify' ? 1.25 : 1.3;
  return 1.05;
}

export function microTargets(rows: readonly MicroRow[]): Target[] {
  const targets: Target[] = [];
  for (const row of rows) {
    if (row.library !== 'jwt-extended') continue;
    const limit = microLimit(row);
    const parts = [`<= ${limit}x floor`];
    let status: TargetStatus = row.ratio === null ? 'n/a' : row.ratio <= limit ? 'PASS' : 'MISS';
    if (row.alg === 'HS256' && row.op === 'verify') {
      parts.push('faster than fast-jwt');
      const peer = rows.find((r) => r.id === 'HS256.verify.fast-jwt');
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
    });
  }
  return targets;
}

/** Fastify's own budget for jwt-extended, in microseconds per request. */
export const fastifyBudgetUs = 6;

export function httpTargets(rows: readonly HttpRow[]): Target[] {
  const targets: Target[] = [];
  const frameworks = [...new Set(rows.map((r) => r.framework))];
  for (const fw of frameworks) {
    const ours = rows.find((r) => r.framework === fw && r.variant === 'jwt-extended');
    const usual = rows.find((r) => r.framework === fw && r.variant === 'usual');
    if (ours === undefined) continue;
    const known = ours.addedUs !== null && usual?.addedUs != null;
    targets.push({
      id: `${fw}.http.jwt-extended-vs-usual`,
      rowId: ours.id,
      description: `${fw}: jwt-extended adds fewer us/request than ${usual?.label ?? 'the usual middleware'}`,
      status: !known ? 'n/a' : ours.addedUs! < usual!.addedUs! ? 'PASS' : 'MISS',
      value: ours.addedUs,
      limit: usual?.addedUs ?? null,
    });
    if (fw === 'fastify') {
      targets.push({
        id: `${fw}.http.jwt-extended-budget`,
        rowId: ours.id,
        description: `fastify: jwt-extended adds at most ${fastifyBudgetUs} us/request`,
        status: ours.addedUs === null ? 'n/a' : ours.addedUs <= fastifyBudgetUs ? 'PASS' : 'MISS',
        value: ours.addedUs,
        limit: fastifyBudgetUs,
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
