/**
 * The Redis store's near-cache on a real redis-server: answers from memory while the invalidation
 * link is proven, every write on another instance reaches it, and a lost link (closed, or silent)
 * means round trips, never a stale "not revoked".
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../../src/stores/redis.js';
import type { RedisSubscriberLike } from '../../src/stores/redis-near-cache.js';
import type { TokenRecord } from '../../src/stores/types.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
const clients: Redis[] = [];
const stores: RedisStore[] = [];

function connect(): Redis {
  const c = new Redis({ host: server.host, port: server.port });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const rec = (overrides: Partial<TokenRecord> = {}): TokenRecord => ({
  jti: randomUUID(),
  identity: 'alice',
  iat: Date.now() / 1000 + 3600, // after the stores' start-up cut-off
  exp: Date.now() / 1000 + 7200,
  ...overrides,
});

function pair(
  subscriber: RedisSubscriberLike = connect(),
  maxLagMs?: number,
  commandTimeoutMs = 5_000,
): { a: RedisStore; b: RedisStore } {
  const prefix = `near:${randomUUID()}:`;
  // A generous deadline by default: this is about exactness, and the shared test machine can be very busy.
  const common = { prefix, checkServerConfig: false, commandTimeoutMs };
  const a = createRedisStore(connect(), common);
  const b = createRedisStore(connect(), { ...common, nearCache: { subscriber, maxLagMs } });
  stores.push(a, b);
  return { a, b };
}

/** Waits until b answers `token` from its cache (a plain boolean, no round trip). */
async function warm(b: RedisStore, token: TokenRecord): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const answer = b.isRevoked(token);
    if (typeof answer === 'boolean') return answer;
    await answer;
    await sleep(10);
  }
  throw new Error('the near-cache never became usable');
}

async function eventuallyRevoked(b: RedisStore, token: TokenRecord, withinMs = 3_000): Promise<number> {
  const start = performance.now();
  while (!(await b.isRevoked(token))) {
    if (performance.now() - start > withinMs) throw new Error('revocation never reached the other instance');
    await sleep(1);
  }
  return performance.now() - start;
}

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const store of stores) await store.close();
  for (const c of clients) c.disconnect();
  await server.stop();
});

