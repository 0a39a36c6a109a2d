/**
 * Redis revocation store, shared by every process of an application. Takes the application's own
 * client (ioredis is an optional peer dependency; nothing here imports it).
 *
 * @module jwt-extended/stores/redis
 */
import { callWithTimeout, STORE_UNAVAILABLE_MESSAGE, type RedisLike } from './redis-command.js';
import { checkServerConfig } from './redis-config-check.js';
import { type EvictionMode, evictionWatchOff, startEvictionWatch } from './redis-evictions.js';
import { History, type HistoryPoint } from './redis-history.js';
import { type NearCache, type NearCacheOptions, startNearCache } from './redis-near-cache.js';
import { ADVANCE_SCRIPT, CHECK_SCRIPT, CLAIM_SCRIPT, LOOKUP_SCRIPT, WIDEN_SCRIPT } from './redis-script.js';
import { checkCutoff, checkInterval, issuedBeforeCutoff, normalizeTtl } from './ttl.js';
import type { OverRevocation, RefreshClaim, RevocationStore, TokenRecord, TtlSeconds } from './types.js';
import { JwtConfigError, StoreUnavailableError } from '../errors.js';

export { STORE_UNAVAILABLE_MESSAGE, type RedisLike } from './redis-command.js';
export type { EvictionMode } from './redis-evictions.js';
export {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_LAG_MS,
  DEFAULT_NEAR_CACHE_ENTRIES,
  type NearCacheOptions,
  type RedisSubscriberLike,
} from './redis-near-cache.js';

/** Default {@link RedisStoreOptions.prefix}. */
export const DEFAULT_REDIS_PREFIX = 'jwt-extended:';

/**
 * Default {@link RedisStoreOptions.commandTimeoutMs}: far above a healthy round trip (well under
 * 5 ms, even across zones), short enough that a dead Redis shows up as a prompt 503 rather than
 * as requests piling up behind it.
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;

/**
 * Default {@link RedisStoreOptions.evictionCheckMs}: how often the store re-reads the server's
 * eviction policy and eviction counter (one small script per interval and instance).
 */
export const DEFAULT_EVICTION_CHECK_MS = 1_000;

/** The reasons a Redis store over-revokes, each counted in {@link RedisStore.overRevocations}. */
export type RedisOverRevocationReason = 'data-loss' | 'rollback' | 'eviction';

/**
 * Options of {@link createRedisStore}.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { prefix: 'myapp:jwt:', commandTimeoutMs: 250, onError: (e) => log.warn(e.cause) };
 * ```
 */
