/**
 * Revocation through the manager on the default memory store: revoke one token, log out
 * everywhere, refresh-token rotation with reuse detection (including the concurrent race).
 */
import { describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager, getJwt } from '../../src/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { callRoute, portOf } from '../helpers/core-request.js';

const SECRET = 'revocation-tests-secret-0123456789abcdef0123456789';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('revocation on the default memory store', () => {
  it('refuses a revoked token and keeps others', async () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    const a = await jwt.createAccessToken('alice');
    const b = await jwt.createAccessToken('alice');
    expect((await callRoute(jwt, bearer(a))).status).toBe(200);
    await jwt.revokeToken(a);
    expect(await callRoute(jwt, bearer(a))).toEqual({ status: 401, body: { msg: 'Token has been revoked' } });
    expect((await callRoute(jwt, bearer(b))).status).toBe(200);
    expect((await callRoute(jwt, bearer(a), { skipRevocationCheck: true })).status).toBe(200);
  });

  it('revokes the verified payload of the current request (logout)', async () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    const token = await jwt.createRefreshToken('alice');
    const req = {};
    await jwt.verifyRequest(req, portOf(bearer(token)), jwt.compileRoute({ refresh: true }));
    await jwt.revokeToken(getJwt(req));
    expect(await callRoute(jwt, bearer(token), { refresh: true })).toEqual({
      status: 401,
      body: { msg: 'Token has been revoked' },
    });
  });

  it('refuses to revoke the empty payload of an optional route that got no token', async () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    const req = {};
    await jwt.verifyRequest(req, portOf({}), jwt.compileRoute({ optional: true }));
    expect(getJwt(req)).toEqual({});
    await expect(jwt.revokeToken(getJwt(req))).rejects.toMatchObject({
      code: 'ERR_JWT_NOT_VERIFIED',
      message: 'revokeToken needs a token or its verified payload: this one has no jti',
    });
  });

  it('logs a user out everywhere: earlier tokens refused, other users and new logins accepted', async () => {
    let now = Date.UTC(2030, 0, 1, 12, 0, 0, 500);
    const jwt = new JwtManager({
      secretKey: SECRET,
      clock: () => now,
      blocklist: createMemoryStore({ clock: () => now / 1000 }),
    });
    const old = await jwt.createAccessToken('alice');
    const oldRefresh = await jwt.createRefreshToken('alice');
    const bob = await jwt.createAccessToken('bob');
    now += 5_000;
    await jwt.revokeAllTokensFor('alice');
    now += 1; // the frozen test clock must leave the logout's millisecond, as a real one does
    const fresh = await jwt.createAccessToken('alice');
    expect(await callRoute(jwt, bearer(old))).toEqual({ status: 401, body: { msg: 'Token has been revoked' } });
    expect((await callRoute(jwt, bearer(oldRefresh), { refresh: true })).status).toBe(401);
    expect((await callRoute(jwt, bearer(bob))).status).toBe(200);
    // Issued in the same second as the logout, a millisecond later: a new login works at once.
    expect((await callRoute(jwt, bearer(fresh))).status).toBe(200);
  });

  it('honours a tokenInBlocklistLoader given in the options', async () => {
    const jwt = new JwtManager({ secretKey: SECRET, tokenInBlocklistLoader: (_h, p) => p.sub === 'mallory' });
    expect(await callRoute(jwt, bearer(await jwt.createAccessToken('mallory')))).toEqual({
      status: 401,
      body: { msg: 'Token has been revoked' },
    });
    expect((await callRoute(jwt, bearer(await jwt.createAccessToken('alice')))).status).toBe(200);
  });

  it('lets a custom tokenInBlocklistLoader win over the store', async () => {
    const jwt = new JwtManager({ secretKey: SECRET, tokenInBlocklistLoader: () => false });
    const token = await jwt.createAccessToken('alice');
    await jwt.revokeToken(token);
    expect((await callRoute(jwt, bearer(token))).status).toBe(200);
  });
});

describe('refresh-token rotation', () => {
  /** Strict single use (reuse interval 0); the interval itself is covered in test/revocation. */
  const make = () =>
    new JwtManager({
      secretKey: SECRET,
      refreshTokenRotation: true,
      refreshReuseInterval: 0,
      blocklist: createMemoryStore(),
    });

  it('needs a store, said at start-up', () => {
    expect(() => new JwtManager({ secretKey: SECRET, refreshTokenRotation: true })).toThrow(JwtConfigError);
  });

  it('refuses a reuse interval that is not a number of seconds >= 0, at start-up', () => {
    for (const refreshReuseInterval of [-1, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      // A string is caught by the option table's type check, the rest by the range check: both say it.
      expect(
        () =>
          new JwtManager({
            secretKey: SECRET,
            refreshTokenRotation: true,
            refreshReuseInterval,
            blocklist: createMemoryStore(),
          }),
      ).toThrow(/refreshReuseInterval must be a number/);
    }
  });

  it('accepts a refresh token once, then revokes the whole family on reuse', async () => {
    const jwt = make();
    const first = await jwt.createTokenPair('alice');
    const req = {};
    await jwt.verifyRequest(req, portOf(bearer(first.refreshToken)), jwt.compileRoute({ refresh: true }));
    const second = await jwt.rotateTokens(getJwt(req), 'alice');
    expect(jwt.decodeTokenSync(second.refreshToken).fam).toBe(jwt.decodeTokenSync(first.refreshToken).fam);
    expect((await callRoute(jwt, bearer(second.accessToken))).status).toBe(200);

    const replay = await callRoute(jwt, bearer(first.refreshToken), { refresh: true });
    expect(replay).toEqual({ status: 401, body: { msg: 'Refresh token reuse detected' } });
    // The family is gone: the tokens the thief or the client got from the rotation are refused.
    for (const token of [second.accessToken, first.accessToken]) {
      expect(await callRoute(jwt, bearer(token))).toEqual({ status: 401, body: { msg: 'Token has been revoked' } });
    }
    expect((await callRoute(jwt, bearer(second.refreshToken), { refresh: true })).status).toBe(401);
    // Another login is another family.
    const other = await jwt.createTokenPair('alice');
    expect((await callRoute(jwt, bearer(other.accessToken))).status).toBe(200);
  });

  it('lets exactly one of many simultaneous exchanges succeed', async () => {
    const jwt = make();
    for (let round = 0; round < 20; round++) {
      const { refreshToken } = await jwt.createTokenPair(`user-${round}`);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => callRoute(jwt, bearer(refreshToken), { refresh: true })),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401)).toHaveLength(9);
    }
  });

  it('does not use up a refresh token at a route that does not refresh', async () => {
    const jwt = make();
    const { refreshToken } = await jwt.createTokenPair('alice');
    expect((await callRoute(jwt, bearer(refreshToken), { verifyType: false })).status).toBe(200);
    expect((await callRoute(jwt, bearer(refreshToken), { refresh: true })).status).toBe(200);
  });
});
