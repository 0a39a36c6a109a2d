/**
 * In-process revocation store: Map lookups on the hot path, bounded memory, synchronous answers.
 * Right for one process (tests, a single server); several processes need a shared store (Redis).
 *
 * @module
 */
import { ExpiryHeap, type HeapNode } from './expiry-heap.js';
import { checkCutoff, issuedBeforeCutoff, normalizeTtl } from './ttl.js';
import type { RevocationStore, TokenRecord, TtlSeconds } from './types.js';
import { JwtConfigError } from '../errors.js';

/** Default {@link MemoryStoreOptions.maxEntries}: roughly 15-25 MB at worst, depending on key lengths. */
export const DEFAULT_MAX_ENTRIES = 100_000;

/** Expired records removed per write at most, so a write never pays for a long backlog. */
const SWEEP_PER_WRITE = 16;

/**
 * What a record stands for, as reported to {@link MemoryStoreOptions.onEvict}.
 *
 * @example
 * ```ts
 * const kind: MemoryRecordKind = 'jti';
 * ```
 */
export type MemoryRecordKind = 'jti' | 'identity' | 'family' | 'refresh-claim';

/**
 * A live record dropped because the store was full.
 *
 * @example
 * ```ts
 * const onEvict = (e: MemoryEviction) => metrics.increment('jwt.revocations.evicted', { kind: e.kind });
 * ```
 */
export interface MemoryEviction {
  kind: MemoryRecordKind;
  /** The jti, identity or family (identifiers, never a token or secret). */
  key: string;
  /** When the record would have expired (epoch seconds), `null` if it was kept for good. */
  expiresAt: number | null;
}

/**
 * Options of {@link createMemoryStore}.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = { maxEntries: 50_000, onEvict: (e) => log.warn('revocation evicted', e.kind) };
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * Most records held (jtis, cut-offs, families and refresh claims together). Default
   * {@link DEFAULT_MAX_ENTRIES}. Size it above the peak number of live revocations: a full store
   * evicts, see {@link createMemoryStore}.
   */
  maxEntries?: number;
  /** Current time in epoch seconds (fractions allowed). Default `Date.now() / 1000`; inject a fake in tests. */
  clock?: () => number;
  /**
   * Called when a live record is evicted (expired records leave silently). Meant for metrics and
   * alerts: an eviction means a revoked token may be accepted again until it expires. Must not
   * throw; if it does, the error is ignored so the revocation itself still succeeds.
   */
  onEvict?: (eviction: MemoryEviction) => void;
}

/**
 * The memory store: every method answers synchronously.
 *
 * @example
 * ```ts
 * const store: MemoryStore = createMemoryStore();
 * const revoked: boolean = store.isRevoked(record); // no await needed
 * ```
 */
export interface MemoryStore extends RevocationStore {
  isRevoked(token: TokenRecord): boolean;
  revoke(token: TokenRecord, ttlSeconds: TtlSeconds): void;
  revokeAllFor(identity: string, beforeEpochSeconds: number, ttlSeconds: TtlSeconds): void;
  revokeFamily(family: string, ttlSeconds: TtlSeconds): void;
  claimRefreshToken(jti: string, ttlSeconds: TtlSeconds): boolean;
  /** Drops every record. */
  close(): void;
  /** Records held, including expired ones not swept yet (never more than `maxEntries`). */
  readonly size: number;
  /** Live records evicted so far because the store was full. */
  readonly evictions: number;
}

interface MemoryRecord extends HeapNode {
  kind: MemoryRecordKind;
  key: string;
  /** The cut-off, for `identity` records only. */
  cutoff: number;
}

function resolveOptions(options: MemoryStoreOptions): Required<Omit<MemoryStoreOptions, 'onEvict'>> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new JwtConfigError('maxEntries must be a positive integer');
  }
  const clock = options.clock ?? (() => Date.now() / 1000);
  if (typeof clock !== 'function') throw new JwtConfigError('clock must be a function returning epoch seconds');
  return { maxEntries, clock };
}

