/**
 * Turns results into the console tables, the JSON summary and the generated regions of
 * docs/benchmarks.md. The same table rows feed all three.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { RevocationResult } from '../revocation/run.js';
import type { MicroResult, MicroRow } from '../micro/run.js';
import type { HttpResult, HttpRow } from '../http/run.js';
import { frameworkLabel } from '../http/run.js';
import { busyWarning, describeMachine } from './machine.js';
import type { MachineInfo } from './machine.js';
import { formatNs, formatRatio, renderMarkdown, renderText } from './table.js';
import type { Table } from './table.js';
import { floorMultiple, targetCell } from './targets.js';
import type { Target } from './targets.js';

export interface Summary {
  schema: 'jwt-extended-bench/1';
  generatedAt: string;
  quick: boolean;
  argv: string[];
  machine: MachineInfo;
  micro: MicroResult | null;
  http: HttpResult | null;
  /** Revocation rows (bench/revocation/run.ts); absent from summaries written before they existed. */
  revocation?: RevocationResult | null;
  targets: Target[];
  /**
   * Every ratio in one flat map: micro `x floor` by row id, http `rps x bare` by row id, and per
   * framework `http.<framework>.jwt-extended-vs-floor` (added us over the floor's added us).
   */
  ratios: Record<string, number | null>;
  /** Rows that failed (not n/a): a broken harness or a broken library, never a slow one. */
  errors: string[];
}

const libraryOrder = ['floor', 'jwt-extended', 'jwt-extended-previous', 'fast-jwt', 'jsonwebtoken', 'jose'];

function statusWord(status: string): string {
  return status === 'n/a' ? 'n/a' : 'ERROR';
}

/** The reason goes in the last column so it does not stretch the number columns. */
function reasonText(status: string, reason: string | null): string {
  return status === 'n/a' ? `(${reason ?? 'unavailable'})` : (reason ?? '');
}

export function microTable(result: MicroResult, targets: readonly Target[]): Table {
  const rows = [...result.rows].sort(
    (a, b) =>
      result.rows.findIndex((r) => r.alg === a.alg) - result.rows.findIndex((r) => r.alg === b.alg) ||
      (a.op === b.op ? 0 : a.op === 'sign' ? -1 : 1) ||
      libraryOrder.indexOf(a.library) - libraryOrder.indexOf(b.library) ||
      result.rows.indexOf(a) - result.rows.indexOf(b),
  );
  return {
    head: ['alg', 'op', 'implementation', 'median', 'spread (min-max)', 'ops/s', 'x floor', 'target', 'note'],
    align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l', 'l'],
    rows: rows.map((r: MicroRow) =>
      r.ns === null
        ? [
            r.alg,
            r.op,
            r.label,
            statusWord(r.status),
            '',
            '',
            '',
            targetCell(r.id, targets),
            reasonText(r.status, r.reason),
          ]
        : [
            r.alg,
            r.op,
            r.label,
            formatNs(r.ns.median),
            `${formatNs(r.ns.min)} - ${formatNs(r.ns.max)}`,
            r.opsPerSec!.toLocaleString('en-US'),
            formatRatio(r.ratio),
            targetCell(r.id, targets),
            '',
          ],
    ),
  };
}

/** An added cost with its sign, or '-' when unknown. */
function signed(us: number | null): string {
  return us === null ? '-' : `${us >= 0 ? '+' : ''}${us.toFixed(2)}`;
}

