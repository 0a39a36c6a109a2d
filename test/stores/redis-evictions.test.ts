/**
 * A real redis-server with a tiny `maxmemory` and `volatile-lru`: another application's keys push
 * revocation keys out (they have a TTL; the epoch key has none and stays, so the data-loss check
 * sees nothing). The store must see the evictions (`evicted_keys`) and over-revoke: a global
 * cut-off at the moment it sees them, reported through the hook and counted.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { createRedisStore, type RedisStore, type RedisStoreOptions } from '../../src/stores/redis.js';
import type { OverRevocation, TokenRecord } from '../../src/stores/types.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const servers: RedisServer[] = [];
const clients: Redis[] = [];
const stores: RedisStore[] = [];

function connect(port: number, options: { username?: string; password?: string } = {}): Redis {
  const c = new Redis({ host: '127.0.0.1', port, ...options });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

function store(client: Redis, options: RedisStoreOptions): RedisStore {
  const s = createRedisStore(client, { checkServerConfig: false, commandTimeoutMs: 2_000, ...options });
  stores.push(s);
  return s;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => Date.now() / 1000;
const rec = (jti: string, iat = now()): TokenRecord => ({ jti, identity: 'alice', iat, exp: iat + 900 });

async function until(condition: () => boolean | Promise<boolean>, what: string, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function info(admin: Redis, field: string): Promise<number> {
  const text = await admin.info();
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(text)?.[1]);
}

/** Caps memory a little above what is used now, with `policy`. */
async function squeeze(admin: Redis, policy: string): Promise<void> {
  await admin.config('SET', 'maxmemory', String((await info(admin, 'used_memory')) + 1_000_000));
  await admin.config('SET', 'maxmemory-policy', policy);
}

/**
 * Another application writes volatile keys (10 kB each, with a TTL) until Redis evicted `atLeast`
 * keys; then the cap is lifted (as an operator would), so our own later writes evict nothing more
 * and the test can count the cut-offs exactly.
 */
async function fill(admin: Redis, atLeast: number): Promise<void> {
  const value = 'x'.repeat(10_000);
  for (let batch = 0; (await info(admin, 'evicted_keys')) < atLeast; batch++) {
    if (batch > 200) throw new Error('Redis never evicted anything');
    const pipeline = admin.pipeline();
    for (let i = 0; i < 50; i++) pipeline.set(`other-app:${batch}:${i}`, value, 'EX', 600);
    await pipeline.exec();
  }
  await admin.config('SET', 'maxmemory', '0');
}