describe('Redis near-cache', () => {
  it('answers from memory, and every kind of write on another instance reaches it', async () => {
    const { a, b } = pair();
    const token = rec({ family: 'fam-1' });
    expect(await warm(b, token)).toBe(false);

    await a.revoke(token, 600);
    await eventuallyRevoked(b, token);

    const other = rec({ identity: 'bob' });
    expect(await warm(b, other)).toBe(false);
    await a.revokeAllFor('bob', (other.iat as number) + 1, 600);
    await eventuallyRevoked(b, other);

    const member = rec({ identity: 'carol', family: 'fam-2' });
    expect(await warm(b, member)).toBe(false);
    await a.revokeFamily('fam-2', 600);
    await eventuallyRevoked(b, member);
  });

  // 300 here (the test machine is shared); `npm run bench` measures the propagation over 1 000.
  it('300 revocations on A while B keeps answering: every one refused on B, none left stale', async () => {
    const { a, b } = pair();
    const tokens = Array.from({ length: 300 }, () => rec());
    for (const token of tokens.slice(0, 50)) await b.isRevoked(token);
    await warm(b, tokens[0] as TokenRecord);
    let reading = true;
    const reader = (async () => {
      while (reading) {
        for (const token of tokens.slice(0, 100)) await b.isRevoked(token);
        // Cached answers are synchronous: yield so sockets and timers run, as a server would.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    reader.catch(() => undefined); // awaited below; a failure there fails the test
    const delays: number[] = [];
    for (const token of tokens) {
      await a.revoke(token, 600);
      delays.push(await eventuallyRevoked(b, token));
    }
    reading = false;
    await reader;
    await sleep(100);
    for (const token of tokens) expect(await b.isRevoked(token)).toBe(true);
    expect(delays).toHaveLength(300);
  }, 60_000);

  it('a closed subscriber link turns the cache off: round trips, no stale answer', async () => {
    const subscriber = connect();
    const { a, b } = pair(subscriber);
    const token = rec();
    expect(await warm(b, token)).toBe(false);
    const admin = connect();
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await sleep(50); // the close event
    const answer = b.isRevoked(token);
    expect(typeof answer).not.toBe('boolean');
    await a.revoke(token, 600);
    expect(await b.isRevoked(token)).toBe(true);
    // ioredis reconnects and resubscribes: the cache is proven and used again.
    const later = rec();
    expect(await warm(b, later)).toBe(false);
  });

  it('a silently dead link (messages stop, no close event) stops the cache within maxLagMs', async () => {
    const real = connect();
    let deliver = true;
    // A network partition that drops the subscriber's traffic without closing it.
    const silent: RedisSubscriberLike = {
      subscribe: (channel) => real.subscribe(channel),
      unsubscribe: (channel) => real.unsubscribe(channel),
      on: (event, listener) => {
        if (event !== 'message') return real.on(event, listener);
        return real.on('message', (channel: string, message: string) => {
          if (deliver) listener(channel, message);
        });
      },
      removeListener: (event, listener) => real.removeListener(event, listener),
    };
    const maxLagMs = 300;
    const { a, b } = pair(silent, maxLagMs);
    const token = rec();
    expect(await warm(b, token)).toBe(false);
    deliver = false;
    const revokedAt = performance.now();
    await a.revoke(token, 600);
    // Stale answers are possible only until the missing heartbeats give the link away.
    for (;;) {
      const answer = await b.isRevoked(token);
      const elapsed = performance.now() - revokedAt;
      if (answer) break;
      expect(elapsed).toBeLessThan(maxLagMs + 2_000);
      await sleep(5);
    }
    expect(typeof b.isRevoked(token)).not.toBe('boolean');
  });

  it('a slow link (messages in order, each a second late) is not taken for a proven one: no stale answer', async () => {
    const real = connect();
    const delayMs = 1_000;
    // Congestion, or a subscriber whose output buffer has backed up: nothing is lost, all is late.
    const slow: RedisSubscriberLike = {
      subscribe: (channel) => real.subscribe(channel),
      unsubscribe: (channel) => real.unsubscribe(channel),
      on: (event, listener) => {
        if (event !== 'message') return real.on(event, listener);
        return real.on('message', (channel: string, message: string) => {
          setTimeout(() => listener(channel, message), delayMs);
        });
      },
      removeListener: (event, listener) => real.removeListener(event, listener),
    };
    const maxLagMs = 300;
    const { a, b } = pair(slow, maxLagMs);
    const token = rec();
    // Heartbeats keep arriving (late): a link judged by when they arrive would look healthy. Round
    // trips once subscribed fill B's cache with "not revoked".
    await sleep(delayMs + 300);
    for (let i = 0; i < 3; i++) expect(await b.isRevoked(token)).toBe(false);
    await a.revoke(token, 600);
    // From the moment the revocation returned, B must refuse it: the late invalidation cannot be
    // waited for, so B must not answer from memory at all.
    const until = performance.now() + delayMs + 200;
    while (performance.now() < until) {
      expect(await b.isRevoked(token)).toBe(true);
      await sleep(5);
    }
  });

  describe('CLIENT PAUSE WRITE (used by FAILOVER and failover tooling)', () => {
    const pauseMs = 2_500;
    const maxLagMs = 200;
    const timeoutMs = 1_000;

    it('lookups keep answering by round trip (reads are not paused), and the cache does not answer while its link is unproven', async () => {
      const { a, b } = pair(connect(), maxLagMs, timeoutMs);
      const token = rec();
      expect(await warm(b, token)).toBe(false);
      const admin = connect();
      await admin.call('CLIENT', 'PAUSE', pauseMs, 'WRITE');
      const pausedAt = performance.now();
      let roundTrips = 0;
      // Nothing can be written during the pause, but failover tooling pauses an old primary while
      // writers move to the new one: an invalidation may be missing, so memory must not answer.
      while (performance.now() - pausedAt < pauseMs - 500) {
        const calledAt = performance.now();
        const answer = b.isRevoked(token);
        if (calledAt - pausedAt > maxLagMs + 50) expect(typeof answer).not.toBe('boolean');
        if (typeof answer !== 'boolean') roundTrips++;
        expect(await answer).toBe(false); // a 503 here: the lookup waited behind a paused command
        await sleep(20);
      }
      expect(roundTrips).toBeGreaterThan(5);
      // After the pause, the link is proven again and a revocation on A still reaches B.
      await sleep(pauseMs);
      expect(await warm(b, token)).toBe(false);
      await a.revoke(token, 600);
      await eventuallyRevoked(b, token);
    }, 20_000);

    it('control: the same lookups on a store without near-cache answer during the pause', async () => {
      const { b } = pair(connect(), maxLagMs, timeoutMs);
      const plain = createRedisStore(connect(), {
        prefix: `near:${randomUUID()}:`,
        checkServerConfig: false,
        commandTimeoutMs: timeoutMs,
      });
      stores.push(plain);
      const token = rec();
      expect(await plain.isRevoked(token)).toBe(false);
      expect(await warm(b, token)).toBe(false);
      await connect().call('CLIENT', 'PAUSE', 1_500, 'WRITE');
      const pausedAt = performance.now();
      while (performance.now() - pausedAt < 1_000) {
        expect(await plain.isRevoked(token)).toBe(false);
        await sleep(20);
      }
      await sleep(1_000);
    }, 20_000);
  });

  it('the heartbeat needs a connection of its own: the store client itself, or none to make one from, is refused', () => {
    const client = connect();
    const subscriber = connect();
    expect(() => createRedisStore(client, { nearCache: { subscriber, heartbeatClient: client } })).toThrow(
      /connection of its own/,
    );
    const plain = { call: (command: string, ...args: (string | number)[]) => client.call(command, ...args) };
    expect(() => createRedisStore(plain, { checkServerConfig: false, nearCache: { subscriber } })).toThrow(
      /heartbeatClient/,
    );
    const store = createRedisStore(plain, {
      checkServerConfig: false,
      detectEvictions: false,
      nearCache: { subscriber, heartbeatClient: connect() },
    });
    stores.push(store);
  });

  it('FLUSHALL: the instance that sees the loss announces the new epoch, cached answers go', async () => {
    const { a, b } = pair();
    const token = rec({ iat: Date.now() / 1000 });
    await sleep(5);
    const cached = { ...token, iat: Date.now() / 1000 };
    expect(await warm(b, cached)).toBe(false);
    await connect().flushall();
    expect(await a.isRevoked(rec({ iat: Date.now() / 1000 - 1 }))).toBe(true); // A finds the loss
    await eventuallyRevoked(b, cached);
  });
});
