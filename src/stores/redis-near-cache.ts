/**
 * A near-cache for the Redis store: the values of the keys a lookup reads, kept in process and
 * dropped the moment Redis says they changed, so an authorized request costs a Map lookup instead
 * of a round trip.
 *
 * Exactness rests on three rules:
 * - every write publishes the name of the key it changed, in the same Lua script as the write, on
 *   `<prefix>invalidate` (as `<epoch> <seq> <key>`: the history point after the write, see
 *   redis-history.ts, which the store takes in); a subscriber connection receives them in order;
 * - a value read by a round trip is cached only if no invalidation (and no link change) arrived
 *   while the read was in flight (an invalidation can overtake the reply on the other socket);
 * - the cache is used only while the link is proven alive: subscribed, and the store's own
 *   heartbeat (a PUBLISH every `heartbeatMs`, carrying the instant it was sent) has come back, and
 *   the newest one that came back was *sent* less than `maxLagMs` ago. Redis delivers messages in
 *   the order it ran the commands, so a heartbeat that came back proves every invalidation of a
 *   write acknowledged before it was sent has arrived: the cache is at most `maxLagMs` behind.
 *   Judging by when a heartbeat *arrives* would not do: a slow link, or a heartbeat held by
 *   `CLIENT PAUSE WRITE` and released later, arrives "fresh" while invalidations sent after it are
 *   still on the way. A closed link empties the cache; an unproven one sends every lookup back to
 *   a round trip until it is proven again.
 * A lost or slow link therefore means round trips, never a stale "not revoked".
 *
 * The heartbeat goes on a connection of its own, one at a time: `CLIENT PAUSE WRITE` holds a
 * PUBLISH, and a held command holds every command queued behind it on its connection; on the
 * store's connection that would turn a write pause (during which reads work) into 503s.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { RedisLike } from './redis-command.js';

/** Default {@link NearCacheOptions.maxEntries}. */
export const DEFAULT_NEAR_CACHE_ENTRIES = 10_000;
/** Default {@link NearCacheOptions.heartbeatMs}. */
export const DEFAULT_HEARTBEAT_MS = 100;
/** Default {@link NearCacheOptions.maxLagMs}. */
export const DEFAULT_MAX_LAG_MS = 500;

/**
 * The subscriber connection the near-cache listens on: a dedicated ioredis connection
 * (`client.duplicate()`) fits as is. It must not be used for anything else (a subscribed
 * connection cannot send ordinary commands).
 *
 * @example
 * ```ts
 * const subscriber: RedisSubscriberLike = client.duplicate();
 * ```
 */
export interface RedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  /** Events used: `message` (channel, message), `ready`, `close`, `end`, `reconnecting`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * Options of the Redis store's `nearCache`.
 *
 * @example
 * ```ts
 * const nearCache: NearCacheOptions = { subscriber: client.duplicate(), maxEntries: 50_000 };
 * ```
 */
export interface NearCacheOptions {
  /** A dedicated connection for the invalidation channel. */
  subscriber: RedisSubscriberLike;
  /**
   * A connection for the heartbeat's PUBLISH, used for nothing else by the store (it must reach
   * the same server as the store's client). Default: `client.duplicate()` when the store's client
   * has that method (ioredis), created with the store and disconnected by its `close()`; a client
   * without it must pass one. Not the store's own client: a PUBLISH held by `CLIENT PAUSE WRITE`
   * would hold every lookup queued behind it.
   */
  heartbeatClient?: RedisLike;
  /** Most key values held (the oldest written go first). Default {@link DEFAULT_NEAR_CACHE_ENTRIES}. */
  maxEntries?: number;
  /** How often the store proves its link with a heartbeat, in ms. Default {@link DEFAULT_HEARTBEAT_MS}. */
  heartbeatMs?: number;
  /**
   * How old (since it was sent) the newest heartbeat that came back may be before the cache stops
   * answering, in ms: the bound on how far behind Redis a cached answer can be when the link dies
   * silently (no close event) or slows down. Default {@link DEFAULT_MAX_LAG_MS}.
   */
  maxLagMs?: number;
}

/** The near-cache as the store uses it. */
export interface NearCache {
  /** True while cached answers may be served. */
  usable(): boolean;
  /** The cached value of a key: a string, `null` (known absent), or `undefined` (not cached). */
  get(key: string): string | null | undefined;
  /** A token to take before a round trip; {@link NearCache.fill} caches only if nothing changed since. */
  version(): number;
  fill(version: number, keys: readonly string[], values: readonly unknown[]): void;
  /** Entries held. */
  readonly size: number;
  close(): Promise<void>;
}