/** How many of `tokens`' jti keys Redis still holds (SCAN does not touch the LRU clock). */
async function surviving(admin: Redis, prefix: string, tokens: readonly TokenRecord[]): Promise<number> {
  const wanted = new Set(tokens.map((t) => `${prefix}jti:${t.jti}`));
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}jti:*`, 'COUNT', 1000);
    cursor = next;
    count += keys.filter((k) => wanted.has(k)).length;
  } while (cursor !== '0');
  return count;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const c of clients.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.stop();
});

describe('Redis evictions (volatile-lru, tiny maxmemory)', () => {
  it('found in the same step as the lookup or claim: every revoked token refused, one cut-off per eviction seen', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const admin = connect(server.port);
    await squeeze(admin, 'volatile-lru');
    const prefix = `evict:${randomUUID()}:`;
    const losses: OverRevocation[] = [];
    // No periodic re-check during the test: only the lookups and claims can find the evictions.
    const options = { prefix, evictionCheckMs: 600_000, onOverRevocation: (e: OverRevocation) => losses.push(e) };
    const a = store(connect(server.port), options);
    const b = store(connect(server.port), { ...options, nearCache: { subscriber: connect(server.port) } });
    // Control: the same data without detection.
    const blind = store(connect(server.port), { prefix, detectEvictions: false });
    await until(() => a.evictionMode() === 'guarded' && b.evictionMode() === 'guarded', 'the start-up checks');
    expect(blind.evictionMode()).toBe('off');
    await sleep(5);
    const revoked = Array.from({ length: 50 }, (_, i) => rec(`revoked-${i}`));
    for (const token of revoked) await a.revoke(token, 600);
    const refresh = rec('refresh-1');
    expect(await a.claimRefreshToken(refresh, 600, 0)).toBe('first');
    const honest = rec('honest');
    for (const token of revoked) expect(await b.isRevoked(token)).toBe(true);
    expect(await a.isRevoked(honest)).toBe(false);
    losses.length = 0; // the first start's data-loss cut-off

    await fill(admin, 2_000);
    // What the other application's keys did: most revocation keys are gone, the epoch is not.
    const left = await surviving(admin, prefix, revoked);
    expect(left).toBeLessThan(revoked.length);
    expect(await admin.exists(`${prefix}epoch`)).toBe(1);
    const evictedToken = await (async () => {
      for (const token of revoked) if ((await admin.exists(`${prefix}jti:${token.jti}`)) === 0) return token;
      throw new Error('no revocation key was evicted');
    })();
    expect(await blind.isRevoked(evictedToken)).toBe(false); // what happens without detection

    // The claim sees the evictions first: it writes nothing and fails (503).
    const claim = await Promise.resolve(b.claimRefreshToken(refresh, 600, 0)).catch((e: unknown) => e);
    expect(claim).toBeInstanceOf(StoreUnavailableError);
    expect(losses).toEqual([{ reason: 'eviction', scope: 'global', cutoff: expect.any(Number) }]);
    expect(losses[0]?.cutoff).toBeGreaterThan(honest.iat as number);
    for (const token of [...revoked, refresh]) {
      expect(await a.isRevoked(token)).toBe(true);
      expect(await b.isRevoked(token)).toBe(true);
    }
    // The cost: a token issued before the eviction was seen logs in again.
    expect(await a.isRevoked(honest)).toBe(true);

    // More evictions, found this time by a lookup: another cut-off, reported once.
    await sleep(5);
    const before = rec('before-second-wave');
    expect(await a.isRevoked(before)).toBe(false);
    const evictedSoFar = await info(admin, 'evicted_keys');
    await squeeze(admin, 'volatile-lru');
    await fill(admin, evictedSoFar + 100);
    expect(await b.isRevoked(before)).toBe(true);
    expect(await a.isRevoked(before)).toBe(true);
    expect(losses.map((e) => e.reason)).toEqual(['eviction', 'eviction']);
    expect(a.overRevocations.eviction + b.overRevocations.eviction).toBe(2);
    await sleep(5);
    expect(await a.isRevoked(rec('after'))).toBe(false);
    expect(await b.isRevoked(rec('after'))).toBe(false);
  });

  it('an evicting policy switched on at runtime is found by the periodic check', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const admin = connect(server.port);
    const losses: OverRevocation[] = [];
    const prefix = `switch:${randomUUID()}:`;
    const s = store(connect(server.port), { prefix, evictionCheckMs: 100, onOverRevocation: (e) => losses.push(e) });
    await until(() => s.evictionMode() === 'cannot-evict', 'the start-up check');
    await sleep(5);
    const revoked = Array.from({ length: 20 }, (_, i) => rec(`revoked-${i}`));
    for (const token of revoked) await s.revoke(token, 600);
    losses.length = 0;

    await squeeze(admin, 'volatile-lru');
    await fill(admin, 500);
    await squeeze(admin, 'volatile-lru'); // the cap again: the periodic check must see an evicting server
    await until(() => s.evictionMode() === 'guarded', 'the periodic check to see the policy');
    await until(() => losses.length > 0, 'the periodic check to see the evictions');
    expect(losses.every((e) => e.reason === 'eviction' && e.scope === 'global')).toBe(true);
    for (const token of revoked) expect(await s.isRevoked(token)).toBe(true);
  });

  it('where INFO is not allowed: a warning, and plain lookups', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const admin = connect(server.port);
    await admin.call('ACL', 'SETUSER', 'noinfo', 'on', '>pw', '~*', '&*', '+@all', '-info');
    const warnings: string[] = [];
    const s = store(connect(server.port, { username: 'noinfo', password: 'pw' }), {
      prefix: `noinfo:${randomUUID()}:`,
      onWarning: (w) => warnings.push(w),
    });
    await until(() => s.evictionMode() === 'no-info', 'the start-up check');
    expect(warnings).toEqual([expect.stringMatching(/refused INFO.*cannot see evictions.*noeviction/)]);
    await sleep(5);
    const token = rec('t');
    expect(await s.isRevoked(token)).toBe(false);
    await s.revoke(token, 60);
    expect(await s.isRevoked(token)).toBe(true);
  });
});
