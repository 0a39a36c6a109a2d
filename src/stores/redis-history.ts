/**
 * Rollback detection for the Redis store: how an instance tells that Redis went back in time
 * (a failover to a replica that lags, a restore of an older snapshot) while the epoch key, which
 * only reveals a Redis that lost *everything*, is still there.
 *
 * Redis keeps a point of its history: the epoch (which changes only when a fail-safe cut-off
 * starts a new era) and a write counter (`INCR` in the same script as every revocation write,
 * published with its invalidation). Each instance remembers the highest point it has seen, from
 * replies and from invalidations. A command can only run after everything the instance had seen
 * when it sent the command, so reading an older point than that means Redis lost writes: a
 * rollback.
 *
 * @module
 */

/** A point of the store's history in Redis. */
export interface HistoryPoint {
  /** The epoch key's value as stored (a number of epoch seconds): the era. */
  readonly epoch: string;
  /** Revocation writes counted in Redis (the `seq` key; `0` when absent). */
  readonly seq: number;
}

/**
 * Orders two points: a later era wins whatever its counter (a fail-safe cut-off already covers
 * every write of the eras before it), then the counter. An unreadable epoch counts as the same era.
 *
 * @example
 * ```ts
 * compareHistory({ epoch: '1700000000.0005', seq: 3 }, { epoch: '1700000000.0005', seq: 5 }); // < 0
 * ```
 */
export function compareHistory(a: HistoryPoint, b: HistoryPoint): number {
  if (a.epoch !== b.epoch) {
    const [x, y] = [Number(a.epoch), Number(b.epoch)];
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return a.seq - b.seq;
}

/**
 * The point of history an instance has seen, and the checks against it.
 *
 * @example
 * ```ts
 * const history = new History();
 * const before = history.snapshot();            // before sending the command
 * const verdict = history.observe(before, point); // 'rollback' if Redis went back in time
 * ```
 */
export class History {
  #seen: HistoryPoint | null = null;
  #lastMessage: HistoryPoint | null = null;

  /** The highest point seen so far; take it before sending a command. */
  snapshot(): HistoryPoint | null {
    return this.#seen;
  }

  /**
   * Records a point read by a command sent when {@link History.snapshot} was `before`. A point
   * older than `before` is a rollback (and is not recorded: the fail-safe starts a later era).
   */
  observe(before: HistoryPoint | null, point: HistoryPoint): 'ok' | 'rollback' {
    if (before !== null && compareHistory(point, before) < 0) return 'rollback';
    this.#raise(point);
    return 'ok';
  }

  /**
   * Records a point carried by an invalidation. Messages arrive in the order Redis published them,
   * so one older than the previous message means Redis went back in time while the subscriber
   * stayed connected; returns `'rollback'` then (the caller stops trusting what it cached).
   */
  observeMessage(point: HistoryPoint): 'ok' | 'rollback' {
    const previous = this.#lastMessage;
    this.#lastMessage = point;
    this.#raise(point);
    return previous !== null && compareHistory(point, previous) < 0 ? 'rollback' : 'ok';
  }

  /**
   * The epoch a fail-safe cut-off at `cutoff` must write: `cutoff`, or just past the latest era
   * seen if that is later (a skewed clock), so the new era orders after everything seen and no
   * instance mistakes it for a rollback.
   */
  nextEpoch(cutoff: number): string {
    const seen = this.#seen === null ? Number.NaN : Number(this.#seen.epoch);
    return String(seen >= cutoff ? Math.round((seen + 0.001) * 10_000) / 10_000 : cutoff);
  }

  #raise(point: HistoryPoint): void {
    if (this.#seen === null || compareHistory(point, this.#seen) > 0) this.#seen = point;
  }
}
