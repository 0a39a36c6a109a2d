/**
 * Revocation stores: the contract and both backends. Importing this module loads no Redis client;
 * the Redis store works with the client the application passes in.
 *
 * @example
 * ```ts
 * import { createMemoryStore, createRedisStore, type RevocationStore } from 'jwt-extended/stores';
 * const store: RevocationStore = process.env.REDIS_URL ? createRedisStore(new Redis(process.env.REDIS_URL)) : createMemoryStore();
 * ```
 *
 * @module jwt-extended/stores
 */
export type { OverRevocation, RefreshClaim, RevocationStore, TokenRecord, TtlSeconds } from './types.js';
export { MIN_TTL_SECONDS } from './ttl.js';
export { createMemoryStore, DEFAULT_MAX_ENTRIES } from './memory.js';
export type { MemoryRecordKind, MemoryStore, MemoryStoreOptions } from './memory.js';
export {
  createRedisStore,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_EVICTION_CHECK_MS,
  DEFAULT_REDIS_PREFIX,
  STORE_UNAVAILABLE_MESSAGE,
} from './redis.js';
export type {
  EvictionMode,
  NearCacheOptions,
  RedisLike,
  RedisOverRevocationReason,
  RedisStore,
  RedisStoreOptions,
  RedisSubscriberLike,
} from './redis.js';
