/**
 * Redis revocation store, shared by every process of an application. Takes the application's own
 * client (ioredis is an optional peer dependency; nothing here imports it).
 *
 * @module
 */
import { callWithTimeout, STORE_UNAVAILABLE_MESSAGE, type RedisLike } from './redis-command.js';
import { checkServerConfig } from './redis-config-check.js';
import { type NearCache, type NearCacheOptions, startNearCache } from './redis-near-cache.js';
import { CLAIM_SCRIPT, RECOVER_SCRIPT, WIDEN_SCRIPT } from './redis-script.js';
import { checkCutoff, checkInterval, issuedBeforeCutoff, normalizeTtl } from './ttl.js';
import type { OverRevocation, RefreshClaim, RevocationStore, TokenRecord, TtlSeconds } from './types.js';
import { JwtConfigError, StoreUnavailableError } from '../errors.js';

export { STORE_UNAVAILABLE_MESSAGE, type RedisLike } from './redis-command.js';
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
   * Called when the store finds that Redis lost its data (the epoch key is gone: a restart
   * without persistence, `FLUSHALL`, a failover to an empty replica, an eviction) and applies
   * the fail-safe: a global cut-off at that instant, so every token issued before it must log in
   * again. Also called, once, when this store is the first to use an empty Redis. For alerts and
   * metrics; an exception thrown by it is ignored.
   */
  onOverRevocation?: (event: OverRevocation) => void;
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
   * (`{ subscriber: client.duplicate() }`). A closed or silent link turns the cache off until it is
   * proven again, see {@link NearCacheOptions}.
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
  /** Stops the near-cache (its timer and subscription); never closes the connections passed in. */
  close(): Promise<void>;
}

interface ResolvedOptions {
  prefix: string;
  timeoutMs: number;
  failOpen: boolean;
  onError: ((error: StoreUnavailableError) => void) | undefined;
  clock: () => number;
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
  return { prefix, timeoutMs, failOpen: options.failOpen === true, onError: options.onError, clock };
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
 * (`PX`) or for good; and `epoch`, kept for good, whose value is the global cut-off.
 * `isRevoked` is a single `MGET` (one round trip) that reads `epoch` with the token's keys. Writes
 * go through small Lua scripts, so a repeated write never shortens a TTL or moves a cut-off back
 * and a refresh claim is atomic across every process.
 *
 * **Data loss is detected, never served.** Redis without `epoch` has lost (or never had) our
 * data: a restart without persistence, `FLUSHALL`, a failover to an empty replica, an evicted
 * key. The first lookup that sees it writes `epoch` = the current instant (atomically, once for
 * every process), which refuses every token issued before it: everyone logs in again, and no
 * revoked token comes back. `onOverRevocation` reports it. The first start against an empty Redis
 * does the same (nothing tells a new Redis from a wiped one). A failover to a replica that lags
 * (has `epoch` but misses the last writes) cannot be seen this way: see `docs/revocation.md`.
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
  const { prefix, timeoutMs, failOpen, onError, clock } = resolveOptions(client, options);
  const epochKey = `${prefix}epoch`;
  const jtiKey = (jti: string): string => `${prefix}jti:${jti}`;
  const cutoffKey = (identity: string): string => `${prefix}cutoff:${identity}`;
  const familyKey = (family: string): string => `${prefix}family:${family}`;
  const usedKey = (jti: string): string => `${prefix}used:${jti}`;
  const latestKey = (family: string): string => `${prefix}latest:${family}`;
  const channel = `${prefix}invalidate`;

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

  async function widen(key: string, value: string, ttlSeconds: TtlSeconds, mode: '' | 'max'): Promise<void> {
    await send('EVAL', WIDEN_SCRIPT, 1, key, value, ttlArgument(ttlSeconds), mode, channel);
  }

  /** The fail-safe for a Redis without our history: a global cut-off now. Returns the cut-off in force. */
  async function recover(at: number = clock()): Promise<number> {
    // Half a millisecond past the instant, like a logout: tokens of that millisecond are refused too.
    const cutoff = (Math.floor(at * 1000) + 0.5) / 1000;
    const reply = await send('EVAL', RECOVER_SCRIPT, 1, epochKey, String(cutoff), channel);
    if (!Array.isArray(reply) || reply[1] === null || reply[1] === undefined)
      throw failure('Unexpected recovery reply');
    const inForce = Number(reply[1]);
    if (reply[0] === 1) {
      try {
        options.onOverRevocation?.({ reason: 'data-loss', scope: 'global', cutoff: inForce });
      } catch {
        // A monitoring hook must not change what the caller sees.
      }
    }
    return inForce;
  }

  const near: NearCache | undefined =
    options.nearCache === undefined
      ? undefined
      : startNearCache(options.nearCache, channel, (to, message) => send('PUBLISH', to, message));

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
    const version = near?.version() ?? 0;
    const reply = await send('MGET', ...keys);
    if (!Array.isArray(reply) || reply.length !== keys.length) {
      // Refuse rather than guess what an odd client or proxy meant.
      throw failure('Unexpected MGET reply');
    }
    const epoch = reply[0] as unknown;
    if (epoch === null || epoch === undefined) {
      if (decide(token, reply, -Infinity)) return true;
      return decide(token, reply, await recover());
    }
    near?.fill(version, keys, reply);
    return decide(token, reply, Number(epoch));
  }

  function isRevoked(token: TokenRecord): boolean | Promise<boolean> {
    const keys = keysOf(token);
    return cachedAnswer(token, keys) ?? lookup(token, keys);
  }

  // Find out at once whether Redis holds our history, so a fresh or wiped Redis gets its global
  // cut-off now rather than at the first request (which would refuse tokens minted meanwhile).
  // A failure here is not reported: the first lookup sees the same state and deals with it.
  // The cut-off is the store's creation: tokens minted while the check is in flight are not refused.
  const createdAt = clock();
  const started: Promise<unknown> = callWithTimeout(client, timeoutMs, 'GET', epochKey)
    .then(
      (epoch) => (epoch === null ? recover(createdAt) : undefined),
      () => undefined,
    )
    .catch(() => undefined);

  let configCheck: Promise<string[]> | undefined;
  const checkServer = (): Promise<string[]> => {
    configCheck ??= checkServerConfig(client, timeoutMs, options.onWarning);
    return configCheck;
  };
  if (options.checkServerConfig !== false) void checkServer();

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
    async claimRefreshToken(token, ttlSeconds, reuseIntervalSeconds) {
      const intervalMs = Math.round(checkInterval(reuseIntervalSeconds) * 1000);
      if (token.jti === null) throw new TypeError('claimRefreshToken needs a token with a jti');
      const ttl = ttlArgument(ttlSeconds);
      // After the start-up check, a missing epoch during a claim is a real loss, not a fresh Redis.
      await started;
      const keys = [epochKey, usedKey(token.jti)];
      if (token.family !== undefined) keys.push(latestKey(token.family));
      const reply = await send('EVAL', CLAIM_SCRIPT, keys.length, ...keys, ttl, intervalMs, token.jti);
      if (reply === 'first' || reply === 'repeat' || reply === 'reuse') return reply;
      if (reply === 'lost') {
        // Everything issued before now is refused from here on, this token included: the
        // client's retry gets a clean 401 from the revocation check.
        await recover();
        throw failure('Redis lost its data during a refresh claim');
      }
      throw failure('Unexpected claim reply');
    },
    checkServer,
    async close() {
      await near?.close();
    },
  };
}
