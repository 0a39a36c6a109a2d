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
 * - `'unknown'`: not checked yet (lookups carry the check, which is safe on any server);
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
  /** The current mode, for tests and diagnostics. */
  mode(): EvictionMode;
  /** Runs a check now (the start-up one is already running); resolves once it is done. */
  check(): Promise<void>;
  close(): void;
}

/** Settings of {@link startEvictionWatch}. */
export interface EvictionWatchSettings {
  /** Sends the check script; resolves with its reply `{policy, maxmemory, moved, epoch}`. */
  run: () => Promise<unknown>;
  /** Between two checks, in ms. */
  intervalMs: number;
  /** The check moved the epoch to `epoch` (an eviction was found): report it. */
  onMoved: (epoch: number) => void;
  /** `INFO` is not allowed: warn once. */
  onNoInfo: () => void;
}

/**
 * Starts watching: a first check at once, then one every `intervalMs` (an unref'd timer, so it
 * never holds a process open). A failed check (Redis down) keeps the mode it had.
 *
 * @example
 * ```ts
 * const watch = startEvictionWatch({ run: () => send('EVAL', CHECK_SCRIPT, ...), intervalMs: 1000, onMoved, onNoInfo });
 * const script = watch.guarded() ? 'LOOKUP' : 'MGET';
 * ```
 */
export function startEvictionWatch(settings: EvictionWatchSettings): EvictionWatch {
  let mode: EvictionMode = 'unknown';
  let warned = false;
  let closed = false;

  const apply = (reply: unknown): void => {
    if (!Array.isArray(reply)) return;
    const [policy, maxmemory, moved, epoch] = reply as unknown[];
    if (moved === 1) settings.onMoved(Number(epoch));
    if (policy === 'noinfo') {
      mode = 'no-info';
      if (!warned) {
        warned = true;
        settings.onNoInfo();
      }
      return;
    }
    mode = Number(maxmemory) > 0 && policy !== 'noeviction' ? 'guarded' : 'cannot-evict';
  };
  const check = (): Promise<void> => (closed ? Promise.resolve() : settings.run().then(apply, () => undefined));

  void check();
  const timer = setInterval(() => void check(), settings.intervalMs);
  timer.unref();
  return {
    guarded: () => mode === 'unknown' || mode === 'guarded',
    mode: () => mode,
    check,
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
  return { guarded: () => false, mode: () => 'off', check: () => Promise.resolve(), close: () => undefined };
}
