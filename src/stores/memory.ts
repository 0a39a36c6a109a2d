/**
 * In-process revocation store: Map lookups on the hot path, bounded memory, synchronous answers.
 * Right for one process (tests, a single server); several processes need a shared store (Redis).
 *
 * @module jwt-extended/stores/memory
 */
import { ExpiryHeap, type HeapNode } from './expiry-heap.js';
import { checkCutoff, checkInterval, issuedBeforeCutoff, normalizeTtl } from './ttl.js';
import type { OverRevocation, RefreshClaim, RevocationStore, TokenRecord, TtlSeconds } from './types.js';
import { JwtConfigError } from '../errors.js';

/** Default {@link MemoryStoreOptions.maxEntries}: roughly 15-25 MB at worst, depending on key lengths. */
export const DEFAULT_MAX_ENTRIES = 100_000;

/** Expired records removed per write at most, so a write never pays for a long backlog. */
const SWEEP_PER_WRITE = 16;

/** Half a millisecond: a cut-off this far past a token's issue time refuses that token and no later one. */
const JUST_AFTER = 0.0005;

/**
 * What a record stands for.
 *
 * @example
 * ```ts
 * const kind: MemoryRecordKind = 'jti';
 * ```
 */
export type MemoryRecordKind = 'jti' | 'identity' | 'family' | 'refresh-claim';

/**
 * Options of {@link createMemoryStore}.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = {
 *   maxEntries: 50_000,
 *   onOverRevocation: (e) => log.warn({ scope: e.scope, identity: e.identity }, 'revocation store full: users logged out'),
 * };
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * Most records held (jtis, cut-offs, families and refresh claims together). Default
   * {@link DEFAULT_MAX_ENTRIES}. Size it above the peak number of live revocations: a full store
   * over-revokes, see {@link createMemoryStore}.
   */
  maxEntries?: number;
  /** Current time in epoch seconds (fractions allowed). Default `Date.now() / 1000`; inject a fake in tests. */
  clock?: () => number;
  /**
   * Called each time the store, being full, folds a record into a cut-off (some users must log in
   * again, see {@link OverRevocation}). For metrics and alerts. Must not throw; if it does, the
   * error is ignored so the revocation itself still succeeds.
   */
  onOverRevocation?: (event: OverRevocation) => void;
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
  revokeFamily(family: string, ttlSeconds: TtlSeconds, identity?: string): void;
  claimRefreshToken(token: TokenRecord, ttlSeconds: TtlSeconds, reuseIntervalSeconds: number): RefreshClaim;
  /** Drops every record, the global cut-off included. */
  close(): void;
  /** Records held, including expired ones not swept yet (never more than `maxEntries`). */
  readonly size: number;
  /** Live records folded into a cut-off so far because the store was full (one {@link OverRevocation} each). */
  readonly evictions: number;
  /** The global cut-off in epoch seconds while one is in force, else `null` (a gauge for metrics). */
  readonly globalCutoff: number | null;
}

interface MemoryRecord extends HeapNode {
  kind: MemoryRecordKind;
  key: string;
  /**
   * For `identity` records, the cut-off itself. For the others, the cut-off that would still
   * refuse what the record refuses if it had to be dropped (folded).
   */
  cutoff: number;
  /** Whose tokens the record concerns, when known: where it folds to. */
  identity: string | undefined;
  /** Refresh claims: when the token was first used (epoch seconds). */
  claimedAt: number;
  /** Refresh claims: the family, and whether a later token of it was used since (an older generation). */
  family: string | undefined;
  superseded: boolean;
}

/** The extra fields of a record, given at write time. */
type RecordFields = Partial<Pick<MemoryRecord, 'identity' | 'family' | 'claimedAt'>>;