export function httpTable(result: HttpResult, targets: readonly Target[]): Table {
  return {
    head: [
      'framework',
      'middleware',
      'req/s',
      'spread (min-max)',
      'p99',
      'us/req',
      '+us vs bare',
      'CPU us/req',
      '+CPU us vs bare',
      'x floor (+us)',
      'x bare rps',
      'target',
      'note',
    ],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    rows: result.rows.map((r: HttpRow) =>
      r.rps === null
        ? [
            frameworkLabel[r.framework],
            r.label,
            statusWord(r.status),
            '',
            '',
            '',
            '',
            '',
            '',
            '',
            '',
            targetCell(r.id, targets),
            reasonText(r.status, r.reason),
          ]
        : [
            frameworkLabel[r.framework],
            r.label,
            Math.round(r.rps.median).toLocaleString('en-US'),
            `${Math.round(r.rps.min).toLocaleString('en-US')} - ${Math.round(r.rps.max).toLocaleString('en-US')}`,
            `${r.p99Ms!.median.toFixed(2)} ms`,
            r.usPerRequest!.toFixed(2),
            r.variant === 'bare' ? '' : signed(r.addedUs),
            r.cpuUsPerRequest === null ? '-' : r.cpuUsPerRequest.toFixed(2),
            r.variant === 'bare' ? '' : signed(r.addedCpuUs),
            r.variant === 'bare' || r.variant === 'floor'
              ? ''
              : formatRatio(floorMultiple(result.rows, r.framework, r.variant)),
            r.variant === 'bare' ? '' : formatRatio(r.rpsRatio),
            targetCell(r.id, targets),
            '',
          ],
    ),
  };
}

/** The revocation rows (bench/revocation/run.ts), their ratio to the memory store, and the propagation line. */
export function revocationTable(result: RevocationResult): Table {
  const rows = result.rows.map((r) => [
    r.label,
    formatNs(r.ns.median),
    `${formatNs(r.ns.min)} - ${formatNs(r.ns.max)}`,
    formatRatio(r.vsMemory),
    r.serverUs === undefined ? '' : `${r.serverUs.toFixed(1)} us`,
  ]);
  const p = result.propagation;
  rows.push([
    `revocation on A refused on B (near-cache), over ${p.revocations.toLocaleString('en-US')} revocations`,
    `p50 ${p.p50Ms} ms`,
    `p99 ${p.p99Ms} ms, max ${p.maxMs} ms`,
    '',
    '',
  ]);
  for (const t of result.targets)
    rows.push([`target: ${t.description}`, String(t.value), `limit ${t.limit}`, t.status, '']);
  return {
    head: ['row', 'median', 'spread (min-max)', 'x memory store', 'redis-server CPU / request'],
    align: ['l', 'r', 'r', 'r', 'r'],
    rows,
  };
}

export function targetsTable(targets: readonly Target[]): Table {
  return {
    head: ['target', 'measured', 'limit', 'status'],
    align: ['l', 'r', 'r', 'l'],
    rows: targets.map((t) => {
      const fmt = (v: number | null) => (v === null ? '-' : t.unit === 'us' ? `${v.toFixed(2)} us` : formatRatio(v));
      return [t.description, fmt(t.value), fmt(t.limit), t.status];
    }),
  };
}

export function printText(summary: Summary): string {
  const out: string[] = [];
  out.push(
    `machine: ${describeMachine(summary.machine)}${summary.quick ? '   [QUICK MODE: timings mean nothing]' : ''}`,
  );
  const busy = busyWarning(summary.machine);
  if (busy !== null) out.push(busy);
  if (summary.micro) {
    const t = summary.micro.token.map((x) => `${x.alg} ${x.bytes} B`).join(', ');
    const s = summary.micro.settings;
    out.push(
      '',
      `Micro (token sizes: ${t}; ${s.rounds} rounds x ${s.roundMs} ms after ${s.warmupMs} ms warm-up; median ns/op)`,
    );
    out.push(renderText(microTable(summary.micro, summary.targets)));
  }
  if (summary.http) {
    const h = summary.http;
    out.push(
      '',
      `HTTP (GET /p, ${h.loadGenerator}, ${h.settings.connections} connections, ${h.settings.rounds} rounds x ${h.settings.durationS} s` +
        `${h.settings.warmupS > 0 ? ` after ${h.settings.warmupS} s warm-up` : ''}, ${h.pinned ? 'server on CPU 0, load on CPU 1' : 'not pinned'})`,
    );
    out.push(renderText(httpTable(h, summary.targets)));
  }
  if (summary.targets.length > 0)
    out.push('', 'Targets (information only; never fail the run)', renderText(targetsTable(summary.targets)));
  if (summary.errors.length > 0) out.push('', `Errors: ${summary.errors.join('; ')}`);
  return `${out.join('\n')}\n`;
}