/**
 * Creates an in-memory {@link RevocationStore}.
 *
 * Checks are Map lookups (O(1)); an expired record is simply not seen by reads and is removed by
 * a bounded sweep on later writes (O(log n) each), so no call ever scans the whole store.
 *
 * **When full** (`maxEntries` live records), a write evicts the record that expires soonest,
 * oldest first among equals; records kept for good go last. This is a security trade-off: the
 * evicted token, if still presented, is accepted again until it expires. Evicting the
 * soonest-expiring record keeps that window as short as it can be, and memory stays bounded even
 * if clients force many logouts. Refusing new revocations instead would turn a full store into
 * failed logouts. Watch {@link MemoryStore.evictions} or `onEvict` and raise `maxEntries` if it moves.
 *
 * `claimRefreshToken` is atomic because JavaScript runs it to completion on one thread.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from 'jwt-extended/stores/memory';
 *
 * const store = createMemoryStore({ maxEntries: 10_000 });
 * store.revoke({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }, 900);
 * store.isRevoked({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }); // true
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const { maxEntries, clock } = resolveOptions(options);
  const onEvict = options.onEvict;
  const maps: Record<MemoryRecordKind, Map<string, MemoryRecord>> = {
    jti: new Map(),
    identity: new Map(),
    family: new Map(),
    'refresh-claim': new Map(),
  };
  const heap = new ExpiryHeap<MemoryRecord>();
  let seq = 0;
  let evictions = 0;

  function live(record: MemoryRecord | undefined, now: number): record is MemoryRecord {
    return record !== undefined && record.expiresAt > now;
  }

  function drop(record: MemoryRecord): void {
    heap.remove(record);
    maps[record.kind].delete(record.key);
  }

  function sweep(now: number): void {
    for (let i = 0; i < SWEEP_PER_WRITE; i++) {
      const top = heap.peek();
      if (top === undefined || top.expiresAt > now) return;
      drop(top);
    }
  }

  function evictOne(now: number): void {
    const victim = heap.peek();
    if (victim === undefined) return;
    drop(victim);
    if (victim.expiresAt <= now) return; // already expired: not a security-relevant eviction
    evictions++;
    if (onEvict === undefined) return;
    const expiresAt = victim.expiresAt === Infinity ? null : victim.expiresAt;
    try {
      onEvict({ kind: victim.kind, key: victim.key, expiresAt });
    } catch {
      // A monitoring hook must not turn a stored revocation into a failed logout.
    }
  }

  /** Stores or widens a record; returns whether it was already live (for refresh claims). */
  function write(kind: MemoryRecordKind, key: string, ttlSeconds: TtlSeconds, cutoff = 0): boolean {
    const ttl = normalizeTtl(ttlSeconds);
    const now = clock();
    sweep(now);
    const expiresAt = ttl === null ? Infinity : now + ttl;
    const existing = maps[kind].get(key);
    if (live(existing, now)) {
      // Revocation only widens: keep the later expiry and the later cut-off.
      if (expiresAt > existing.expiresAt) {
        existing.expiresAt = expiresAt;
        heap.update(existing);
      }
      if (cutoff > existing.cutoff) existing.cutoff = cutoff;
      return true;
    }
    if (existing !== undefined) drop(existing);
    while (heap.size >= maxEntries) evictOne(now);
    const record: MemoryRecord = { kind, key, cutoff, expiresAt, seq: ++seq, index: -1 };
    maps[kind].set(key, record);
    heap.push(record);
    return false;
  }

  return {
    isRevoked(token) {
      const now = clock();
      if (token.jti !== null && live(maps.jti.get(token.jti), now)) return true;
      const cut = maps.identity.get(token.identity);
      if (live(cut, now) && issuedBeforeCutoff(token.iat, cut.cutoff)) return true;
      return token.family !== undefined && live(maps.family.get(token.family), now);
    },
    revoke(token, ttlSeconds) {
      if (token.jti === null) {
        normalizeTtl(ttlSeconds); // same argument checks as a real write
        return;
      }
      write('jti', token.jti, ttlSeconds);
    },
    revokeAllFor(identity, beforeEpochSeconds, ttlSeconds) {
      write('identity', identity, ttlSeconds, checkCutoff(beforeEpochSeconds));
    },
    revokeFamily(family, ttlSeconds) {
      write('family', family, ttlSeconds);
    },
    claimRefreshToken(jti, ttlSeconds) {
      return !write('refresh-claim', jti, ttlSeconds);
    },
    close() {
      for (const map of Object.values(maps)) map.clear();
      while (heap.pop() !== undefined);
    },
    get size() {
      return heap.size;
    },
    get evictions() {
      return evictions;
    },
  };
}
