/**
 * Redis revocation store, shared by every process of an application. Takes the application's own
 * client (ioredis is an optional peer dependency; nothing here imports it).
 *
 * @module
 */
import { callWithTimeout, STORE_UNAVAILABLE_MESSAGE, type RedisLike } from './redis-command.js';
import { WIDEN_SCRIPT } from './redis-script.js';
import { checkCutoff, issuedBeforeCutoff, normalizeTtl } from './ttl.js';
import type { RevocationStore, TokenRecord, TtlSeconds } from './types.js';
import { JwtConfigError, StoreUnavailableError } from '../errors.js';

export { STORE_UNAVAILABLE_MESSAGE, type RedisLike } from './redis-command.js';

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
  isRevoked(token: TokenRecord): Promise<boolean>;
  revoke(token: TokenRecord, ttlSeconds: TtlSeconds): Promise<void>;
  revokeAllFor(identity: string, beforeEpochSeconds: number, ttlSeconds: TtlSeconds): Promise<void>;
  revokeFamily(family: string, ttlSeconds: TtlSeconds): Promise<void>;
  claimRefreshToken(jti: string, ttlSeconds: TtlSeconds): Promise<boolean>;
}

interface ResolvedOptions {
  prefix: string;
  timeoutMs: number;
  failOpen: boolean;
  onError: ((error: StoreUnavailableError) => void) | undefined;
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
  return { prefix, timeoutMs, failOpen: options.failOpen === true, onError: options.onError };
}

/** Milliseconds for `PX`, or an empty string meaning "keep for good" to the script. */
function ttlArgument(ttlSeconds: TtlSeconds): number | '' {
  const ttl = normalizeTtl(ttlSeconds);
  return ttl === null ? '' : Math.ceil(ttl * 1000);
}

/**
 * Creates a {@link RevocationStore} on Redis.
 *
 * Keys (after `prefix`): `jti:<jti>`, `cutoff:<identity>`, `family:<family>` for revocations and
 * `used:<jti>` for refresh claims; each lives as long as the caller's TTL (`PX`), or for good.
 * `isRevoked` is a single `MGET`, one round trip. Writes go through one small Lua script so a
 * repeated write never shortens a TTL or moves a cut-off back; `claimRefreshToken` is
 * `SET ... NX`, atomic across every process.
 *
 * Every command has its own deadline (`commandTimeoutMs`), so a down or stalled Redis yields
 * {@link StoreUnavailableError} promptly (the core answers 503) instead of hanging, whatever the
 * client's offline queue and retry settings. The store never crashes the process: failures are
 * rejections of the call that caused them. Two things stay with the application:
 * - attach an `'error'` listener to the client (ioredis reports connection errors as events;
 *   without a listener it prints them); ioredis reconnects by itself and calls succeed again;
 * - a write that timed out may still reach Redis later (ioredis replays queued commands on
 *   reconnect). For `revoke*` that is harmless; for `claimRefreshToken` the outcome is unknown, so
 *   the client should retry the refresh later rather than assume its token is unused. Creating
 *   the client with `enableOfflineQueue: false` makes outages fail at once instead of at the deadline.
 *
 * Redis Cluster is not supported: `MGET` spans keys in different hash slots.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisStore } from 'jwt-extended/stores/redis';
 *
 * const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * client.on('error', (err) => log.warn({ err }, 'redis'));
 * const store = createRedisStore(client, { prefix: 'myapp:jwt:' });
 * await store.revoke({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }, 900);
 * ```
 */
export function createRedisStore(client: RedisLike, options: RedisStoreOptions = {}): RedisStore {
  const { prefix, timeoutMs, failOpen, onError } = resolveOptions(client, options);
  const jtiKey = (jti: string): string => `${prefix}jti:${jti}`;
  const cutoffKey = (identity: string): string => `${prefix}cutoff:${identity}`;
  const familyKey = (family: string): string => `${prefix}family:${family}`;
  const usedKey = (jti: string): string => `${prefix}used:${jti}`;

  function report(failure: StoreUnavailableError): StoreUnavailableError {
    try {
      onError?.(failure);
    } catch {
      // A logging hook must not change what the caller sees.
    }
    return failure;
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
    await send('EVAL', WIDEN_SCRIPT, 1, key, value, ttlArgument(ttlSeconds), mode);
  }

  async function lookup(token: TokenRecord): Promise<boolean> {
    // The cut-off key goes first: every token has an identity, the other two keys are optional.
    const keys = [cutoffKey(token.identity)];
    if (token.jti !== null) keys.push(jtiKey(token.jti));
    if (token.family !== undefined) keys.push(familyKey(token.family));
    const reply = await send('MGET', ...keys);
    if (!Array.isArray(reply) || reply.length !== keys.length) {
      // Refuse rather than guess what an odd client or proxy meant.
      throw report(new StoreUnavailableError(STORE_UNAVAILABLE_MESSAGE, { cause: new Error('Unexpected MGET reply') }));
    }
    const [cutoff, ...flags] = reply as unknown[];
    if (flags.some((flag) => flag !== null && flag !== undefined)) return true;
    if (cutoff === null || cutoff === undefined) return false;
    return issuedBeforeCutoff(token.iat, Number(cutoff));
  }

  return {
    async isRevoked(token) {
      if (!failOpen) return lookup(token);
      try {
        return await lookup(token);
      } catch (error) {
        // Only store failures may fail open; a bug elsewhere still surfaces.
        if (error instanceof StoreUnavailableError) return false;
        throw error;
      }
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
    async claimRefreshToken(jti, ttlSeconds) {
      const ttl = ttlArgument(ttlSeconds);
      const expiry = ttl === '' ? [] : ['PX', ttl];
      return (await send('SET', usedKey(jti), '1', ...expiry, 'NX')) === 'OK';
    },
  };
}
