/**
 * Micro benchmark: sign and verify of one realistic access token per algorithm, every library
 * against the floor. Rows of one (algorithm, operation) group are measured round-robin (round r
 * runs every row once, starting at a rotating position), so slow drifts of the machine hit all
 * rows alike and the ratios, taken between medians of the same run, stay fair.
 */
import { isDeepStrictEqual } from 'node:util';
import { round as roundTo, roundSpread, spread } from '../lib/stats.js';
import type { Spread } from '../lib/stats.js';
import { firstLine } from '../lib/optional.js';
import type { BenchOptions } from '../lib/options.js';
import type { Candidate, Library, Op } from './candidates.js';
import { accessClaims, algorithms, header, makeKeys } from './fixtures.js';
import type { Alg, KeySet } from './fixtures.js';
import { floorSigner, floorVerifier } from './floor.js';
import type { Verifier } from './floor.js';
import { ourCandidates } from './ours.js';
import { peerCandidates } from './peers.js';
import { drainSink, round, warmUp } from './timer.js';
import type { Timed } from './timer.js';

export type RowStatus = 'ok' | 'n/a' | 'error';

export interface MicroRow {
  id: string;
  alg: Alg;
  op: Op;
  library: Library;
  label: string;
  status: RowStatus;
  /** Why the row has no timing (`not built yet`, `unsupported by ...`, or the error). */
  reason: string | null;
  note: string | null;
  /** Nanoseconds per call over the rounds. */
  ns: Spread | null;
  opsPerSec: number | null;
  /** median / floor median of the same (alg, op); null when the row has no timing. */
  ratio: number | null;
  rounds: number[];
}

export interface MicroResult {
  floorDefinition: { sign: string; verify: string };
  token: { alg: Alg; bytes: number; header: string; payload: string }[];
  settings: BenchOptions['micro'];
  rows: MicroRow[];
}

export const floorDefinition = {
  sign: 'JSON.stringify header+payload, base64url both, one MAC/signature (node:crypto, key imported once), base64url',
  verify:
    'split, MAC (timingSafeEqual) or signature check over the signing input (key imported once), base64url-decode + JSON.parse of header and payload; no claim checks',
};

function payloadOf(result: unknown): Record<string, unknown> | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  if (typeof r.sub === 'string') return r;
  for (const key of ['payload', 'claims']) {
    const inner = r[key];
    if (inner !== null && typeof inner === 'object') return inner as Record<string, unknown>;
  }
  return undefined;
}

/** A row only counts if it does the real job: signs something the floor accepts, verifies and rejects. */
async function check(c: Candidate, floorVerify: Verifier): Promise<void> {
  if (c.selfCheck !== undefined) {
    c.selfCheck();
    return;
  }
  const result = await c.run!();
  if (c.op === 'sign') {
    if (typeof result !== 'string') throw new Error('sign did not return a string');
    const payload = floorVerify(result);
    const head = JSON.parse(Buffer.from(result.split('.')[0] ?? '', 'base64url').toString()) as { alg?: unknown };
    if (head.alg !== c.alg) throw new Error(`signed with alg ${String(head.alg)}`);
    if (payload.sub !== 'test' || !isDeepStrictEqual(payload.roles, ['foo', 'bar'])) {
      throw new Error('signed payload lacks sub/roles');
    }
    return;
  }
  const payload = payloadOf(result);
  if (payload?.sub !== 'test' || !isDeepStrictEqual(payload.roles, ['foo', 'bar'])) {
    throw new Error('verify did not return the payload');
  }
  const twin = tamperedRuns.get(c);
  if (twin === undefined) throw new Error('harness bug: no tampered twin');
  let accepted: boolean;
  try {
    await twin();
    accepted = true;
  } catch {
    accepted = false;
  }
  if (accepted) throw new Error('accepted a token with a modified payload');
}

/** Each verify row closes over its token: its twin is the same row built on a tampered token. */
const tamperedRuns = new WeakMap<Candidate, () => unknown>();

interface Group {
  alg: Alg;
  op: Op;
  candidates: Candidate[];
}

