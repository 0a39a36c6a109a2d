import { describe, expect, it } from 'vitest';
import { JwtConfigError } from '../../src/errors.js';
import { createMemoryStore, DEFAULT_MAX_ENTRIES, type MemoryEviction } from '../../src/stores/memory.js';
import type { TokenRecord } from '../../src/stores/types.js';
import { runStoreContract } from './contract.js';

const T = 1_700_000_000;

function fakeClock(start = T): { now: () => number; advance: (seconds: number) => void } {
  let now = start;
  return { now: () => now, advance: (seconds) => void (now += seconds) };
}

function rec(jti: string): TokenRecord {
  return { jti, identity: 'alice', iat: T, exp: T + 60 };
}

runStoreContract('memory', () => {
  const clock = fakeClock();
  const store = createMemoryStore({ clock: clock.now });
  // One process, one store: a "peer" is the same instance.
  return { store, peers: [store], advance: async (s) => clock.advance(s), dispose: () => store.close() };
});

describe('createMemoryStore', () => {
  it('answers synchronously', () => {
    const store = createMemoryStore();
    store.revoke(rec('a'), 60);
    const answer = store.isRevoked(rec('a'));
    expect(answer).toBe(true);
    expect(store.claimRefreshToken('r', 60)).toBe(true);
  });

  it('uses the wall clock by default', () => {
    const store = createMemoryStore();
    store.revokeAllFor('alice', Date.now() / 1000 + 5, 60);
    expect(store.isRevoked({ ...rec('x'), iat: Math.floor(Date.now() / 1000) })).toBe(true);
  });

  it('validates its options', () => {
    expect(DEFAULT_MAX_ENTRIES).toBe(100_000);
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => createMemoryStore({ maxEntries })).toThrow(JwtConfigError);
    }
    expect(() => createMemoryStore({ clock: 5 as unknown as () => number })).toThrow(JwtConfigError);
  });

  describe('bounded memory', () => {
    it('never holds more than maxEntries records', () => {
      const store = createMemoryStore({ maxEntries: 100, clock: fakeClock().now });
      for (let i = 0; i < 1000; i++) store.revoke(rec(`j${i}`), 60 + (i % 7));
      expect(store.size).toBe(100);
      expect(store.evictions).toBe(900);
    });

    it('evicts the record that expires soonest, oldest first among equals, kept-for-good last', () => {
      const evicted: MemoryEviction[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ maxEntries: 4, clock: clock.now, onEvict: (e) => evicted.push(e) });
      store.revoke(rec('forever'), null);
      store.revoke(rec('long'), 600);
      store.revokeFamily('fam', 30);
      store.revokeAllFor('alice', T, 30);
      store.claimRefreshToken('r', 300); // full: evicts `fam` (expires at T+30, written before the cut-off)
      store.claimRefreshToken('r2', 300); // then the cut-off
      store.revoke(rec('x'), 900); // then `r` (T+300, older than r2)
      expect(evicted).toEqual([
        { kind: 'family', key: 'fam', expiresAt: T + 30 },
        { kind: 'identity', key: 'alice', expiresAt: T + 30 },
        { kind: 'refresh-claim', key: 'r', expiresAt: T + 300 },
      ]);
      expect(store.isRevoked(rec('forever'))).toBe(true);
      expect(store.isRevoked(rec('long'))).toBe(true);
      expect(store.evictions).toBe(3);
      // The security cost, stated as a test: an evicted revocation no longer refuses its token.
      expect(store.isRevoked({ ...rec('none'), family: 'fam' })).toBe(false);
      // Only when everything left is kept for good does a kept-for-good record go.
      const onlyForever = createMemoryStore({ maxEntries: 2, clock: clock.now, onEvict: (e) => evicted.push(e) });
      onlyForever.revoke(rec('f1'), null);
      onlyForever.revoke(rec('f2'), null);
      onlyForever.revoke(rec('f3'), null);
      expect(evicted.at(-1)).toEqual({ kind: 'jti', key: 'f1', expiresAt: null });
    });

    it('drops expired records first, without counting them as evictions', () => {
      const evicted: MemoryEviction[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ maxEntries: 50, clock: clock.now, onEvict: (e) => evicted.push(e) });
      for (let i = 0; i < 50; i++) store.revoke(rec(`old${i}`), 10);
      clock.advance(11);
      for (let i = 0; i < 50; i++) store.revoke(rec(`new${i}`), 10);
      expect(store.size).toBe(50);
      expect(store.evictions).toBe(0);
      expect(evicted).toEqual([]);
      expect(store.isRevoked(rec('new0'))).toBe(true);
    });

    it('sweeps a bounded number of expired records per write', () => {
      const clock = fakeClock();
      const store = createMemoryStore({ clock: clock.now });
      for (let i = 0; i < 1000; i++) store.revoke(rec(`j${i}`), 10);
      clock.advance(11);
      store.revoke(rec('fresh'), 10);
      // 16 swept by that write, the rest wait for later writes (reads already ignore them).
      expect(store.size).toBe(1000 - 16 + 1);
      expect(store.isRevoked(rec('j999'))).toBe(false);
      for (let i = 0; i < 70; i++) store.revoke(rec('fresh'), 10);
      expect(store.size).toBe(1);
    });

    it('a throwing onEvict hook does not fail the write', () => {
      const store = createMemoryStore({
        maxEntries: 1,
        onEvict: () => {
          throw new Error('hook bug');
        },
      });
      store.revoke(rec('a'), 60);
      expect(() => store.revoke(rec('b'), 60)).not.toThrow();
      expect(store.isRevoked(rec('b'))).toBe(true);
      expect(store.evictions).toBe(1);
    });

    it('re-revoking a live record updates it in place instead of adding one', () => {
      const store = createMemoryStore({ maxEntries: 2 });
      store.revoke(rec('a'), 60);
      for (let i = 0; i < 10; i++) store.revoke(rec('a'), 60 + i);
      expect(store.size).toBe(1);
      expect(store.evictions).toBe(0);
    });
  });

  it('close() drops every record', () => {
    const store = createMemoryStore();
    store.revoke(rec('a'), 60);
    store.claimRefreshToken('r', 60);
    store.close();
    expect(store.size).toBe(0);
    expect(store.isRevoked(rec('a'))).toBe(false);
    expect(store.claimRefreshToken('r', 60)).toBe(true);
  });
});