export interface RedisStoreOptions {
  /** Prefix of every key, so several apps (or test runs) share one Redis. Default {@link DEFAULT_REDIS_PREFIX}. */
  prefix?: string;
  /** Deadline of each command in milliseconds, independent of the client's options. Default {@link DEFAULT_COMMAND_TIMEOUT_MS}. */
  commandTimeoutMs?: number;
  /**
   * When Redis cannot answer, `isRevoked` returns `false` instead of throwing. Default `false`
   * (fail closed, the core answers 503).
   *
   * Security review: failing open means that during any Redis outage every revoked token, every
   * logged-out session and every stolen-then-revoked refresh family is accepted again. Choose it
   * only where availability matters more than revocation, and pair it with `onError` alerts.
   * Writes (revoke, claim) always throw: a logout that did not happen must not look done.
   */
  failOpen?: boolean;
  /**
   * Called with every failure (timeout, connection or reply error) before it is thrown or, with
   * `failOpen`, swallowed. For logs and metrics; an exception thrown by it is ignored.
   */
  onError?: (error: StoreUnavailableError) => void;
  /**
   * Called when this store applies the fail-safe, a global cut-off at that instant (every token
   * issued before it must log in again), with `reason`:
   * - `'data-loss'`: the epoch key is gone (a restart without persistence, `FLUSHALL`, a failover
   *   to an empty replica); also, once, when this store is the first to use an empty Redis
   *   (that cut-off is the store's creation: tokens minted from its millisecond on are accepted);
   * - `'rollback'`: Redis went back in time (a failover to a replica that lagged, a restore of an
   *   older snapshot): it holds an older history point than one this instance had seen;
   * - `'eviction'`: the server evicted keys (`evicted_keys` grew; server-wide, so any eviction).
   * Reported once across all instances (the one whose write moved the epoch). For alerts and
   * metrics; an exception thrown by it is ignored.
   */
  onOverRevocation?: (event: OverRevocation) => void;
  /**
   * Watch for evictions (default `true`): where the server may evict (`maxmemory` set and a
   * policy other than `noeviction`), every lookup and claim compares the server's `evicted_keys`
   * with the last acknowledged value in the same atomic step, and any eviction on that server
   * moves the global cut-off (everyone logs in again). Where `INFO` is not allowed, evictions
   * cannot be seen: a warning says so.
   *
   * Security review: `false` means a revocation key evicted under memory pressure is silently
   * forgotten and the revoked token is accepted again. Turn it off only on a server that cannot
   * evict, or where logging everyone out at each eviction (a Redis shared with a cache) is worse.
   */
  detectEvictions?: boolean;
  /**
   * How often the server's eviction policy and counter are re-read, in ms. Default
   * {@link DEFAULT_EVICTION_CHECK_MS}. Bounds how long an eviction after a runtime switch to an
   * evicting policy can go unseen (lookups carry the check from the next re-read on).
   */
  evictionCheckMs?: number;
  /**
   * Called with each start-up warning about the server's configuration (no persistence, an
   * evicting `maxmemory-policy`, `CONFIG GET` refused). Default: `process.emitWarning`.
   */
  onWarning?: (message: string) => void;
  /** Check the server's configuration with `CONFIG GET` when the store is created. Default `true`. */
  checkServerConfig?: boolean;
  /**
   * Keep the answers in process, exact through Redis invalidations (pub/sub on
   * `<prefix>invalidate`, published by every write in the same script): an authorized request
   * then costs a Map lookup instead of a round trip. Pass a dedicated connection
   * (`{ subscriber: client.duplicate() }`); the heartbeat gets a second one (made with
   * `client.duplicate()` unless `heartbeatClient` is given). A closed, silent or slow link turns the
   * cache off until it is proven again, see {@link NearCacheOptions}.
   */
  nearCache?: NearCacheOptions;
  /**
   * Current time in epoch seconds, for the global cut-off written when data loss is found.
   * Default `Date.now() / 1000`; inject a fake in tests.
   */
  clock?: () => number;
}

/**
 * The Redis store: every method returns a promise.
 *
 * @example
 * ```ts
 * const store: RedisStore = createRedisStore(client);
 * const revoked: boolean = await store.isRevoked(record);
 * ```
 */
export interface RedisStore extends RevocationStore {
  /** A promise, or a plain boolean when the near-cache answered. */
  isRevoked(token: TokenRecord): boolean | Promise<boolean>;
  revoke(token: TokenRecord, ttlSeconds: TtlSeconds): Promise<void>;
  revokeAllFor(identity: string, beforeEpochSeconds: number, ttlSeconds: TtlSeconds): Promise<void>;
  revokeFamily(family: string, ttlSeconds: TtlSeconds, identity?: string): Promise<void>;
  claimRefreshToken(token: TokenRecord, ttlSeconds: TtlSeconds, reuseIntervalSeconds: number): Promise<RefreshClaim>;
  /**
   * The start-up configuration check (already started by {@link createRedisStore} unless
   * `checkServerConfig: false`): resolves with the warnings it reported.
   */
  checkServer(): Promise<string[]>;
  /** Fail-safe cut-offs this instance applied (and reported), by reason. */
  readonly overRevocations: Readonly<Record<RedisOverRevocationReason, number>>;
  /** What the store knows of the server's evictions (see {@link RedisStoreOptions.detectEvictions}). */
  evictionMode(): EvictionMode;
  /** Stops the near-cache (its timer and subscription) and the eviction checks; never closes the connections passed in. */
  close(): Promise<void>;
}

interface ResolvedOptions {
  prefix: string;
  timeoutMs: number;
  failOpen: boolean;
  onError: ((error: StoreUnavailableError) => void) | undefined;
  clock: () => number;
  evictionCheckMs: number;
}

