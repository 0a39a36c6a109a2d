/**
 * The behaviour every revocation store must show, run against each backend (memory, Redis) so
 * they cannot drift apart. Each test gets a fresh harness from the backend's factory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RevocationStore, TokenRecord, TtlSeconds } from '../../src/stores/types.js';

/** What a backend provides to the contract. */
export interface StoreHarness {
  /** A store with no records. */
  store: RevocationStore;
  /** More views of the same data (other connections, other processes' stores); may be empty. */
  peers: RevocationStore[];
  /** Lets `seconds` pass for the store: a fake clock for memory, a real wait for Redis. */
  advance(seconds: number): Promise<void>;
  /** Releases the harness's resources. */
  dispose?(): Promise<void> | void;
  /**
   * The store always holds a global cut-off (Redis: its epoch, see createRedisStore), so a token
   * without `iat` is refused even before any logout.
   */
  alwaysHasGlobalCutoff?: boolean;
}

const T = 1_700_000_000;

function token(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return { jti: 'jti-1', identity: 'alice', iat: T - 10, exp: T + 900, ...overrides };
}

/** Runs a store call that may throw synchronously or reject, as a promise either way. */
function attempt(call: () => unknown): Promise<unknown> {
  return Promise.resolve().then(call);
}

/**
 * Registers the contract suite for one backend.
 *
 * @example
 * ```ts
 * runStoreContract('memory', () => ({ store: createMemoryStore(), peers: [], advance: async () => {} }));
 * ```
 */
