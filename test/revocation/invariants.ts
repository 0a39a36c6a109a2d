/**
 * The revocation invariants through the manager, run on each store (memory, real Redis): several
 * managers sharing one store stand for several instances of an application.
 *
 * - I3: "log out everywhere" refuses every token issued before it returns and accepts every token
 *   issued after, within the same second, on every instance; flask-minted tokens (whole-second
 *   iat, random v4 jti) of the logout's second are over-revoked, never under-revoked.
 * - I4: the refresh reuse interval: concurrent refreshes with one token all end with a working
 *   session and nothing revoked; an older generation, or a strict interval, still revokes the family.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtManager, getJwt, isClientError, type JwtManagerOptions, type TokenPair } from '../../src/index.js';
import type { RevocationStore } from '../../src/stores/types.js';
import { callRoute, portOf } from '../helpers/core-request.js';

export const SECRET = 'revocation-invariants-secret-0123456789abcdef012345';
export const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** What a backend gives the suite: one store per "instance" over the same data. */
export interface InvariantHarness {
  stores(count: number): RevocationStore[] | Promise<RevocationStore[]>;
}

/** One refresh, as a refresh route does it: verify (claims the token), then rotate. */
export async function refresh(
  jwt: JwtManager,
  refreshToken: string,
): Promise<{ status: number; body?: unknown; pair?: TokenPair }> {
  const carrier = {};
  try {
    await jwt.verifyRequest(carrier, portOf(bearer(refreshToken)), jwt.compileRoute({ refresh: true }));
  } catch (error) {
    if (!isClientError(error)) throw error;
    const response = await jwt.errorResponse(error);
    return { status: response.status, body: response.body };
  }
  const payload = getJwt(carrier);
  return { status: 200, pair: await jwt.rotateTokens(payload, payload.sub as string) };
}

const status = async (jwt: JwtManager, token: string, refreshRoute = false): Promise<number> =>
  (await callRoute(jwt, bearer(token), { refresh: refreshRoute })).status;