function resolveOptions(client: RedisLike, options: RedisStoreOptions): ResolvedOptions {
  if (typeof (client as Partial<RedisLike> | null)?.call !== 'function') {
    throw new JwtConfigError(
      'createRedisStore needs a Redis client with a call() method, e.g. new Redis() from ioredis',
    );
  }
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  if (typeof prefix !== 'string') throw new JwtConfigError('prefix must be a string');
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  // setTimeout fires at once beyond 2^31-1 ms, which would silently turn the deadline off.
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
    throw new JwtConfigError('commandTimeoutMs must be a positive number of milliseconds');
  }
  const clock = options.clock ?? (() => Date.now() / 1000);
  if (typeof clock !== 'function') throw new JwtConfigError('clock must be a function returning epoch seconds');
  const evictionCheckMs = options.evictionCheckMs ?? DEFAULT_EVICTION_CHECK_MS;
  if (!Number.isFinite(evictionCheckMs) || evictionCheckMs <= 0 || evictionCheckMs > 2_147_483_647) {
    throw new JwtConfigError('evictionCheckMs must be a positive number of milliseconds');
  }
  return { prefix, timeoutMs, failOpen: options.failOpen === true, onError: options.onError, clock, evictionCheckMs };
}

/**
 * The near-cache's heartbeat connection: the one given, or a duplicate of the store's client
 * (owned: the store disconnects it on close). Never the store's client itself, see
 * {@link NearCacheOptions.heartbeatClient}.
 */
function heartbeatConnection(client: RedisLike, near: NearCacheOptions): { client: RedisLike; owned: boolean } {
  if (near.heartbeatClient !== undefined) {
    if (typeof (near.heartbeatClient as Partial<RedisLike> | null)?.call !== 'function') {
      throw new JwtConfigError('nearCache.heartbeatClient needs a call() method, like the store client');
    }
    if (near.heartbeatClient === client) {
      throw new JwtConfigError(
        "nearCache.heartbeatClient must be a connection of its own (client.duplicate()): a heartbeat held by CLIENT PAUSE WRITE would hold the store's lookups",
      );
    }
    return { client: near.heartbeatClient, owned: false };
  }
  const duplicate = (client as { duplicate?: unknown }).duplicate;
  const made: unknown = typeof duplicate === 'function' ? (duplicate as () => unknown).call(client) : undefined;
  if (typeof (made as Partial<RedisLike> | null | undefined)?.call !== 'function') {
    throw new JwtConfigError(
      'nearCache needs a connection for its heartbeat: pass nearCache.heartbeatClient (a second connection to the same Redis), or a client with duplicate() such as ioredis',
    );
  }
  // Its failures show up as failed heartbeats (reported through onError); without a listener
  // ioredis would print each connection error.
  (made as { on?: (event: string, listener: () => void) => unknown }).on?.('error', () => undefined);
  return { client: made as RedisLike, owned: true };
}

/** Milliseconds for `PX`, or an empty string meaning "keep for good" to the script. */
function ttlArgument(ttlSeconds: TtlSeconds): number | '' {
  const ttl = normalizeTtl(ttlSeconds);
  return ttl === null ? '' : Math.ceil(ttl * 1000);
}

