import { describe, expect, it } from 'vitest';
import { JwtConfigError } from '../../src/errors.js';
import { createMemoryStore, DEFAULT_MAX_ENTRIES } from '../../src/stores/memory.js';
import type { OverRevocation, TokenRecord } from '../../src/stores/types.js';
import { runStoreContract } from './contract.js';

const T = 1_700_000_000;

function fakeClock(start = T): { now: () => number; advance: (seconds: number) => void } {
  let now = start;
  return { now: () => now, advance: (seconds) => void (now += seconds) };
}

function rec(jti: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return { jti, identity: 'alice', iat: T, exp: T + 60, ...overrides };
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
    expect(store.claimRefreshToken(rec('r'), 60, 0)).toBe('first');
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

  describe('bounded memory, never under-revoking (I1)', () => {
    it('never holds more than maxEntries records', () => {
      const store = createMemoryStore({ maxEntries: 100, clock: fakeClock().now });
      for (let i = 0; i < 1000; i++) store.revoke(rec(`j${i}`, { identity: `u${i % 300}` }), 60 + (i % 7));
      expect(store.size).toBe(100);
      expect(store.evictions).toBeGreaterThanOrEqual(900);
    });

    it('folds a dropped jti into its identity cut-off: that token and older ones refused, newer ones and other users accepted', () => {
      const events: OverRevocation[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ maxEntries: 3, clock: clock.now, onOverRevocation: (e) => events.push(e) });
      store.revoke(rec('a0', { iat: T + 0.125 }), 20);
      store.revoke(rec('a1', { iat: T + 0.25 }), 30);
      store.revoke(rec('b1', { identity: 'bob', iat: T + 0.5 }), 60);
      store.revoke(rec('c1', { identity: 'carol' }), 90); // full: a0 and a1 become alice's cut-off
      expect(events).toEqual([
        { reason: 'store-full', scope: 'identity', identity: 'alice', cutoff: T + 0.2505, dropped: 'jti' },
        { reason: 'store-full', scope: 'identity', identity: 'alice', cutoff: T + 0.2505, dropped: 'jti' },
      ]);
      expect(store.size).toBe(3);
      expect(store.isRevoked(rec('a1', { iat: T + 0.25 }))).toBe(true);
      expect(store.isRevoked(rec('older', { iat: T + 0.1 }))).toBe(true); // the cost: alice's older tokens
      expect(store.isRevoked(rec('newer', { iat: T + 0.251 }))).toBe(false);
      expect(store.isRevoked(rec('b2', { identity: 'bob', iat: T }))).toBe(false);
      expect(store.isRevoked(rec('b1', { identity: 'bob', iat: T + 0.5 }))).toBe(true);
      expect(store.evictions).toBe(2);
      expect(store.globalCutoff).toBeNull();
      // Alice's next revocation folds straight into her cut-off (records go before cut-offs).
      store.revoke(rec('a2', { iat: T + 0.75 }), 10);
      store.revoke(rec('d1', { identity: 'dave' }), 90);
      expect(events.at(-1)).toEqual({
        reason: 'store-full',
        scope: 'identity',
        identity: 'alice',
        cutoff: T + 0.7505,
        dropped: 'jti',
      });
      expect(store.isRevoked(rec('a2', { iat: T + 0.75 }))).toBe(true);
      expect(store.isRevoked(rec('newer', { iat: T + 0.751 }))).toBe(false);
      // Making room for a2 dropped bob's only record: that one had to go global.
      expect(store.globalCutoff).toBe(T + 0.5005);
      expect(store.isRevoked(rec('b1', { identity: 'bob', iat: T + 0.5 }))).toBe(true);
    });

    it('then into a global cut-off, kept until the dropped record would have expired', () => {
      const events: OverRevocation[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ maxEntries: 1, clock: clock.now, onOverRevocation: (e) => events.push(e) });
      store.revokeAllFor('alice', T + 1, 30);
      store.revoke(rec('b1', { identity: 'bob', iat: T + 2 }), 60); // alice's cut-off has nowhere to go but global
      expect(events).toEqual([{ reason: 'store-full', scope: 'global', cutoff: T + 1, dropped: 'identity' }]);
      expect(store.globalCutoff).toBe(T + 1);
      expect(store.isRevoked(rec('a', { iat: T + 0.5 }))).toBe(true);
      expect(store.isRevoked(rec('carol', { identity: 'carol', iat: T + 0.5 }))).toBe(true); // everyone's older tokens
      expect(store.isRevoked(rec('carol', { identity: 'carol', iat: T + 1 }))).toBe(false);
      clock.advance(31);
      expect(store.globalCutoff).toBeNull();
      expect(store.isRevoked(rec('carol', { identity: 'carol', iat: T + 0.5 }))).toBe(false);
    });

    it('folds families (into the owner, else globally) and refresh "used" marks (reuse stays detected as a refusal)', () => {
      const events: OverRevocation[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ maxEntries: 4, clock: clock.now, onOverRevocation: (e) => events.push(e) });
      store.revokeFamily('fam-a', 30, 'alice');
      store.revoke(rec('a-jti', { iat: T - 50 }), 900);
      expect(store.claimRefreshToken(rec('r-old', { identity: 'dave', iat: T - 5 }), 40, 0)).toBe('first');
      expect(store.claimRefreshToken(rec('r-new', { identity: 'dave', iat: T - 2 }), 900, 0)).toBe('first');
      clock.advance(1);
      store.revoke(rec('x', { identity: 'erin' }), 900); // full: fam-a and a-jti become alice's cut-off
      store.revoke(rec('y', { identity: 'erin' }), 900); // then r-old and r-new become dave's
      expect(store.size).toBe(4);
      expect(store.globalCutoff).toBeNull();
      expect(store.isRevoked(rec('a-fam', { family: 'fam-a', iat: T - 100 }))).toBe(true);
      expect(store.isRevoked(rec('a-new', { iat: T + 1 }))).toBe(false);
      // The dropped "used" mark of r-old: the token itself is now refused, so a replay cannot pass.
      expect(store.isRevoked(rec('r-old', { identity: 'dave', iat: T - 5 }))).toBe(true);
      expect(store.isRevoked(rec('r-new', { identity: 'dave', iat: T - 2 }))).toBe(true);
      expect(store.isRevoked(rec('r-next', { identity: 'dave', iat: T }))).toBe(false);
      expect(events.map((e) => [e.scope, e.dropped])).toContainEqual(['identity', 'family']);
      expect(events.map((e) => [e.scope, e.dropped])).toContainEqual(['identity', 'refresh-claim']);
    });

    it("one identity logging in and out 150 000 times never re-admits another user's revoked token", () => {
      const events: OverRevocation[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ clock: clock.now, onOverRevocation: (e) => events.push(e) });
      const victim = rec('victim-token', { identity: 'victim', iat: T - 1 });
      store.revoke(victim, 900);
      for (let i = 0; i < 150_000; i++) {
        if (i % 1000 === 0) clock.advance(0.001);
        store.revoke(rec(`attacker-${i}`, { identity: 'attacker', iat: T + i / 1e6 }), 60);
        if (i % 97 === 0) expect(store.isRevoked(victim)).toBe(true);
      }
      expect(store.size).toBeLessThanOrEqual(DEFAULT_MAX_ENTRIES);
      expect(store.isRevoked(victim)).toBe(true);
      expect(store.isRevoked(rec('attacker-0', { identity: 'attacker', iat: T }))).toBe(true);
      // The attacker's folds stay on the attacker: no global cut-off, other users untouched.
      expect(store.globalCutoff).toBeNull();
      expect(events.every((e) => e.scope === 'identity' && e.identity === 'attacker')).toBe(true);
      expect(store.evictions).toBe(events.length);
      expect(events.length).toBeGreaterThanOrEqual(50_000);
    });

    it('many distinct identities fold into the global cut-off after a bounded number of conversions per write', () => {
      const events: OverRevocation[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ maxEntries: 50, clock: clock.now, onOverRevocation: (e) => events.push(e) });
      const revoked: TokenRecord[] = [];
      for (let i = 0; i < 2000; i++) {
        const token = rec(`j${i}`, { identity: `user-${i}`, iat: T + i / 1000 });
        revoked.push(token);
        store.revoke(token, 60 + (i % 13));
        expect(store.size).toBeLessThanOrEqual(50);
      }
      for (const token of revoked) expect(store.isRevoked(token)).toBe(true);
      expect(store.globalCutoff).not.toBeNull();
      expect(events.some((e) => e.scope === 'global')).toBe(true);
    });

    it('drops expired records first, without counting them as evictions', () => {
      const evicted: OverRevocation[] = [];
      const clock = fakeClock();
      const store = createMemoryStore({ maxEntries: 50, clock: clock.now, onOverRevocation: (e) => evicted.push(e) });
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

    it('a throwing onOverRevocation hook does not fail the write', () => {
      const store = createMemoryStore({
        maxEntries: 1,
        clock: fakeClock().now,
        onOverRevocation: () => {
          throw new Error('hook bug');
        },
      });
      store.revoke(rec('a'), 60);
      expect(() => store.revoke(rec('b'), 60)).not.toThrow();
      expect(store.isRevoked(rec('b'))).toBe(true);
      expect(store.isRevoked(rec('a'))).toBe(true);
      expect(store.evictions).toBe(1); // a's only record: folded into the global cut-off
      expect(store.globalCutoff).toBe(T + 0.0005);
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
    store.claimRefreshToken(rec('r'), 60, 0);
    store.close();
    expect(store.size).toBe(0);
    expect(store.isRevoked(rec('a'))).toBe(false);
    expect(store.claimRefreshToken(rec('r'), 60, 0)).toBe('first');
  });
});
