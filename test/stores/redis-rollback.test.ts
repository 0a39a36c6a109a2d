/**
 * Redis going back in time with its epoch key still there: a failover to a replica that lagged
 * (real primary and replica processes, the replica promoted, the primary killed), and a reload of
 * an earlier snapshot (`DEBUG RELOAD NOSAVE`, connections kept). The epoch check alone cannot see
 * either; the history counter must, and the fail-safe (a global cut-off at the moment it is seen)
 * must refuse every revoked token, once across instances, with the hook and the counter.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { createRedisStore, type RedisStore, type RedisStoreOptions } from '../../src/stores/redis.js';
import type { OverRevocation, TokenRecord } from '../../src/stores/types.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const servers: RedisServer[] = [];
const clients: Redis[] = [];
const stores: RedisStore[] = [];
const proxies: TcpProxy[] = [];

function connect(port: number): Redis {
  const c = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50 });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

function store(port: number, options: RedisStoreOptions): RedisStore {
  const s = createRedisStore(connect(port), { checkServerConfig: false, commandTimeoutMs: 2_000, ...options });
  stores.push(s);
  return s;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => Date.now() / 1000;
const rec = (jti: string, iat = now()): TokenRecord => ({ jti, identity: 'alice', iat, exp: iat + 900 });

/** Polls until `check` resolves (a client retrying after a 503 while the store reconnects). */
async function eventually<V>(check: () => V | Promise<V>, withinMs = 10_000): Promise<V> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const c of clients.splice(0)) c.disconnect();
  for (const p of proxies.splice(0)) await p.close();
  for (const s of servers.splice(0)) await s.stop();
});