async function buildGroups(
  keys: KeySet,
  filter: readonly string[],
  baseline: string | null,
): Promise<{ groups: Group[]; token: MicroResult['token'][number]; floorVerify: Verifier }> {
  const { alg } = keys;
  const claims = accessClaims();
  const hdr = header(alg);
  const sign = floorSigner(keys);
  const verify = floorVerifier(keys);
  const token = sign(hdr, claims);
  const [h, p, s] = token.split('.') as [string, string, string];
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${s}`;

  const make = async (t: string): Promise<Candidate[]> => [
    {
      id: `${alg}.sign.floor`,
      alg,
      op: 'sign',
      library: 'floor',
      label: 'floor (bare node:crypto)',
      run: () => sign(hdr, claims),
    },
    {
      id: `${alg}.verify.floor`,
      alg,
      op: 'verify',
      library: 'floor',
      label: 'floor (bare node:crypto)',
      run: () => verify(t),
    },
    ...(await ourCandidates({ keys, claims, token: t, baseline })),
    ...(await peerCandidates({ keys, claims, token: t })),
  ];
  const all = await make(token);
  // Same rows again, bound to the tampered token: used once, by the correctness check.
  const bad = await make(tampered);
  for (const c of all) {
    const twin = bad.find((b) => b.id === c.id);
    if (c.op === 'verify' && twin?.run !== undefined) tamperedRuns.set(c, twin.run);
  }
  const selected = all.filter(
    (c) => c.library === 'floor' || filter.length === 0 || filter.some((f) => c.id.includes(f)),
  );
  const groups: Group[] = (['sign', 'verify'] as const).map((op) => ({
    alg,
    op,
    candidates: selected.filter((c) => c.op === op),
  }));
  return {
    groups,
    token: { alg, bytes: token.length, header: JSON.stringify(hdr), payload: Buffer.from(p, 'base64url').toString() },
    floorVerify: verify,
  };
}

function emptyRow(c: Candidate, status: RowStatus, reason: string | null): MicroRow {
  return {
    id: c.id,
    alg: c.alg,
    op: c.op,
    library: c.library,
    label: c.label,
    status,
    reason,
    note: c.note ?? null,
    ns: null,
    opsPerSec: null,
    ratio: null,
    rounds: [],
  };
}

async function measureGroup(
  group: Group,
  settings: BenchOptions['micro'],
  floorVerify: Verifier,
  log: (s: string) => void,
): Promise<MicroRow[]> {
  const rows = new Map<string, MicroRow>();
  const timed = new Map<string, Timed>();
  for (const c of group.candidates) {
    if (c.run === undefined) {
      rows.set(c.id, emptyRow(c, 'n/a', c.unavailable ?? 'unavailable'));
      continue;
    }
    try {
      await check(c, floorVerify);
      timed.set(c.id, { run: c.run, async: c.async === true, batch: 1 });
      rows.set(c.id, emptyRow(c, 'ok', null));
    } catch (error) {
      rows.set(c.id, emptyRow(c, 'error', `failed its correctness check: ${firstLine((error as Error).message)}`));
    }
  }
  const live = group.candidates.filter((c) => timed.has(c.id));
  const batchMs = Math.max(0.5, settings.roundMs / 20);
  for (const c of live) await warmUp(timed.get(c.id)!, settings.warmupMs, batchMs);
  for (let r = 0; r < settings.rounds; r++) {
    for (let i = 0; i < live.length; i++) {
      const c = live[(i + r) % live.length]!;
      rows.get(c.id)!.rounds.push(await round(timed.get(c.id)!, settings.roundMs));
    }
    log('.');
  }
  const floorRow = rows.get(`${group.alg}.${group.op}.floor`);
  const floorMedian = floorRow?.status === 'ok' ? spread(floorRow.rounds).median : Number.NaN;
  for (const row of rows.values()) {
    if (row.status !== 'ok') continue;
    const s = spread(row.rounds);
    row.ns = roundSpread(s);
    row.opsPerSec = Math.round(1e9 / s.median);
    row.ratio = Number.isFinite(floorMedian) ? roundTo(s.median / floorMedian) : null;
    row.rounds = row.rounds.map((v) => roundTo(v));
  }
  return group.candidates.map((c) => rows.get(c.id)!);
}

export async function runMicro(options: BenchOptions, log: (s: string) => void): Promise<MicroResult> {
  const rows: MicroRow[] = [];
  const tokens: MicroResult['token'] = [];
  // An algorithm named in --filter narrows the algorithms; other filter words narrow the rows.
  const named = algorithms.filter((alg) => options.filter.some((f) => f.includes(alg)));
  const algs = named.length > 0 ? named : algorithms;
  for (const alg of algs) {
    log(`  ${alg} `);
    const keys = makeKeys(alg);
    const built = await buildGroups(keys, options.filter, options.baseline);
    tokens.push(built.token);
    for (const group of built.groups) {
      rows.push(...(await measureGroup(group, options.micro, built.floorVerify, log)));
    }
    log('\n');
  }
  if (drainSink() === -1) log('');
  return { floorDefinition, token: tokens, settings: options.micro, rows };
}