export function runStoreContract(name: string, createHarness: () => Promise<StoreHarness> | StoreHarness): void {
  describe(`revocation store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: RevocationStore;
    const isRevoked = async (overrides: Partial<TokenRecord> = {}): Promise<boolean> =>
      store.isRevoked(token(overrides));

    beforeEach(async () => {
      h = await createHarness();
      store = h.store;
    });
    afterEach(async () => {
      await h.dispose?.();
    });

    describe('revoke / isRevoked', () => {
      it('refuses a revoked jti and only that jti', async () => {
        expect(await isRevoked()).toBe(false);
        await store.revoke(token(), 900);
        expect(await isRevoked()).toBe(true);
        expect(await isRevoked({ jti: 'jti-2' })).toBe(false);
        // The jti alone decides: another identity or iat does not matter.
        expect(await isRevoked({ identity: 'bob', iat: T + 500 })).toBe(true);
      });

      it('is idempotent', async () => {
        await store.revoke(token(), 900);
        await store.revoke(token(), 900);
        expect(await isRevoked()).toBe(true);
      });

      it('cannot revoke a token without jti on its own, and still checks it otherwise', async () => {
        await store.revoke(token({ jti: null }), 900);
        expect(await isRevoked({ jti: null })).toBe(false);
        await store.revokeAllFor('alice', T, 900);
        expect(await isRevoked({ jti: null, iat: T - 1 })).toBe(true);
      });

      it('treats jtis as opaque strings', async () => {
        const odd = 'a:b*c?[d] \u00e9\u{1F511}';
        await store.revoke(token({ jti: odd }), 900);
        expect(await isRevoked({ jti: odd })).toBe(true);
        expect(await isRevoked({ jti: 'a:b' })).toBe(false);
      });
    });

    describe('revokeAllFor (log out everywhere)', () => {
      it('refuses tokens issued before the cut-off and accepts later ones', async () => {
        await store.revokeAllFor('alice', T, 3600);
        expect(await isRevoked({ iat: T - 1 })).toBe(true);
        expect(await isRevoked({ iat: T - 3000 })).toBe(true);
        expect(await isRevoked({ iat: T + 1 })).toBe(false);
        expect(await isRevoked({ identity: 'bob', iat: T - 1 })).toBe(false);
      });

      it('same-second rule: refused iff iat < cut-off, compared exactly', async () => {
        // Whole-second cut-off: a token stamped with that very second was minted at or after it.
        await store.revokeAllFor('alice', T, 3600);
        expect(await isRevoked({ iat: T })).toBe(false);
        // Fractional cut-off (the recommended Date.now() / 1000): a whole-second iat in the same
        // second may predate the logout, so it is refused (fail safe).
        await store.revokeAllFor('carol', T + 0.4, 3600);
        expect(await isRevoked({ identity: 'carol', iat: T })).toBe(true);
        expect(await isRevoked({ identity: 'carol', iat: T + 0.3 })).toBe(true);
        expect(await isRevoked({ identity: 'carol', iat: T + 0.4 })).toBe(false);
        expect(await isRevoked({ identity: 'carol', iat: T + 1 })).toBe(false);
      });

      it('refuses a token without iat once its identity has a cut-off', async () => {
        const always = h.alwaysHasGlobalCutoff === true;
        expect(await isRevoked({ iat: undefined })).toBe(always);
        await store.revokeAllFor('alice', T, 3600);
        expect(await isRevoked({ iat: undefined })).toBe(true);
        expect(await isRevoked({ identity: 'bob', iat: undefined })).toBe(always);
      });

      it('only moves the cut-off forward', async () => {
        await store.revokeAllFor('alice', T, 3600);
        await store.revokeAllFor('alice', T - 100, 3600);
        expect(await isRevoked({ iat: T - 50 })).toBe(true);
        await store.revokeAllFor('alice', T + 100, 3600);
        expect(await isRevoked({ iat: T + 50 })).toBe(true);
        expect(await isRevoked({ iat: T + 100 })).toBe(false);
      });
    });

    describe('revokeFamily', () => {
      it('refuses every token of the family, whatever its jti', async () => {
        await store.revokeFamily('fam-1', 3600);
        expect(await isRevoked({ family: 'fam-1' })).toBe(true);
        expect(await isRevoked({ family: 'fam-1', jti: 'other', iat: T + 999 })).toBe(true);
        expect(await isRevoked({ family: 'fam-1', jti: null })).toBe(true);
        expect(await isRevoked({ family: 'fam-2' })).toBe(false);
        expect(await isRevoked({ family: undefined })).toBe(false);
      });

      it('keeps families, jtis and identities in separate namespaces', async () => {
        await store.revokeFamily('x', 3600);
        expect(await isRevoked({ jti: 'x', identity: 'x' })).toBe(false);
        await store.revoke(token({ jti: 'y' }), 3600);
        expect(await isRevoked({ jti: 'z', family: 'y' })).toBe(false);
      });
    });

    describe('claimRefreshToken', () => {
      const claim = (jti: string, interval = 0, family?: string, ttl: TtlSeconds = 3600) =>
        store.claimRefreshToken(token({ jti, family }), ttl, interval);

      it('strict (interval 0): first to the first claim only, reuse after', async () => {
        expect(await claim('r-1')).toBe('first');
        expect(await claim('r-1')).toBe('reuse');
        expect(await claim('r-1')).toBe('reuse');
        expect(await claim('r-2')).toBe('first');
      });

      it('is independent of revocation, so the core can tell reuse from revocation', async () => {
        await claim('r-1');
        expect(await isRevoked({ jti: 'r-1' })).toBe(false);
        await store.revoke(token({ jti: 'r-2' }), 3600);
        expect(await claim('r-2')).toBe('first');
      });

      it('reuse interval: a repeat within it is "repeat", after it "reuse"', async () => {
        expect(await claim('r-1', 0.6, 'fam-1')).toBe('first');
        expect(await claim('r-1', 0.6, 'fam-1')).toBe('repeat');
        expect(await claim('r-1', 0.6, 'fam-1')).toBe('repeat');
        // The same mark seen with a strict interval is reuse: the interval is the caller's policy.
        expect(await claim('r-1', 0, 'fam-1')).toBe('reuse');
        await h.advance(0.8);
        expect(await claim('r-1', 0.6, 'fam-1')).toBe('reuse');
      });

      it('an older generation is reuse even within the interval', async () => {
        expect(await claim('gen-1', 60, 'fam-g')).toBe('first');
        expect(await claim('gen-1', 60, 'fam-g')).toBe('repeat');
        expect(await claim('gen-2', 60, 'fam-g')).toBe('first'); // the rotated token is used in turn
        expect(await claim('gen-1', 60, 'fam-g')).toBe('reuse');
        expect(await claim('gen-2', 60, 'fam-g')).toBe('repeat');
        // Other families are not affected.
        expect(await claim('other-1', 60, 'fam-h')).toBe('first');
        expect(await claim('gen-2', 60, 'fam-g')).toBe('repeat');
      });

      it('race: 200 parallel claims of one jti yield exactly one first, for 50 jtis', async () => {
        const views = [store, ...h.peers];
        for (let round = 0; round < 50; round++) {
          const interval = round % 2 === 0 ? 0 : 60;
          const jti = `race-${round}`;
          const claims = Array.from({ length: 200 }, (_, i) =>
            attempt(() =>
              (views[i % views.length] as RevocationStore).claimRefreshToken(
                token({ jti, family: `f-${round}` }),
                3600,
                interval,
              ),
            ),
          );
          const results = await Promise.all(claims);
          expect(results.filter((outcome) => outcome === 'first')).toHaveLength(1);
          expect(results.filter((outcome) => outcome === (interval === 0 ? 'reuse' : 'repeat'))).toHaveLength(199);
        }
      });
    });

    describe('expiry', () => {
      it('honours each TTL, never shortens one (jti, cut-off), and keeps null-TTL records', async () => {
        const revokeJti = (jti: string, ttl: TtlSeconds): unknown => store.revoke(token({ jti }), ttl);
        await revokeJti('short', 1);
        await revokeJti('widened', 1);
        await revokeJti('widened', 60);
        await revokeJti('not-shortened', 60);
        await revokeJti('not-shortened', 1);
        await revokeJti('forever', null);
        await revokeJti('forever', 1);
        await revokeJti('zero', 0);
        await revokeJti('negative', -30);
        await store.revokeFamily('fam-short', 1);
        await store.revokeFamily('fam-forever', null);
        await store.revokeAllFor('alice', T, 1);
        await store.revokeAllFor('bob', T, null);
        // Moving a cut-off forward with a shorter TTL keeps the longer lifetime.
        await store.revokeAllFor('dave', T, 60);
        await store.revokeAllFor('dave', T + 10, 1);
        await store.claimRefreshToken(token({ jti: 'claim-short' }), 1, 0);
        await store.claimRefreshToken(token({ jti: 'claim-forever' }), null, 0);

        // A TTL at or below zero is raised to one second: still refused right after the write.
        expect(await isRevoked({ jti: 'zero' })).toBe(true);
        expect(await isRevoked({ jti: 'negative' })).toBe(true);
        expect(await isRevoked({ jti: 'short' })).toBe(true);
        expect(await isRevoked({ jti: null, iat: T - 1 })).toBe(true);

        await h.advance(1.1);

        expect(await isRevoked({ jti: 'short' })).toBe(false);
        expect(await isRevoked({ jti: 'zero' })).toBe(false);
        expect(await isRevoked({ jti: 'negative' })).toBe(false);
        expect(await isRevoked({ jti: 'widened' })).toBe(true);
        expect(await isRevoked({ jti: 'not-shortened' })).toBe(true);
        expect(await isRevoked({ jti: 'forever' })).toBe(true);
        expect(await isRevoked({ jti: null, family: 'fam-short' })).toBe(false);
        expect(await isRevoked({ jti: null, family: 'fam-forever' })).toBe(true);
        expect(await isRevoked({ jti: null, iat: T - 1 })).toBe(false);
        expect(await isRevoked({ jti: null, identity: 'bob', iat: T - 1 })).toBe(true);
        expect(await isRevoked({ jti: null, identity: 'dave', iat: T + 5 })).toBe(true);
        expect(await store.claimRefreshToken(token({ jti: 'claim-short' }), 1, 0)).toBe('first');
        expect(await store.claimRefreshToken(token({ jti: 'claim-forever' }), 1, 0)).toBe('reuse');
      });
    });

    describe('argument checks (caller bugs throw, never store junk)', () => {
      it.each([Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number])('rejects ttl %s', async (ttl) => {
        await expect(attempt(() => store.revoke(token(), ttl))).rejects.toThrow(TypeError);
        await expect(attempt(() => store.revoke(token({ jti: null }), ttl))).rejects.toThrow(TypeError);
        await expect(attempt(() => store.revokeFamily('f', ttl))).rejects.toThrow(TypeError);
        await expect(attempt(() => store.revokeAllFor('alice', T, ttl))).rejects.toThrow(TypeError);
        await expect(attempt(() => store.claimRefreshToken(token({ jti: 'r' }), ttl, 0))).rejects.toThrow(TypeError);
        await expect(attempt(() => store.claimRefreshToken(token({ jti: 'r' }), 60, ttl))).rejects.toThrow(TypeError);
        expect(await isRevoked()).toBe(false);
      });

      it('rejects a cut-off that is not a finite number', async () => {
        await expect(attempt(() => store.revokeAllFor('alice', Number.NaN, 60))).rejects.toThrow(TypeError);
        await expect(attempt(() => store.revokeAllFor('alice', 'now' as unknown as number, 60))).rejects.toThrow(
          TypeError,
        );
        expect(await isRevoked({ iat: T })).toBe(false);
      });
    });
  });
}
