/**
 * The Redis store against a real redis-server that crashes, comes back and stalls. The rule under
 * test: while Redis cannot answer, nothing is ever accepted as "not revoked" (unless the store
 * fails open), no call waits much past its deadline, nothing escapes as an unhandled rejection,
 * and service resumes by itself when Redis is back.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import {
  createRedisStore,
  STORE_UNAVAILABLE_MESSAGE,
  type RedisLike,
  type RedisStore,
} from '../../src/stores/redis.js';
import type { OverRevocation, TokenRecord } from '../../src/stores/types.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const T = 1_700_000_000;
/** For stores whose tests are not about data loss: see QUIET in redis.test.ts. */
const QUIET = { checkServerConfig: false, clock: () => T - 3600 } as const;
const DEADLINE_MS = 200;
/** Scheduling slack on top of the deadline; a hang would blow far past it. */
const SLACK_MS = 1_000;

let server: RedisServer;
const clients: Redis[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

function connect(options: RedisOptions = {}): Redis {
  // Default ioredis options unless a test says otherwise: offline queue on, 20 retries per command.
  const c = new Redis({ host: server.host, port: server.port, ...options });
  c.on('error', () => {}); // what the store docs ask every application to do
  clients.push(c);
  return c;
}

function rec(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return { jti: 'j1', identity: 'alice', iat: T, exp: T + 900, ...overrides };
}

/** Settles `promise` and measures how long that took. */
async function timed<V>(promise: V | Promise<V>): Promise<{ ms: number; result: PromiseSettledResult<V> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - start, result: result as PromiseSettledResult<V> };
}

function expectUnavailable(result: PromiseSettledResult<unknown>): void {
  expect(result.status).toBe('rejected');
  const reason = (result as PromiseRejectedResult).reason as unknown;
  expect(reason).toBeInstanceOf(StoreUnavailableError);
  expect((reason as Error).message).toBe(STORE_UNAVAILABLE_MESSAGE);
}

/** Polls until `check` resolves, as a client retrying after a 503 would. */
async function eventually<V>(check: () => V | Promise<V>, withinMs = 8_000): Promise<V> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startRedisServer();
});

