/**
 * Revocation through the manager on a real redis-server: two managers (two processes' worth of
 * state) share revocations, rotation races resolve to exactly one winner, and an outage fails
 * closed with 503 then recovers.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtManager } from '../../src/index.js';
import { createRedisStore } from '../../src/stores/redis.js';
import { callRoute } from '../helpers/core-request.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

const SECRET = 'redis-revocation-secret-0123456789abcdef0123456789';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

let server: RedisServer;
const clients: Redis[] = [];

function client(): Redis {
  const redis = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}

function manager(options: { rotation?: boolean; failOpen?: boolean } = {}): JwtManager {
  return new JwtManager({
    secretKey: SECRET,
    blocklist: createRedisStore(client(), {
      commandTimeoutMs: 300,
      failOpen: options.failOpen ?? false,
      checkServerConfig: false,
    }),
    refreshTokenRotation: options.rotation ?? false,
    refreshReuseInterval: 0, // strict single use; the interval is covered in test/revocation
  });
}

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await server?.stop();
});

describe('Redis-backed revocation through the manager', () => {
  it('shares a logout between two instances', async () => {
    const [one, two] = [manager(), manager()];
    const token = await one.createAccessToken('alice');
    expect((await callRoute(two, bearer(token))).status).toBe(200);
    await one.revokeToken(token);
    expect(await callRoute(two, bearer(token))).toEqual({ status: 401, body: { msg: 'Token has been revoked' } });
    await two.revokeAllTokensFor('bob');
    const bobOld = await one.createAccessToken('bob');
    // issued right after the cut-off (same second or not): accepted (see revokeAllTokensFor)
    expect((await callRoute(one, bearer(bobOld))).status).toBe(200);
  });

  it('lets exactly one of many simultaneous refreshes win, across instances, many times', async () => {
    const instances = [manager({ rotation: true }), manager({ rotation: true }), manager({ rotation: true })];
    for (let round = 0; round < 25; round++) {
      const { refreshToken } = await (instances[0] as JwtManager).createTokenPair(`user-${round}`);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          callRoute(instances[i % instances.length] as JwtManager, bearer(refreshToken), { refresh: true }),
        ),
      );
      expect(
        results.filter((r) => r.status === 200),
        `round ${round}`,
      ).toHaveLength(1);
      expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);
    }
  });

  it('fails closed with 503 while Redis is down, fails open when asked, and recovers', async () => {
    const closed = manager();
    const open = manager({ failOpen: true });
    const token = await closed.createAccessToken('alice');
    const revoked = await closed.createAccessToken('alice');
    await closed.revokeToken(revoked);
    await server.kill();
    try {
      expect(await callRoute(closed, bearer(token))).toEqual({
        status: 503,
        body: { msg: 'Token revocation store unavailable' },
      });
      expect(await callRoute(closed, bearer(revoked))).toEqual({
        status: 503,
        body: { msg: 'Token revocation store unavailable' },
      });
      expect((await callRoute(open, bearer(token))).status).toBe(200);
    } finally {
      await server.restart();
    }
    // Back, empty (no persistence in tests): the store sees the loss and refuses every token
    // issued before it, the revoked one included; a new login works.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 401; attempt++) {
      status = (await callRoute(closed, bearer(revoked))).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect((await callRoute(closed, bearer(token))).status).toBe(401);
    await new Promise((r) => setTimeout(r, 5));
    expect((await callRoute(closed, bearer(await closed.createAccessToken('alice')))).status).toBe(200);
  });
});