/** Registers the suite for one backend. */
export function runRevocationInvariants(name: string, harness: InvariantHarness): void {
  const managers = async (count: number, options: Partial<JwtManagerOptions> = {}): Promise<JwtManager[]> =>
    (await harness.stores(count)).map((blocklist) => new JwtManager({ secretKey: SECRET, blocklist, ...options }));

  describe(`revocation invariants: ${name}`, () => {
    it('I3: log out everywhere is exact to the millisecond on every instance, inside one second', async () => {
      // One shared clock for both instances, inside a single second of 2030.
      const second = Date.UTC(2030, 0, 1, 12, 0, 0);
      let now = second + 100;
      const [a, b] = (await managers(2, { clock: () => now })) as [JwtManager, JwtManager];
      const mint = async (jwt: JwtManager, identity = 'alice') => [
        await jwt.createAccessToken(identity),
        await jwt.createRefreshToken(identity),
      ];
      // A flask-minted token: whole-second iat and a random (v4) jti, no sub-second time to read.
      const flaskLike = (jwt: JwtManager) =>
        jwt.createAccessToken('alice', { additionalClaims: { jti: randomUUID() } });

      const before: string[] = [];
      const flaskBefore: string[] = [];
      for (let ms = 100; ms <= 499; ms += 7) {
        now = second + ms;
        before.push(...(await mint(ms % 2 === 0 ? a : b)));
        if (ms % 5 === 0) flaskBefore.push(await flaskLike(b));
      }
      now = second + 500;
      before.push(...(await mint(a)), ...(await mint(b))); // the logout's own millisecond
      const bob = await a.createAccessToken('bob');
      await a.revokeAllTokensFor('alice');
      const after: string[] = [];
      const flaskSameSecond: string[] = [];
      for (let ms = 501; ms <= 999; ms += 7) {
        now = second + ms;
        after.push(...(await mint(ms % 2 === 0 ? b : a)));
        if (ms % 5 === 0) flaskSameSecond.push(await flaskLike(a));
      }
      now = second + 1000;
      const flaskNextSecond = await flaskLike(b);
      expect(before.length).toBeGreaterThanOrEqual(60);
      expect(after.length).toBeGreaterThanOrEqual(60);

      for (const jwt of [a, b]) {
        for (const token of before)
          expect(await status(jwt, token, jwt.decodeTokenSync(token).type === 'refresh')).toBe(401);
        for (const token of after)
          expect(await status(jwt, token, jwt.decodeTokenSync(token).type === 'refresh')).toBe(200);
        for (const token of flaskBefore) expect(await status(jwt, token)).toBe(401);
        // The ambiguous second is over-revoked: its iat cannot say which side of the logout it is.
        for (const token of flaskSameSecond) expect(await status(jwt, token)).toBe(401);
        expect(await status(jwt, flaskNextSecond)).toBe(200);
        expect(await status(jwt, bob)).toBe(200);
      }
    });

    it('I3: a login right after the logout works, on the real clock', async () => {
      const [a, b] = (await managers(2)) as [JwtManager, JwtManager];
      for (let round = 0; round < 20; round++) {
        const old = await a.createAccessToken(`carol-${round}`);
        await b.revokeAllTokensFor(`carol-${round}`);
        const fresh = await a.createAccessToken(`carol-${round}`);
        expect(await status(a, old)).toBe(401);
        expect(await status(b, fresh)).toBe(200);
      }
    });

    it('I4: 20 concurrent refreshes with one token across two instances: 20 working sessions, nothing revoked', async () => {
      const [a, b] = (await managers(2, { refreshTokenRotation: true })) as [JwtManager, JwtManager];
      for (let round = 0; round < 5; round++) {
        const login = await a.createTokenPair(`dave-${round}`);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => refresh(i % 2 === 0 ? a : b, login.refreshToken)),
        );
        expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
        // Nothing was revoked: the login's own access token and every new pair work everywhere.
        expect(await status(b, login.accessToken)).toBe(200);
        for (const [i, result] of results.entries()) {
          const pair = result.pair as TokenPair;
          expect(await status(i % 2 === 0 ? b : a, pair.accessToken)).toBe(200);
          // Each tab's new refresh token is a first use of its own.
          expect((await refresh(i % 2 === 0 ? b : a, pair.refreshToken)).status).toBe(200);
        }
        expect(await status(a, login.accessToken)).toBe(200);
      }
    });

    it('I4: an older generation is reuse even inside the interval, and revokes the family', async () => {
      const [a, b] = (await managers(2, { refreshTokenRotation: true, refreshReuseInterval: 60 })) as [
        JwtManager,
        JwtManager,
      ];
      const login = await a.createTokenPair('erin');
      const second = (await refresh(a, login.refreshToken)).pair as TokenPair;
      const third = (await refresh(b, second.refreshToken)).pair as TokenPair;
      expect(await status(a, third.accessToken)).toBe(200);
      expect(await refresh(b, login.refreshToken)).toEqual({
        status: 401,
        body: { msg: 'Refresh token reuse detected' },
      });
      for (const token of [login.accessToken, second.accessToken, third.accessToken]) {
        expect(await status(a, token)).toBe(401);
        expect(await status(b, token)).toBe(401);
      }
    });

    it('I4: the same token after the interval is reuse', async () => {
      const [a, b] = (await managers(2, { refreshTokenRotation: true, refreshReuseInterval: 0.3 })) as [
        JwtManager,
        JwtManager,
      ];
      const login = await a.createTokenPair('frank');
      const next = (await refresh(a, login.refreshToken)).pair as TokenPair;
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect((await refresh(b, login.refreshToken)).status).toBe(401);
      expect(await status(a, next.accessToken)).toBe(401);
    });

    it('I4: refreshReuseInterval 0 is strict single use: one of 20 concurrent refreshes wins, the family is revoked', async () => {
      const [a, b] = (await managers(2, { refreshTokenRotation: true, refreshReuseInterval: 0 })) as [
        JwtManager,
        JwtManager,
      ];
      const login = await a.createTokenPair('gina');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => refresh(i % 2 ? a : b, login.refreshToken)),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401)).toHaveLength(19);
      expect(await status(a, login.accessToken)).toBe(401);
    });
  });
}