describe('Redis rollback (epoch present, recent writes gone)', () => {
  it('failover to a replica that lagged: detected, one global cut-off, every revoked token refused', async () => {
    // No 5 s wait before the replica's first (diskless) sync.
    const primary = await startRedisServer({ args: ['--repl-diskless-sync-delay', '0'] });
    servers.push(primary);
    const replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    servers.push(replica);
    const proxy = await startTcpProxy(primary.port);
    proxies.push(proxy);
    const onReplica = connect(replica.port);

    const prefix = `rollback:${randomUUID()}:`;
    const losses: OverRevocation[] = [];
    const options = { prefix, onOverRevocation: (e: OverRevocation) => losses.push(e) };
    const a = store(proxy.port, options);
    const b = store(proxy.port, { ...options, nearCache: { subscriber: connect(proxy.port) } });
    await sleep(5);
    const synced = Array.from({ length: 10 }, (_, i) => rec(`synced-${i}`));
    for (const token of synced) await a.revoke(token, 600);
    // The replica has everything so far...
    await eventually(async () => expect(await onReplica.get(`${prefix}seq`)).toBe('10'));
    // ...then stops following: from here on it lags.
    await onReplica.call('REPLICAOF', 'NO', 'ONE');
    const lagged = Array.from({ length: 10 }, (_, i) => rec(`lagged-${i}`));
    for (const token of lagged) await a.revoke(token, 600);
    const refresh = rec('refresh-1');
    expect(await a.claimRefreshToken(refresh, 600, 0)).toBe('first');
    const honest = rec('honest');
    for (const token of [...synced, ...lagged]) expect(await b.isRevoked(token)).toBe(true);
    expect(await b.isRevoked(honest)).toBe(false);
    expect(losses).toEqual([{ reason: 'data-loss', scope: 'global', cutoff: expect.any(Number) }]); // the first start
    losses.length = 0;

    // The primary dies; clients are moved to the promoted replica.
    await primary.kill();
    proxy.retarget(replica.port);

    // What the replica holds: the epoch key (so the data-loss check sees nothing), the first ten
    // revocations, none of the last ten, no "used" mark.
    expect(await onReplica.exists(`${prefix}epoch`)).toBe(1);
    expect(await onReplica.get(`${prefix}seq`)).toBe('10');
    expect(await onReplica.exists(...lagged.map((t) => `${prefix}jti:${t.jti}`))).toBe(0);
    expect(await onReplica.exists(`${prefix}used:refresh-1`)).toBe(0);

    // A replay of the used refresh token would be a "first" use on the replica: the claim sees
    // the rollback instead, writes nothing and fails (503); the token is refused from then on.
    const replay = await eventually(() =>
      Promise.resolve(b.claimRefreshToken(refresh, 600, 0)).then(
        (outcome) => outcome,
        (error: unknown) => {
          if ((error as Error).cause instanceof Error && /back in time/.test(((error as Error).cause as Error).message))
            return error;
          throw error;
        },
      ),
    );
    expect(replay).toBeInstanceOf(StoreUnavailableError);
    for (const token of [...synced, ...lagged, refresh]) {
      expect(await a.isRevoked(token)).toBe(true);
      expect(await b.isRevoked(token)).toBe(true);
    }
    // The cost: a token issued before the rollback was seen logs in again.
    expect(await a.isRevoked(honest)).toBe(true);
    expect(losses).toEqual([{ reason: 'rollback', scope: 'global', cutoff: expect.any(Number) }]);
    expect(losses[0]?.cutoff).toBeGreaterThan(honest.iat as number);
    expect(a.overRevocations.rollback + b.overRevocations.rollback).toBe(1);
    // Service goes on: a new login works on both instances, revocations work again.
    await sleep(5);
    const fresh = rec('fresh');
    expect(await a.isRevoked(fresh)).toBe(false);
    expect(await b.isRevoked(fresh)).toBe(false);
    await b.revoke(fresh, 600);
    expect(await a.isRevoked(fresh)).toBe(true);
    expect(losses).toHaveLength(1);
  });

  it('reload of an earlier snapshot with connections kept: the near-cache instance detects it from what it heard', async () => {
    const server = await startRedisServer({ args: ['--enable-debug-command', 'local'] });
    servers.push(server);
    const admin = connect(server.port);
    const prefix = `reload:${randomUUID()}:`;
    const losses: OverRevocation[] = [];
    const options = { prefix, onOverRevocation: (e: OverRevocation) => losses.push(e) };
    const writer = store(server.port, options);
    const reader = store(server.port, { ...options, nearCache: { subscriber: connect(server.port) } });
    await sleep(5);
    const early = rec('early');
    await writer.revoke(early, 600);
    const honest = rec('honest');
    // The reader answers from its cache (no round trip) once its link is proven.
    for (let i = 0; typeof reader.isRevoked(honest) !== 'boolean'; i++) {
      if (i > 300) throw new Error('the near-cache never became usable');
      await sleep(10);
    }
    await admin.call('SAVE');
    const late = Array.from({ length: 20 }, (_, i) => rec(`late-${i}`));
    for (const token of late) await writer.revoke(token, 600);
    // The reader only hears the invalidations (it never reads these tokens before the reload).
    await eventually(async () => expect(await admin.get(`${prefix}seq`)).toBe('21'));
    await sleep(100);
    await admin.call('DEBUG', 'RELOAD', 'NOSAVE');
    expect(await admin.get(`${prefix}seq`)).toBe('1');
    expect(await admin.exists(`${prefix}epoch`)).toBe(1);
    expect(await admin.exists(...late.map((t) => `${prefix}jti:${t.jti}`))).toBe(0);

    // The reader's first round trip after the reload reads a lower count than it heard.
    for (const token of late) expect(await reader.isRevoked(token)).toBe(true);
    expect(losses.filter((e) => e.reason === 'rollback')).toHaveLength(1);
    expect(reader.overRevocations.rollback).toBe(1);
    // The writer adopts the new era without a second cut-off, and refuses the lost ones too.
    for (const token of [early, ...late]) expect(await writer.isRevoked(token)).toBe(true);
    expect(writer.overRevocations.rollback).toBe(0);
    expect(losses.filter((e) => e.reason === 'rollback')).toHaveLength(1);
  });

  it('a lone instance without near-cache detects it from its own write replies; a newcomer alone could not', async () => {
    const server = await startRedisServer({ args: ['--enable-debug-command', 'local'] });
    servers.push(server);
    const admin = connect(server.port);
    const prefix = `lone:${randomUUID()}:`;
    const losses: OverRevocation[] = [];
    const only = store(server.port, { prefix, onOverRevocation: (e) => losses.push(e) });
    await sleep(5);
    await only.revoke(rec('before-save'), 600);
    await admin.call('SAVE');
    const lost = rec('lost');
    await only.revoke(lost, 600);
    await admin.call('DEBUG', 'RELOAD', 'NOSAVE');
    expect(await admin.exists(`${prefix}jti:lost`, `${prefix}epoch`)).toBe(1); // the epoch only

    // Control: an instance started after the reload never saw the lost write, so nothing tells it
    // (the documented limit): without the lone instance's memory the revoked token would pass.
    const newcomer = store(server.port, { prefix, onOverRevocation: (e) => losses.push(e) });
    expect(await newcomer.isRevoked(lost)).toBe(false);

    expect(await only.isRevoked(lost)).toBe(true);
    expect(losses.map((e) => e.reason)).toEqual(['data-loss', 'rollback']);
    expect(only.overRevocations).toEqual({ 'data-loss': 1, rollback: 1, eviction: 0 });
    // The newcomer follows the new era at once.
    expect(await newcomer.isRevoked(lost)).toBe(true);
    expect(newcomer.overRevocations).toEqual({ 'data-loss': 0, rollback: 0, eviction: 0 });
  });
});
