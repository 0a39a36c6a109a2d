/**
 * Eviction detection for the Redis store. A server with `maxmemory` and an evicting
 * `maxmemory-policy` may drop revocation keys at any moment; with a `volatile-*` policy the epoch
 * key (kept for good) survives, so nothing else would reveal it. Redis counts evictions
 * (`evicted_keys` in `INFO stats`, server-wide): the store compares that counter with the value it
 * last acknowledged, atomically with each read, and a difference moves the global cut-off.
 *
 * Reading `INFO` in every lookup costs the server about twice a plain `MGET`, so the store does it
 * only where evictions can happen: this watcher reads the server's policy (`INFO memory`) at
 * start-up and every `intervalMs`, runs the eviction check each time (which also catches an
 * eviction after a policy was changed at runtime, within `intervalMs`), and tells the store
 * whether its lookups must carry the check.
 *
 * @module
 */

/**
 * What the watcher knows of the server:
 * - `'unknown'`: not checked yet (lookups wait for the first check, see `EvictionWatch.pending`);
 * - `'guarded'`: the server may evict (lookups carry the check);
 * - `'cannot-evict'`: `maxmemory` 0 or `noeviction` (plain `MGET`);
 * - `'no-info'`: `INFO` is not allowed, evictions cannot be seen (plain `MGET`, warned once);
 * - `'off'`: detection turned off by the application.
 */
export type EvictionMode = 'unknown' | 'guarded' | 'cannot-evict' | 'no-info' | 'off';

/** The watcher as the store uses it. */
export interface EvictionWatch {
  /** Whether lookups and claims must run the eviction check in the same step. */
  guarded(): boolean;
  /** The first check while it runs (a lookup waits for it rather than guess), `undefined` after. */
  pending(): Promise<void> | undefined;
  /** The current mode, for tests and diagnostics. */
  mode(): EvictionMode;
  close(): void;
}

/** Settings of {@link startEvictionWatch}. */
export interface EvictionWatchSettings {
  /**
   * Reads `INFO` (all default sections). A plain read, so a `CLIENT PAUSE WRITE` does not hold
   * it back, nor the store's commands queued behind it on the same connection.
   */
  readInfo: () => Promise<unknown>;
  /** Reads the acknowledged eviction counter (the `evicted` key). */
  readMarker: () => Promise<unknown>;
  /**
   * Runs the check script (the atomic compare and cut-off); only when the counter differs from
   * the acknowledged one. Resolves with `{policy, maxmemory, moved, epoch}`.
   */
  runCheck: () => Promise<unknown>;
  /** Between two checks, in ms. */
  intervalMs: number;
  /** The check moved the epoch to `epoch` (an eviction was found): report it. */
  onMoved: (epoch: number) => void;
  /** `INFO` is not allowed: warn once. */
  onNoInfo: () => void;
}

const field = (text: string, name: string): string | undefined => new RegExp(`^${name}:(\\S+)`, 'm').exec(text)?.[1];

/**
 * Starts watching: a first check at once, then one every `intervalMs` (an unref'd timer, so it
 * never holds a process open). A failed check (Redis down) keeps the mode it had; after a failed
 * first check the mode stays `'unknown'`, which lookups treat as guarded (safe on any server).
 *
 * @example
 * ```ts
 * const watch = startEvictionWatch({ readInfo, readMarker, runCheck, intervalMs: 1000, onMoved, onNoInfo });
 * const script = watch.guarded() ? 'LOOKUP' : 'MGET';
 * ```
 */
export function startEvictionWatch(settings: EvictionWatchSettings): EvictionWatch {
  let mode: EvictionMode = 'unknown';
  let warned = false;
  let closed = false;

  const check = async (): Promise<void> => {
    if (closed) return;
    let text: string;
    try {
      text = String(await settings.readInfo());
    } catch (error) {
      // Only a refusal means "not allowed"; a timeout or a closed connection says nothing.
      if (/NOPERM|no permissions/i.test(String((error as Error).cause ?? error))) {
        mode = 'no-info';
        if (!warned) {
          warned = true;
          settings.onNoInfo();
        }
      }
      return;
    }
    const policy = field(text, 'maxmemory_policy');
    mode = Number(field(text, 'maxmemory') ?? 0) > 0 && policy !== 'noeviction' ? 'guarded' : 'cannot-evict';
    const count = field(text, 'evicted_keys');
    if (count === undefined || String(await settings.readMarker()) === count) return;
    const reply = await settings.runCheck();
    if (Array.isArray(reply) && reply[2] === 1) settings.onMoved(Number(reply[3]));
  };
  const run = (): Promise<void> => check().catch(() => undefined);

  let first: Promise<void> | undefined = run().finally(() => {
    first = undefined;
  });
  const timer = setInterval(() => void run(), settings.intervalMs);
  timer.unref();
  return {
    guarded: () => mode === 'unknown' || mode === 'guarded',
    pending: () => first,
    mode: () => mode,
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}

/**
 * The watcher of a store whose application turned detection off.
 *
 * @example
 * ```ts
 * const watch = evictionWatchOff();
 * watch.guarded(); // false
 * ```
 */
export function evictionWatchOff(): EvictionWatch {
  return { guarded: () => false, pending: () => undefined, mode: () => 'off', close: () => undefined };
}