export function buildRatios(micro: MicroResult | null, http: HttpResult | null): Record<string, number | null> {
  const ratios: Record<string, number | null> = {};
  for (const r of micro?.rows ?? []) ratios[r.id] = r.ratio;
  for (const r of http?.rows ?? []) ratios[`http.${r.id}`] = r.rpsRatio;
  // jwt-extended's added us/request as a multiple of the floor middleware's, per framework.
  for (const fw of new Set((http?.rows ?? []).map((r) => r.framework))) {
    ratios[`http.${fw}.jwt-extended-vs-floor`] = floorMultiple(http!.rows, fw);
    // The rows of what only jwt-extended does (and the previous build), against the same floor.
    for (const r of http!.rows) {
      if (r.framework === fw && r.variant.startsWith('jwt-extended-')) {
        ratios[`http.${fw}.${r.variant}-vs-floor`] = floorMultiple(http!.rows, fw, r.variant);
      }
    }
  }
  return ratios;
}

export async function writeJson(file: string, summary: Summary): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
}

function replaceRegion(doc: string, name: string, body: string): string {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/benchmarks.md has no ${begin} ... ${end} region`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}

/** Rewrites only the generated regions of the doc; the prose around them stays as written. */
export async function updateDocs(file: string, summary: Summary): Promise<void> {
  let doc = await readFile(file, 'utf8');
  const when = summary.generatedAt.slice(0, 10);
  const busy = busyWarning(summary.machine);
  const machine = `Measured ${when} on ${describeMachine(summary.machine)}; load average ${summary.machine.loadAvgAtStart} at start.${busy === null ? '' : ' **The machine was busy with other work: treat these numbers as rough.**'}`;
  if (summary.micro) {
    const s = summary.micro.settings;
    const sizes = summary.micro.token.map((x) => `${x.alg} ${x.bytes} bytes`).join(', ');
    doc = replaceRegion(
      doc,
      'micro',
      [
        machine,
        `${s.rounds} rounds of ${s.roundMs} ms after ${s.warmupMs} ms of warm-up per row; median time per call, spread is min-max over the rounds. Token sizes: ${sizes}.`,
        '',
        renderMarkdown(microTable(summary.micro, summary.targets)),
      ].join('\n'),
    );
  }
  if (summary.http) {
    const h = summary.http;
    doc = replaceRegion(
      doc,
      'http',
      [
        machine,
        `${h.loadGenerator}, ${h.settings.connections} connections, ${h.settings.rounds} rounds of ${h.settings.durationS} s after ${h.settings.warmupS} s of warm-up per server; ${h.pinned ? 'server pinned to CPU 0 and load generator to CPU 1 with `taskset`' : 'not pinned'}. Medians over the rounds.`,
        '',
        renderMarkdown(httpTable(h, summary.targets)),
      ].join('\n'),
    );
  }
  if (summary.revocation) {
    const r = summary.revocation;
    doc = replaceRegion(
      doc,
      'revocation',
      [
        machine,
        `${r.settings.rounds} rounds of ${r.settings.roundMs} ms after ${r.settings.warmupMs} ms of warm-up per row, rows round-robin; median time per authorized request (HS256 bearer, \`authorize\`), spread is min-max over the rounds.`,
        '',
        renderMarkdown(revocationTable(r)),
      ].join('\n'),
    );
  }
  // The targets table spans both parts: only a run of both rewrites it.
  if (summary.micro && summary.http) doc = replaceRegion(doc, 'targets', renderMarkdown(targetsTable(summary.targets)));
  await writeFile(file, doc);
}