afterEach(async () => {
  if (!server.running) await server.restart();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server?.stop();
  process.removeListener('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('redis store faults', () => {
  it('Redis killed (kill -9, no persistence): fails closed, then refuses everything issued before the loss (I2)', async () => {
    const client = connect();
    const prefix = `faults:${randomUUID()}:`;
    const failures: StoreUnavailableError[] = [];
    const losses: OverRevocation[] = [];
    const store = createRedisStore(client, {
      prefix,
      commandTimeoutMs: DEADLINE_MS,
      checkServerConfig: false,
      onOverRevocation: (e) => losses.push(e),
    });
    const openStore = createRedisStore(client, {
      prefix,
      commandTimeoutMs: DEADLINE_MS,
      failOpen: true,
      checkServerConfig: false,
      onError: (e) => failures.push(e),
      onOverRevocation: (e) => losses.push(e),
    });
    expect(await store.isRevoked(rec({ jti: 'probe', iat: Date.now() / 1000 + 1 }))).toBe(false);
    // The first store on an empty prefix wrote the epoch (one report for both stores).
    expect(losses).toHaveLength(1);
    await sleep(5);
    const issued = Date.now() / 1000;
    const revoked = rec({ jti: 'revoked', iat: issued });
    const honest = rec({ jti: 'honest', iat: issued });
    await store.revoke(revoked, 600);
    expect(await store.isRevoked(revoked)).toBe(true);
    expect(await store.isRevoked(honest)).toBe(false);

    await server.kill();

    const check = await timed(store.isRevoked(revoked));
    expectUnavailable(check.result);
    expect(check.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);

    // Every write fails too, each within its own deadline.
    const writes = await Promise.all([
      timed(store.revoke(rec({ jti: 'during' }), 60)),
      timed(store.revokeAllFor('alice', T, 60)),
      timed(store.revokeFamily('f1', 60)),
      timed(store.claimRefreshToken(rec({ jti: 'r1' }), 60, 10)),
    ]);
    for (const w of writes) {
      expectUnavailable(w.result);
      expect(w.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    }

    // Fail closed: a burst of checks while down, and not one says "not revoked".
    const burst = await Promise.allSettled(Array.from({ length: 100 }, () => store.isRevoked(revoked)));
    expect(burst.every((r) => r.status === 'rejected' && r.reason instanceof StoreUnavailableError)).toBe(true);

    // Fail open: the read answers false (and is reported); writes still throw.
    const open = await timed(openStore.isRevoked(revoked));
    expect(open.result).toEqual({ status: 'fulfilled', value: false });
    expect(open.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(StoreUnavailableError);
    expectUnavailable((await timed(openStore.revoke(rec(), 60))).result);

    await server.restart();

    // ioredis reconnects on its own. The crash lost the revocation, and the store notices: the
    // revoked token stays refused, at the cost of the honest token issued before the loss.
    expect(await eventually(() => store.isRevoked(revoked))).toBe(true);
    expect(await store.isRevoked(honest)).toBe(true);
    expect(await openStore.isRevoked(revoked)).toBe(true);
    expect(losses).toHaveLength(2);
    expect(losses[1]).toMatchObject({ reason: 'data-loss', scope: 'global' });
    expect(losses[1]?.cutoff).toBeGreaterThan(issued);
    // A login after the loss works; new writes and reads work again.
    await sleep(5);
    const after = rec({ jti: 'after', iat: Date.now() / 1000 });
    expect(await store.isRevoked(after)).toBe(false);
    expect(await openStore.isRevoked(after)).toBe(false);
    await store.revoke(after, 60);
    expect(await openStore.isRevoked(after)).toBe(true);
    expect(await store.claimRefreshToken(rec({ jti: randomUUID() }), 60, 10)).toBe('first');
    expect(losses).toHaveLength(2);
  });

  it('FLUSHALL is detected by every instance; one global cut-off, reported once (I2)', async () => {
    const prefix = `faults:${randomUUID()}:`;
    const losses: OverRevocation[] = [];
    const options = { prefix, checkServerConfig: false, onOverRevocation: (e: OverRevocation) => losses.push(e) };
    const stores = [createRedisStore(connect(), options), createRedisStore(connect(), options)];
    const [a, b] = stores as [RedisStore, RedisStore];
    await a.isRevoked(rec({ iat: Date.now() / 1000 + 60 }));
    await b.isRevoked(rec({ iat: Date.now() / 1000 + 60 }));
    losses.length = 0;
    await sleep(5);
    const issued = Date.now() / 1000;
    const revoked = Array.from({ length: 25 }, (_, i) => rec({ jti: `revoked-${i}`, iat: issued }));
    for (const token of revoked) await a.revoke(token, 600);
    await b.revokeAllFor('bob', issued + 0.0005, 600);
    for (const token of revoked) expect(await b.isRevoked(token)).toBe(true);

    const admin = connect();
    await admin.flushall();

    // Both instances check at once: each sees the loss, exactly one cut-off is written.
    const answers = await Promise.all(revoked.flatMap((token) => [a.isRevoked(token), b.isRevoked(token)]));
    expect(answers.every((revokedNow) => revokedNow)).toBe(true);
    expect(await b.isRevoked(rec({ identity: 'bob', jti: 'bob-1', iat: issued }))).toBe(true);
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ reason: 'data-loss', scope: 'global' });
    await sleep(5);
    expect(await a.isRevoked(rec({ jti: 'new', iat: Date.now() / 1000 }))).toBe(false);
  });

  it('warns at start-up about no persistence and an evicting maxmemory-policy, and notes a refused CONFIG', async () => {
    const admin = connect();
    const warnings: string[] = [];
    const check = (c: RedisLike) =>
      createRedisStore(c, { prefix: `faults:${randomUUID()}:`, onWarning: (w) => warnings.push(w) }).checkServer();
    // The test server runs with save "" and appendonly no.
    expect(await check(admin)).toEqual([expect.stringMatching(/no persistence/)]);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const both = await check(admin);
      expect(both).toHaveLength(2);
      expect(both[1]).toMatch(/maxmemory-policy is allkeys-lru/);
      // RDB snapshots count as persistence (a rule this far out never writes during the test).
      await admin.config('SET', 'save', '86400 1000000');
      expect(await check(admin)).toEqual([expect.stringMatching(/maxmemory-policy is allkeys-lru/)]);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'save', '');
    }
    await admin.call('ACL', 'SETUSER', 'noconfig', 'on', '>pw', '~*', '&*', '+@all', '-config');
    const limited = connect({ username: 'noconfig', password: 'pw' });
    expect(await check(limited)).toEqual([expect.stringMatching(/could not read the Redis configuration/)]);
    expect(warnings).toHaveLength(5);
  });

  it('commands abandoned at the deadline that fail later never become unhandled rejections', async () => {
    // Few retries, slow reconnects: queued commands give up well after the store's deadline.
    const client = connect({ maxRetriesPerRequest: 1, retryStrategy: () => 300 });
    const store = createRedisStore(client, { ...QUIET, prefix: `faults:${randomUUID()}:`, commandTimeoutMs: 50 });
    expect(await store.isRevoked(rec())).toBe(false);

    await server.kill();
    const results = await Promise.allSettled([
      store.isRevoked(rec()),
      store.revoke(rec(), 60),
      store.claimRefreshToken(rec({ jti: 'r1' }), 60, 10),
    ]);
    for (const r of results) expectUnavailable(r);

    await sleep(1_000); // long enough for ioredis to flush its queue with errors
    expect(unhandled).toEqual([]);
    await server.restart();
    await eventually(() => store.isRevoked(rec()));
  });

  it('a client without offline queue fails at once instead of at the deadline', async () => {
    const client = connect({ enableOfflineQueue: false });
    const store = createRedisStore(client, { ...QUIET, prefix: `faults:${randomUUID()}:`, commandTimeoutMs: 5_000 });
    // Without a queue even the first command needs the connection up.
    if (client.status !== 'ready') await once(client, 'ready');
    expect(await store.isRevoked(rec())).toBe(false);
    await server.kill();
    await sleep(50); // let the client notice the closed socket
    const check = await timed(store.isRevoked(rec()));
    expectUnavailable(check.result);
    expect(check.ms).toBeLessThan(1_000); // far below the 5 s deadline: it did not wait for it
    await server.restart();
    expect(await eventually(() => store.isRevoked(rec()))).toBe(false);
  });

  it('a stalled Redis (CLIENT PAUSE) times out, then recovers with replies still matched to their commands', async () => {
    const client = connect();
    const admin = connect();
    const prefix = `faults:${randomUUID()}:`;
    const store = createRedisStore(client, { ...QUIET, prefix, commandTimeoutMs: DEADLINE_MS });
    const openStore = createRedisStore(client, { ...QUIET, prefix, commandTimeoutMs: DEADLINE_MS, failOpen: true });
    await store.revoke(rec({ jti: 'revoked' }), 600);

    await admin.call('CLIENT', 'PAUSE', 1_000, 'ALL');
    const pausedAt = Date.now();

    const check = await timed(store.isRevoked(rec({ jti: 'revoked' })));
    expectUnavailable(check.result);
    expect(check.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(check.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(await openStore.isRevoked(rec({ jti: 'revoked' }))).toBe(false);
    // A write that timed out is not undone: Redis applies it once the pause ends (documented).
    expectUnavailable((await timed(store.revoke(rec({ jti: 'late' }), 60))).result);

    await sleep(Math.max(0, 1_000 - (Date.now() - pausedAt)) + 100);
    expect(await store.isRevoked(rec({ jti: 'revoked' }))).toBe(true);
    expect(await store.isRevoked(rec({ jti: 'late' }))).toBe(true);
    expect(await store.isRevoked(rec({ jti: 'never' }))).toBe(false);
    expect(await store.claimRefreshToken(rec({ jti: 'r1' }), 60, 0)).toBe('first');
    expect(await store.claimRefreshToken(rec({ jti: 'r1' }), 60, 0)).toBe('reuse');
  });
});
