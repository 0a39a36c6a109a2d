/**
 * Timing loop: warm-up with batch calibration, then fixed-length rounds.
 * Results are folded into a number that is written to a module-level sink, so V8 cannot drop
 * the work; the fold is the same cheap step for every row, floor included.
 */
import type { Run } from './candidates.js';

let sink = 0;
/** Read once at the end so the accumulated value is observably used. */
export function drainSink(): number {
  return sink;
}

function fold(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value !== null && typeof value === 'object') return 1;
  return value ? 1 : 0;
}

export interface Timed {
  run: Run;
  async: boolean;
  /** Calls per timed batch, found during warm-up. */
  batch: number;
}

async function batchOnce(t: Timed, n: number): Promise<number> {
  let acc = 0;
  if (t.async) {
    for (let i = 0; i < n; i++) acc += fold(await t.run());
  } else {
    const run = t.run as () => unknown;
    for (let i = 0; i < n; i++) acc += fold(run());
  }
  return acc;
}

/**
 * Runs for at least `ms` of wall time, returns nanoseconds of CPU time per call.
 *
 * CPU time (`process.cpuUsage`, user + system, microsecond resolution from the kernel's precise
 * accounting), not wall time: on a quiet machine they are the same, and on a shared one the time
 * this process spends waiting for a core is left out, so every row of a round-robin group is not
 * charged for whatever else ran during its turn. It is the whole process's CPU time: a
 * WebCrypto row's thread-pool work counts, as it should.
 */
export async function round(t: Timed, ms: number): Promise<number> {
  const budget = BigInt(Math.round(ms * 1e6));
  let ops = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  do {
    sink += await batchOnce(t, t.batch);
    ops += t.batch;
  } while (process.hrtime.bigint() - start < budget);
  const cpu = process.cpuUsage(cpuStart);
  return ((cpu.user + cpu.system) * 1000) / ops;
}

/**
 * Warm-up: grow the batch until one batch takes about `batchMs` (so the clock is read rarely),
 * then keep calling until `ms` have passed, so the optimising compiler has seen the row.
 */
export async function warmUp(t: Timed, ms: number, batchMs: number): Promise<void> {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  const target = BigInt(Math.round(batchMs * 1e6));
  t.batch = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    sink += await batchOnce(t, t.batch);
    const took = process.hrtime.bigint() - start;
    if (took < target && t.batch < 1 << 24) t.batch *= 2;
    if (process.hrtime.bigint() >= deadline) break;
  }
}