/**
 * Called with the history point each invalidation carries (`epoch` `null` when Redis had none);
 * answers `'rollback'` when that point is older than the previous message's, and the cache then
 * forgets everything (the next lookups read Redis, where the store applies its fail-safe).
 */
export type HistoryObserver = (epoch: string | null, seq: number) => 'ok' | 'rollback';

/**
 * Starts a near-cache on `channel`. `publish` sends a heartbeat on the heartbeat connection and
 * settles when that command does (no deadline: the next heartbeat waits for it, so a pause holds
 * one PUBLISH, not one per interval); `observe` receives each invalidation's history point.
 *
 * @example
 * ```ts
 * const cache = startNearCache(options, 'jwt-extended:invalidate', (ch, msg) => heartbeatClient.call('PUBLISH', ch, msg), () => 'ok');
 * ```
 */
export function startNearCache(
  options: NearCacheOptions,
  channel: string,
  publish: (channel: string, message: string) => Promise<unknown>,
  observe: HistoryObserver = () => 'ok',
): NearCache {
  const { subscriber } = options;
  const maxEntries = options.maxEntries ?? DEFAULT_NEAR_CACHE_ENTRIES;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxLagMs = options.maxLagMs ?? DEFAULT_MAX_LAG_MS;
  const entries = new Map<string, string | null>();
  // Ours are `hb:<id> <sent at>`; other instances' heartbeats share the `hb:` prefix.
  const beat = `hb:${randomUUID()} `;
  let version = 0;
  let subscribed = false;
  /** When the newest heartbeat that came back was sent (performance.now()). */
  let provenAt = -Infinity;
  let beating = false;
  let closed = false;

  /** Anything that may have changed a key we cannot name: forget everything. */
  const reset = (): void => {
    version++;
    entries.clear();
  };
  const onMessage = (from: string, message: string): void => {
    if (from !== channel) return;
    if (message.startsWith(beat)) {
      const sentAt = Number(message.slice(beat.length));
      if (sentAt > provenAt) provenAt = sentAt;
      return;
    }
    if (message.startsWith('hb:')) return; // another instance's heartbeat
    const first = message.indexOf(' ');
    const second = message.indexOf(' ', first + 1);
    const seq = Number(message.slice(first + 1, second));
    if (first <= 0 || second < 0 || !Number.isInteger(seq)) {
      reset(); // not a message this version writes (an older writer?): it may name any key
      return;
    }
    const epoch = message.slice(0, first);
    if (observe(epoch === '-' ? null : epoch, seq) === 'rollback') {
      reset();
      return;
    }
    version++;
    entries.delete(message.slice(second + 1));
  };
  const onDown = (): void => {
    subscribed = false;
    provenAt = -Infinity;
    reset();
  };
  const subscribe = (): void => {
    if (closed) return;
    subscriber.subscribe(channel).then(
      () => {
        if (closed) return;
        reset(); // writes made before the subscription took effect were never announced to us
        subscribed = true;
      },
      () => onDown(),
    );
  };
  subscriber.on('message', onMessage);
  subscriber.on('close', onDown);
  subscriber.on('end', onDown);
  subscriber.on('reconnecting', onDown);
  subscriber.on('ready', subscribe);
  subscribe();
  const timer = setInterval(() => {
    if (!subscribed || beating) return;
    beating = true;
    publish(channel, `${beat}${performance.now()}`)
      .catch(() => undefined)
      .finally(() => {
        beating = false;
      });
  }, heartbeatMs);
  timer.unref();

  return {
    usable: () => subscribed && performance.now() - provenAt <= maxLagMs,
    // Oldest written goes first when full (no re-insert on reads: the hot path stays two Map reads).
    get: (key) => entries.get(key),
    version: () => version,
    fill(at, keys, values) {
      if (at !== version || !subscribed) return;
      for (let i = 0; i < keys.length; i++) {
        const value = values[i];
        entries.set(keys[i] as string, value === null || value === undefined ? null : String(value));
      }
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      onDown();
      subscriber.removeListener('message', onMessage);
      for (const event of ['close', 'end', 'reconnecting']) subscriber.removeListener(event, onDown);
      subscriber.removeListener('ready', subscribe);
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