/**
 * Creates a {@link RevocationStore} on Redis.
 *
 * Keys (after `prefix`): `jti:<jti>`, `cutoff:<identity>`, `family:<family>` for revocations,
 * `used:<jti>` and `latest:<family>` for refresh claims, each living as long as the caller's TTL
 * (`PX`) or for good; and, kept for good, `epoch` (the global cut-off), `seq` (revocation writes
 * counted) and `evicted` (the server's eviction counter as last acknowledged).
 * `isRevoked` is a single `MGET` (one round trip) that reads `epoch` and `seq` with the token's
 * keys. Writes go through small Lua scripts, so a repeated write never shortens a TTL or moves a
 * cut-off back and a refresh claim is atomic across every process.
 *
 * **Lost revocations are detected, never served.** Three ways Redis can lose them, each found in
 * the same round trip as the lookup (or claim) that would otherwise have trusted it, and each
 * answered by the same fail-safe: a global cut-off at the moment it is found (the epoch moves,
 * atomically, once for every process), which refuses every token issued before it. Everyone logs
 * in again; no revoked token comes back. `onOverRevocation` reports it, `overRevocations` counts it.
 * - *Data loss*: no `epoch` (a restart without persistence, `FLUSHALL`, a failover to an empty
 *   replica). The first start against an empty Redis does the same (nothing tells a new Redis
 *   from a wiped one).
 * - *Rollback*: `epoch` is there but `seq` is lower than one this instance has seen (every write
 *   increments it in the same script, and publishes it with its invalidation): a failover to a
 *   replica that lagged, a restore of an older snapshot. Seen by any instance that saw the newer
 *   count; writes no surviving instance saw are beyond detection (see `docs/revocation.md`).
 * - *Eviction*: on a server that may evict (`maxmemory` and a policy other than `noeviction`,
 *   read with `INFO` at start-up and every `evictionCheckMs`), lookups become a script that
 *   compares `evicted_keys` with the last acknowledged value before reading. The counter is
 *   server-wide: any eviction on that server logs everyone out, hence `noeviction`.
 * At creation the store checks the server's configuration (`CONFIG GET`) and warns when Redis
 * has no persistence or may evict keys.
 *
 * Every command has its own deadline (`commandTimeoutMs`), so a down or stalled Redis yields
 * {@link StoreUnavailableError} promptly (the core answers 503) instead of hanging, whatever the
 * client's offline queue and retry settings. The store never crashes the process: failures are
 * rejections of the call that caused them. Two things stay with the application:
 * - attach an `'error'` listener to the client (ioredis reports connection errors as events;
 *   without a listener it prints them); ioredis reconnects by itself and calls succeed again;
 * - a write that timed out may still reach Redis later (ioredis replays queued commands on
 *   reconnect). For `revoke*` that is harmless; a refresh claim that lands late is answered
 *   `'repeat'` to the client's retry within the reuse interval, so it is not mistaken for theft.
 *   Creating the client with `enableOfflineQueue: false` makes outages fail at once instead of at
 *   the deadline.
 *
 * Redis Cluster is not supported: `MGET` spans keys in different hash slots.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisStore } from 'jwt-extended/stores/redis';
 *
 * const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * client.on('error', (err) => console.warn('redis', err.message));
 * const store = createRedisStore(client, { prefix: 'myapp:jwt:' });
 * await store.revoke({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }, 900);
 * client.disconnect();
 * ```
 */
