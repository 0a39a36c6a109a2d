/**
 * The revocation invariants on a real redis-server (one client and store per "instance"), plus
 * I5: a refresh claim whose write timed out (Redis paused past the command deadline) is not
 * mistaken for reuse when the client retries.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtManager, type TokenPair } from '../../src/index.js';
import { createRedisStore } from '../../src/stores/redis.js';
import { callRoute } from '../helpers/core-request.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { SECRET, bearer, refresh, runRevocationInvariants } from './invariants.js';

let server: RedisServer;
const clients: Redis[] = [];

function connect(): Redis {
  const redis = new Redis({ host: server.host, port: server.port });
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await server.stop();
});

runRevocationInvariants('redis', {
  stores: (count) => {
    const prefix = `inv:${randomUUID()}:`;
    // The fake-clock test mints tokens in 2030; the stores' own clock places the start-up global
    // cut-off (see createRedisStore) well before them.
    return Array.from({ length: count }, () =>
      createRedisStore(connect(), { prefix, checkServerConfig: false, clock: () => Date.now() / 1000 - 60 }),
    );
  },
});

describe('I5: an unknown outcome is not reuse (real Redis, CLIENT PAUSE past the deadline)', () => {
  // The deadline is generous because a CI worker shares two cores with the rest of the suite: a
  // revocation check (MGET, not paused) that misses a tight deadline would fail the request before
  // its claim is ever sent, and the scenario would not happen.
  const DEADLINE_MS = 500;
  const PAUSE_MS = 1500;

  /** Polls until `key` exists or `withinMs` passes; returns whether it exists. */
  async function eventuallyExists(admin: Redis, key: string, withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      if ((await admin.exists(key)) === 1) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return (await admin.exists(key)) === 1;
  }

  async function scenario(refreshReuseInterval: number) {
    const prefix = `i5:${randomUUID()}:`;
    const admin = connect();
    const [a, b] = [0, 1].map(
      () =>
        new JwtManager({
          secretKey: SECRET,
          refreshTokenRotation: true,
          refreshReuseInterval,
          blocklist: createRedisStore(connect(), {
            prefix,
            commandTimeoutMs: DEADLINE_MS,
            checkServerConfig: false,
            clock: () => Date.now() / 1000 - 60,
          }),
        }),
    ) as [JwtManager, JwtManager];
    const login = await a.createTokenPair('henry');
    expect(await callRoute(b, bearer(login.accessToken))).toMatchObject({ status: 200 });
    const jti = a.decodeTokenSync(login.refreshToken).jti as string;
    // WRITE pauses writes and scripts only: the revocation check (MGET) passes, the claim stalls.
    await admin.call('CLIENT', 'PAUSE', PAUSE_MS, 'WRITE');
    const stalled = await refresh(a, login.refreshToken);
    expect(stalled).toEqual({ status: 503, body: { msg: 'Token revocation store unavailable' } });
    // The timed-out claim lands once the pause ends: the token is marked used by a request the
    // client never got an answer to.
    expect(await eventuallyExists(admin, `${prefix}used:${jti}`, PAUSE_MS + 3000)).toBe(true);
    // The client retries, on the other instance.
    const retry = await refresh(b, login.refreshToken);
    return { a, b, login, retry };
  }

  it('the retry gets a working pair and nothing is revoked', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const { a, b, login, retry } = await scenario(10);
      expect(retry.status).toBe(200);
      const pair = retry.pair as TokenPair;
      expect((await callRoute(a, bearer(pair.accessToken))).status).toBe(200);
      expect((await callRoute(b, bearer(login.accessToken))).status).toBe(200);
      expect((await refresh(a, pair.refreshToken)).status).toBe(200);
    }
  });

  it('control: with a strict interval (0) the same retry is taken for reuse, so the test above can fail', async () => {
    const { a, login, retry } = await scenario(0);
    expect(retry).toEqual({ status: 401, body: { msg: 'Refresh token reuse detected' } });
    expect((await callRoute(a, bearer(login.accessToken))).status).toBe(401);
  });
});