function resolveOptions(options: MemoryStoreOptions): Required<Omit<MemoryStoreOptions, 'onOverRevocation'>> {
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
 * Revoked tokens, families and refresh claims are dropped before any cut-off, soonest-expiring
 * first.
 *
 * **When full** (`maxEntries` live records) the store never forgets a revocation: it folds the
 * record that expires soonest into a cut-off that refuses at least as much, and reports it
 * through `onOverRevocation` and {@link MemoryStore.evictions}:
 * 1. when its identity has a cut-off, or other records that can become one (one account logging
 *    in and out in a loop): into that identity's "log out everywhere" cut-off, placed just after
 *    the dropped token's issue time (a revoked token, a used refresh token) or at the current
 *    instant (a revoked family). That user's tokens issued up to then must log in again; other
 *    users are untouched;
 * 2. otherwise (its identity's only record, no identity, or itself a cut-off): into one global
 *    cut-off, which refuses every token of every user issued up to then (everyone logs in again),
 *    kept until the dropped record would have expired.
 * Memory stays bounded whatever clients do, and the cost of a full store is logins, never an
 * accepted revoked token.
 *
 * `claimRefreshToken` is atomic because JavaScript runs it to completion on one thread.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from 'jwt-extended/stores/memory';
 *
 * const store = createMemoryStore({ maxEntries: 10_000, onOverRevocation: (e) => console.warn('over-revocation', e.scope) });
 * store.revoke({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }, 900);
 * store.isRevoked({ jti: 'j1', identity: 'alice', iat: 1_700_000_000, exp: 1_700_000_900 }); // true
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const { maxEntries, clock } = resolveOptions(options);
  const onOverRevocation = options.onOverRevocation;
  const maps: Record<MemoryRecordKind, Map<string, MemoryRecord>> = {
    jti: new Map(),
    identity: new Map(),
    family: new Map(),
    'refresh-claim': new Map(),
  };
  /** The latest used refresh token of each family (points into `maps['refresh-claim']`). */
  const latestClaim = new Map<string, MemoryRecord>();
  /** Each identity's records other than its cut-off: what a fold can merge. */
  const byIdentity = new Map<string, Set<MemoryRecord>>();
  // Two heaps, so a store under pressure folds records into their identity's cut-off first and
  // drops a cut-off (into the global one, which logs everyone out) only when nothing else is left.
  const recordHeap = new ExpiryHeap<MemoryRecord>();
  const cutoffHeap = new ExpiryHeap<MemoryRecord>();
  const heapOf = (record: MemoryRecord): ExpiryHeap<MemoryRecord> =>
    record.kind === 'identity' ? cutoffHeap : recordHeap;
  const held = (): number => recordHeap.size + cutoffHeap.size;
  let seq = 0;
  let evictions = 0;
  let globalCut = 0;
  let globalUntil = 0;

  function live(record: MemoryRecord | undefined, now: number): record is MemoryRecord {
    return record !== undefined && record.expiresAt > now;
  }

  function drop(record: MemoryRecord): void {
    heapOf(record).remove(record);
    maps[record.kind].delete(record.key);
    if (record.family !== undefined && latestClaim.get(record.family) === record) latestClaim.delete(record.family);
    if (record.kind !== 'identity' && record.identity !== undefined) {
      const siblings = byIdentity.get(record.identity);
      siblings?.delete(record);
      if (siblings?.size === 0) byIdentity.delete(record.identity);
    }
  }

  function sweep(now: number): void {
    for (const heap of [recordHeap, cutoffHeap]) {
      for (let i = 0; i < SWEEP_PER_WRITE; i++) {
        const top = heap.peek();
        if (top === undefined || top.expiresAt > now) break;
        drop(top);
      }
    }
  }

  function report(event: OverRevocation): void {
    evictions++;
    try {
      onOverRevocation?.(event);
    } catch {
      // A monitoring hook must not turn a stored revocation into a failed logout.
    }
  }

  function insert(kind: MemoryRecordKind, key: string, expiresAt: number, cutoff: number, fields: RecordFields) {
    const record: MemoryRecord = {
      kind,
      key,
      cutoff,
      expiresAt,
      seq: ++seq,
      index: -1,
      identity: fields.identity,
      claimedAt: fields.claimedAt ?? 0,
      family: fields.family,
      superseded: false,
    };
    maps[kind].set(key, record);
    heapOf(record).push(record);
    if (kind !== 'identity' && record.identity !== undefined) {
      const siblings = byIdentity.get(record.identity);
      if (siblings === undefined) byIdentity.set(record.identity, new Set([record]));
      else siblings.add(record);
    }
    return record;
  }

  /** Raises an identity cut-off record so it also refuses what `folded` refused. */
  function merge(target: MemoryRecord, folded: MemoryRecord): void {
    if (folded.cutoff > target.cutoff) target.cutoff = folded.cutoff;
    if (folded.expiresAt > target.expiresAt) {
      target.expiresAt = folded.expiresAt;
      cutoffHeap.update(target);
    }
    report({
      reason: 'store-full',
      scope: 'identity',
      identity: target.key,
      cutoff: target.cutoff,
      dropped: folded.kind,
    });
  }

  /**
   * The identity cut-off a dropped record of `identity` can fold into without taking a slot:
   * the live one, or one made from another record of the same identity (two records become one).
   */
  function foldTarget(identity: string, now: number): MemoryRecord | undefined {
    const existing = maps.identity.get(identity);
    if (live(existing, now)) return existing;
    const sibling = byIdentity.get(identity)?.values().next().value;
    if (sibling === undefined) return undefined;
    if (existing !== undefined) drop(existing);
    drop(sibling);
    const target = insert('identity', identity, sibling.expiresAt, sibling.cutoff, { identity });
    report({ reason: 'store-full', scope: 'identity', identity, cutoff: target.cutoff, dropped: sibling.kind });
    return target;
  }

  /** Frees one slot without forgetting anything: folds the soonest-expiring record into a cut-off. */
  function foldOne(now: number): void {
    const victim = recordHeap.peek() ?? cutoffHeap.peek();
    if (victim === undefined) return;
    drop(victim);
    if (victim.expiresAt <= now) return; // already expired: nothing to keep
    const target =
      victim.kind === 'identity' || victim.identity === undefined ? undefined : foldTarget(victim.identity, now);
    if (target !== undefined) return merge(target, victim);
    if (victim.cutoff > globalCut) globalCut = victim.cutoff;
    if (victim.expiresAt > globalUntil) globalUntil = victim.expiresAt;
    report({ reason: 'store-full', scope: 'global', cutoff: globalCut, dropped: victim.kind });
  }

  /** Stores or widens a record; returns the live record that was already there, if any. */
  function write(
    kind: MemoryRecordKind,
    key: string,
    ttlSeconds: TtlSeconds,
    cutoff: number,
    fields: RecordFields = {},
  ): MemoryRecord | undefined {
    const ttl = normalizeTtl(ttlSeconds);
    const now = clock();
    sweep(now);
    const expiresAt = ttl === null ? Infinity : now + ttl;
    const existing = maps[kind].get(key);
    if (live(existing, now)) {
      if (kind === 'refresh-claim') return existing; // a claim is written once; the caller reads it
      // Revocation only widens: keep the later expiry and the later cut-off.
      if (expiresAt > existing.expiresAt) {
        existing.expiresAt = expiresAt;
        heapOf(existing).update(existing);
      }
      if (cutoff > existing.cutoff) existing.cutoff = cutoff;
      if (existing.identity === undefined) existing.identity = fields.identity;
      return existing;
    }
    if (existing !== undefined) drop(existing);
    while (held() >= maxEntries) foldOne(now);
    insert(kind, key, expiresAt, cutoff, fields);
    return undefined;
  }

  /** The cut-off that refuses a token and nothing issued after it (any cut-off refuses a token without iat). */
  const justAfter = (token: TokenRecord, now: number): number =>
    token.iat === undefined ? now : token.iat + JUST_AFTER;

  return {
    isRevoked(token) {
      const now = clock();
      if (token.jti !== null && live(maps.jti.get(token.jti), now)) return true;
      const cut = maps.identity.get(token.identity);
      if (live(cut, now) && issuedBeforeCutoff(token.iat, cut.cutoff)) return true;
      if (globalCut > 0 && globalUntil > now && issuedBeforeCutoff(token.iat, globalCut)) return true;
      return token.family !== undefined && live(maps.family.get(token.family), now);
    },
    revoke(token, ttlSeconds) {
      if (token.jti === null) {
        normalizeTtl(ttlSeconds); // same argument checks as a real write
        return;
      }
      write('jti', token.jti, ttlSeconds, justAfter(token, clock()), { identity: token.identity });
    },
    revokeAllFor(identity, beforeEpochSeconds, ttlSeconds) {
      write('identity', identity, ttlSeconds, checkCutoff(beforeEpochSeconds), { identity });
    },
    revokeFamily(family, ttlSeconds, identity) {
      // Every token of the family was issued before now: folding refuses the owner's tokens up to now.
      write('family', family, ttlSeconds, clock() + JUST_AFTER, { identity });
    },
    claimRefreshToken(token, ttlSeconds, reuseIntervalSeconds) {
      const interval = checkInterval(reuseIntervalSeconds);
      if (token.jti === null) throw new TypeError('claimRefreshToken needs a token with a jti');
      const now = clock();
      const fields = { identity: token.identity, family: token.family, claimedAt: now };
      const used = write('refresh-claim', token.jti, ttlSeconds, justAfter(token, now), fields);
      if (used !== undefined) {
        return !used.superseded && now - used.claimedAt < interval ? 'repeat' : 'reuse';
      }
      if (token.family !== undefined) {
        const previous = latestClaim.get(token.family);
        if (previous !== undefined) previous.superseded = true;
        latestClaim.set(token.family, maps['refresh-claim'].get(token.jti) as MemoryRecord);
      }
      return 'first';
    },
    close() {
      for (const map of Object.values(maps)) map.clear();
      latestClaim.clear();
      while (recordHeap.pop() !== undefined);
      while (cutoffHeap.pop() !== undefined);
      globalCut = 0;
      globalUntil = 0;
    },
    get size() {
      return held();
    },
    get evictions() {
      return evictions;
    },
    get globalCutoff() {
      return globalCut > 0 && globalUntil > clock() ? globalCut : null;
    },
  };
}
