/**
 * Failed-login counters per username and per client address, in fixed windows: in this process's
 * memory, or in Redis when `REDIS_URL` is set so every instance counts together.
 */
import type { Redis } from 'ioredis';

/** One counter: its key, and how many failures it allows per window. */
export interface LimitRule {
  readonly key: string;
  readonly limit: number;
}

/** Counts failed logins. */
export interface LoginLimiter {
  /** Seconds until the first exhausted counter of `rules` opens again, or 0 when none is exhausted. */
  retryAfter(rules: readonly LimitRule[]): Promise<number>;
  /** Counts one failure on every key. */
  recordFailure(keys: readonly string[]): Promise<void>;
  /** Forgets a key's failures (a username after a successful login). */
  reset(key: string): Promise<void>;
}

/** The limits the example uses: per username and per address, within one window. */
export interface LoginLimits {
  /** Failed logins allowed per username and window. Default 5. */
  readonly perUsername: number;
  /** Failed logins allowed per client address and window. Default 20. */
  readonly perAddress: number;
  /** The window, in seconds. Default 900 (15 minutes). */
  readonly windowSeconds: number;
}

/** The example's defaults. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUsername: 5, perAddress: 20, windowSeconds: 900 };

/** At most this many counters in memory: a flood of invented usernames cannot grow the map without end. */
const MAX_MEMORY_COUNTERS = 10_000;

/**
 * Counters in this process's memory.
 *
 * @example
 * ```ts
 * const limiter = createMemoryLimiter(900)
 * ```
 */
export function createMemoryLimiter(windowSeconds: number, now: () => number = Date.now): LoginLimiter {
  const counters = new Map<string, { count: number; resetAt: number }>();
  const live = (key: string) => {
    const counter = counters.get(key);
    if (counter !== undefined && counter.resetAt <= now()) counters.delete(key);
    return counters.get(key);
  };
  return {
    async retryAfter(rules) {
      for (const { key, limit } of rules) {
        const counter = live(key);
        if (counter !== undefined && counter.count >= limit) return Math.ceil((counter.resetAt - now()) / 1000);
      }
      return 0;
    },
    async recordFailure(keys) {
      for (const key of keys) {
        const counter = live(key);
        if (counter !== undefined) {
          counter.count += 1;
          continue;
        }
        // Maps iterate in insertion order: the first key is the oldest window, dropped first.
        if (counters.size >= MAX_MEMORY_COUNTERS) counters.delete(counters.keys().next().value as string);
        counters.set(key, { count: 1, resetAt: now() + windowSeconds * 1000 });
      }
    },
    async reset(key) {
      counters.delete(key);
    },
  };
}

/**
 * Counters in Redis, shared by every instance: one key per counter that expires with its window.
 *
 * @example
 * ```ts
 * const limiter = createRedisLimiter(new Redis(process.env.REDIS_URL), 900)
 * ```
 */
export function createRedisLimiter(redis: Redis, windowSeconds: number, prefix = 'login-failures:'): LoginLimiter {
  return {
    async retryAfter(rules) {
      if (rules.length === 0) return 0;
      const batch = redis.multi();
      for (const { key } of rules) batch.get(prefix + key).pttl(prefix + key);
      const replies = (await batch.exec()) ?? [];
      for (const [index, { limit }] of rules.entries()) {
        const count = Number(replies[index * 2]?.[1] ?? 0);
        const ttl = Number(replies[index * 2 + 1]?.[1] ?? -2);
        if (count >= limit && ttl > 0) return Math.ceil(ttl / 1000);
      }
      return 0;
    },
    async recordFailure(keys) {
      const batch = redis.multi();
      // SET NX starts a window (with its expiry) only when none runs; INCR keeps the expiry.
      for (const key of keys) batch.set(prefix + key, 0, 'EX', windowSeconds, 'NX').incr(prefix + key);
      await batch.exec();
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
  };
}