export function createRedisStore(client: RedisLike, options: RedisStoreOptions = {}): RedisStore {
  const { prefix, timeoutMs, failOpen, onError, clock, evictionCheckMs } = resolveOptions(client, options);
  const epochKey = `${prefix}epoch`;
  const seqKey = `${prefix}seq`;
  const evictedKey = `${prefix}evicted`;
  const jtiKey = (jti: string): string => `${prefix}jti:${jti}`;
  const cutoffKey = (identity: string): string => `${prefix}cutoff:${identity}`;
  const familyKey = (family: string): string => `${prefix}family:${family}`;
  const usedKey = (jti: string): string => `${prefix}used:${jti}`;
  const latestKey = (family: string): string => `${prefix}latest:${family}`;
  const channel = `${prefix}invalidate`;
  const history = new History();
  const counts: Record<RedisOverRevocationReason, number> = { 'data-loss': 0, rollback: 0, eviction: 0 };

  function report(failure: StoreUnavailableError): StoreUnavailableError {
    try {
      onError?.(failure);
    } catch {
      // A logging hook must not change what the caller sees.
    }
    return failure;
  }

  function failure(message: string): StoreUnavailableError {
    return report(new StoreUnavailableError(STORE_UNAVAILABLE_MESSAGE, { cause: new Error(message) }));
  }

  async function send(command: string, ...args: (string | number)[]): Promise<unknown> {
    try {
      return await callWithTimeout(client, timeoutMs, command, ...args);
    } catch (error) {
      // callWithTimeout rejects with nothing else.
      throw report(error as StoreUnavailableError);
    }
  }

  /** Half a millisecond past the instant, like a logout: tokens of that millisecond are refused too. */
  const cutoffAt = (at: number): number => (Math.floor(at * 1000) + 0.5) / 1000;
  /**
   * Half a millisecond before the instant: tokens of that millisecond are accepted. For the
   * start-up check only: this process may mint a token in the millisecond it created the store,
   * and no revocation lost before the store existed can be of a token that young (losing data
   * takes a restart, a flush or a failover, not a fraction of a millisecond).
   */
  const cutoffBefore = (at: number): number => (Math.floor(at * 1000) - 0.5) / 1000;

  function overRevoked(reason: RedisOverRevocationReason, cutoff: number): void {
    counts[reason]++;
    try {
      options.onOverRevocation?.({ reason, scope: 'global', cutoff });
    } catch {
      // A monitoring hook must not change what the caller sees.
    }
  }

  /** A history point from a reply's epoch and seq values, `null` when the epoch is missing. */
  function pointOf(epoch: unknown, seq: unknown): HistoryPoint | null {
    if (epoch === null || epoch === undefined || epoch === false) return null;
    return { epoch: String(epoch), seq: Number(seq ?? 0) || 0 };
  }

  /**
   * The fail-safe: a new era whose global cut-off is now, written only if the epoch still holds
   * `expected` (`null`: missing). Returns the cut-off in force afterwards.
   */
  async function advance(
    expected: string | null,
    reason: RedisOverRevocationReason,
    cutoff: number = cutoffAt(clock()),
  ): Promise<number> {
    // A few rounds at most: another process may advance at the same time, with a lower epoch
    // than one we have seen (its clock), which we must not accept as the last word.
    for (let round = 0; round < 3; round++) {
      const next = history.nextEpoch(cutoff);
      const reply = await send('EVAL', ADVANCE_SCRIPT, 3, epochKey, seqKey, evictedKey, expected ?? '', next, channel);
      if (!Array.isArray(reply)) throw failure('Unexpected recovery reply');
      const [applied, epoch, seq] = reply as unknown[];
      const before = history.snapshot();
      const point = pointOf(epoch, seq);
      if (point === null) {
        expected = null; // gone meanwhile: recover from nothing
        continue;
      }
      if (applied === 1) overRevoked(reason, Number(point.epoch));
      if (history.observe(before, point) === 'ok') return Number(point.epoch);
      expected = point.epoch;
      reason = 'rollback';
    }
    throw failure('The epoch kept moving backwards');
  }

  /** Checks a write's or claim's history point against what was seen when it was sent. */
  async function afterWrite(before: HistoryPoint | null, epoch: unknown, seq: unknown): Promise<void> {
    const point = pointOf(epoch, seq);
    // A missing epoch is left to the next lookup, which finds it in the same round trip.
    if (point !== null && history.observe(before, point) === 'rollback') await advance(point.epoch, 'rollback');
  }

  const heartbeat = options.nearCache === undefined ? undefined : heartbeatConnection(client, options.nearCache);
  const near: NearCache | undefined =
    options.nearCache === undefined || heartbeat === undefined
      ? undefined
      : startNearCache(
          options.nearCache,
          channel,
          // A failed heartbeat is reported; a slow one is not (it only keeps the cache unproven).
          (to, message) =>
            Promise.resolve()
              .then(() => heartbeat.client.call('PUBLISH', to, message))
              .catch((error: unknown) => {
                report(new StoreUnavailableError(STORE_UNAVAILABLE_MESSAGE, { cause: error }));
              }),
          (epoch, seq) => (epoch === null ? 'ok' : history.observeMessage({ epoch, seq })),
        );

  const evictions =
    options.detectEvictions === false
      ? evictionWatchOff()
      : startEvictionWatch({
          readInfo: () => callWithTimeout(client, timeoutMs, 'INFO'),
          readMarker: () => callWithTimeout(client, timeoutMs, 'GET', evictedKey),
          runCheck: () =>
            callWithTimeout(
              client,
              timeoutMs,
              'EVAL',
              CHECK_SCRIPT,
              3,
              epochKey,
              seqKey,
              evictedKey,
              String(cutoffAt(clock())),
              channel,
            ),
          intervalMs: evictionCheckMs,
          onMoved: (epoch) => overRevoked('eviction', epoch),
          onNoInfo: () =>
            warn(
              'jwt-extended: Redis refused INFO, so the revocation store cannot see evictions. Make sure the server uses maxmemory-policy noeviction (or allow INFO for this user): an evicted revocation key would let a revoked token through.',
            ),
        });

  function warn(message: string): void {
    try {
      if (options.onWarning) options.onWarning(message);
      else process.emitWarning(message, { code: 'JWT_EXTENDED_REDIS_CONFIG' });
    } catch {
      // A logging hook must not break the store.
    }
  }

  function keysOf(token: TokenRecord): string[] {
    // epoch and the cut-off first: every token has an identity, the other two keys are optional.
    const keys = [epochKey, cutoffKey(token.identity)];
    if (token.jti !== null) keys.push(jtiKey(token.jti));
    if (token.family !== undefined) keys.push(familyKey(token.family));
    return keys;
  }

  /** The answer from the values of {@link keysOf}, epoch present. */
  function decide(token: TokenRecord, values: readonly unknown[], global: number): boolean {
    for (let i = 2; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) return true;
    if (issuedBeforeCutoff(token.iat, global)) return true;
    const cutoff = values[1];
    if (cutoff === null || cutoff === undefined) return false;
    return issuedBeforeCutoff(token.iat, Number(cutoff));
  }

  /** The near-cache's answer, or `undefined` when it cannot give one (link not proven, a key missing). */
  function cachedAnswer(token: TokenRecord, keys: readonly string[]): boolean | undefined {
    if (near === undefined || !near.usable()) return undefined;
    const values: (string | null)[] = [];
    for (const key of keys) {
      const value = near.get(key);
      if (value === undefined) return undefined;
      values.push(value);
    }
    if (values[0] === null) return undefined; // no epoch: let the round trip handle the loss
    return decide(token, values, Number(values[0]));
  }

  async function lookup(token: TokenRecord, keys: readonly string[]): Promise<boolean> {
    const first = evictions.pending();
    if (first !== undefined) await first; // right after creation: know whether to guard, once
    const version = near?.version() ?? 0;
    const before = history.snapshot();
    const guarded = evictions.guarded();
    const reply = guarded
      ? await send(
          'EVAL',
          LOOKUP_SCRIPT,
          keys.length + 2,
          ...keys,
          seqKey,
          evictedKey,
          String(cutoffAt(clock())),
          channel,
        )
      : await send('MGET', ...keys, seqKey);
    if (!Array.isArray(reply) || reply.length !== keys.length + (guarded ? 2 : 1)) {
      // Refuse rather than guess what an odd client or proxy meant.
      throw failure('Unexpected MGET reply');
    }
    const values = reply.slice(0, keys.length) as unknown[];
    if (guarded && reply[keys.length + 1] === 1) overRevoked('eviction', Number(values[0]));
    const point = pointOf(values[0], reply[keys.length]);
    if (point === null) {
      if (decide(token, values, -Infinity)) return true;
      return decide(token, values, await advance(null, 'data-loss'));
    }
    if (history.observe(before, point) === 'rollback') {
      return decide(token, values, await advance(point.epoch, 'rollback'));
    }
    near?.fill(version, keys, values);
    return decide(token, values, Number(point.epoch));
  }

  function isRevoked(token: TokenRecord): boolean | Promise<boolean> {
    const keys = keysOf(token);
    return cachedAnswer(token, keys) ?? lookup(token, keys);
  }

  async function widen(key: string, value: string, ttlSeconds: TtlSeconds, mode: '' | 'max'): Promise<void> {
    const before = history.snapshot();
    const reply = await send(
      'EVAL',
      WIDEN_SCRIPT,
      3,
      key,
      epochKey,
      seqKey,
      value,
      ttlArgument(ttlSeconds),
      mode,
      channel,
    );
    if (!Array.isArray(reply)) throw failure('Unexpected write reply');
    await afterWrite(before, reply[0], reply[1]);
  }

  // Find out at once whether Redis holds our history, so a fresh or wiped Redis gets its global
  // cut-off now rather than at the first request (which would refuse tokens minted meanwhile).
  // A failure here is not reported: the first lookup sees the same state and deals with it.
  // The cut-off is just before the store's creation: tokens minted while the check is in flight,
  // from the creation's own millisecond on, are not refused.
  const createdAt = clock();
  const started: Promise<unknown> = callWithTimeout(client, timeoutMs, 'MGET', epochKey, seqKey)
    .then(
      (reply) => {
        const point = Array.isArray(reply) ? pointOf(reply[0], reply[1]) : undefined;
        if (point === null) return advance(null, 'data-loss', cutoffBefore(createdAt));
        if (point !== undefined) history.observe(null, point);
        return undefined;
      },
      () => undefined,
    )
    .catch(() => undefined);

  let configCheck: Promise<string[]> | undefined;
  const checkServer = (): Promise<string[]> => {
    configCheck ??= checkServerConfig(client, timeoutMs, options.onWarning);
    return configCheck;
  };
  if (options.checkServerConfig !== false) void checkServer();

  async function claim(
    token: TokenRecord,
    ttlSeconds: TtlSeconds,
    reuseIntervalSeconds: number,
  ): Promise<RefreshClaim> {
    const intervalMs = Math.round(checkInterval(reuseIntervalSeconds) * 1000);
    if (token.jti === null) throw new TypeError('claimRefreshToken needs a token with a jti');
    const ttl = ttlArgument(ttlSeconds);
    // After the start-up check, a missing epoch during a claim is a real loss, not a fresh Redis.
    await started;
    const keys = [epochKey, seqKey, evictedKey, usedKey(token.jti)];
    if (token.family !== undefined) keys.push(latestKey(token.family));
    await evictions.pending();
    const before = history.snapshot();
    const guard = evictions.guarded() ? '1' : '';
    const reply = await send(
      'EVAL',
      CLAIM_SCRIPT,
      keys.length,
      ...keys,
      ttl,
      intervalMs,
      token.jti,
      before?.epoch ?? '',
      before?.seq ?? '',
      guard,
      String(cutoffAt(clock())),
      channel,
    );
    const [outcome, epoch, seq] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (outcome === 'first' || outcome === 'repeat' || outcome === 'reuse') {
      await afterWrite(before, epoch, seq);
      return outcome;
    }
    // Everything issued before now is refused from here on, this token included: the client's
    // retry gets a clean 401 from the revocation check.
    if (outcome === 'lost') {
      await advance(null, 'data-loss');
      throw failure('Redis lost its data during a refresh claim');
    }
    if (outcome === 'rollback') {
      await advance(String(epoch), 'rollback');
      throw failure('Redis went back in time before a refresh claim');
    }
    if (outcome === 'evicted') {
      overRevoked('eviction', Number(epoch));
      await afterWrite(before, epoch, seq);
      throw failure('Redis evicted keys before a refresh claim');
    }
    throw failure('Unexpected claim reply');
  }

  return {
    isRevoked(token) {
      const answer = isRevoked(token);
      if (!failOpen || typeof answer === 'boolean') return answer;
      return answer.catch((error: unknown) => {
        // Only store failures may fail open; a bug elsewhere still surfaces.
        if (error instanceof StoreUnavailableError) return false;
        throw error;
      });
    },
    async revoke(token, ttlSeconds) {
      if (token.jti === null) {
        normalizeTtl(ttlSeconds); // same argument checks as a real write
        return;
      }
      await widen(jtiKey(token.jti), '1', ttlSeconds, '');
    },
    async revokeAllFor(identity, beforeEpochSeconds, ttlSeconds) {
      await widen(cutoffKey(identity), String(checkCutoff(beforeEpochSeconds)), ttlSeconds, 'max');
    },
    async revokeFamily(family, ttlSeconds) {
      await widen(familyKey(family), '1', ttlSeconds, '');
    },
    claimRefreshToken: claim,
    checkServer,
    get overRevocations() {
      return { ...counts };
    },
    evictionMode: () => evictions.mode(),
    async close() {
      evictions.close();
      await near?.close();
      if (heartbeat?.owned === true) (heartbeat.client as { disconnect?: () => void }).disconnect?.();
    },
  };
}
