import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtConfigError, StoreUnavailableError } from '../../src/errors.js';
import {
  createRedisStore,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_REDIS_PREFIX,
  STORE_UNAVAILABLE_MESSAGE,
  type RedisLike,
} from '../../src/stores/redis.js';
import type { TokenRecord } from '../../src/stores/types.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { runStoreContract } from './contract.js';

const T = 1_700_000_000;
let server: RedisServer;
let client: Redis;
/** Separate connections, so the race really interleaves commands from several sockets. */
let peerClients: Redis[] = [];

function connect(): Redis {
  const c = new Redis({ host: server.host, port: server.port });
  c.on('error', () => {}); // connection errors surface as command failures in these tests
  return c;
}

function rec(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return { jti: 'j1', identity: 'alice', iat: T, exp: T + 900, ...overrides };
}

/** A client that records every command it forwards. */
function spy(target: RedisLike): { client: RedisLike; commands: string[][] } {
  const commands: string[][] = [];
  return {
    commands,
    client: {
      call: (command, ...args) => {
        commands.push([command, ...args.map(String)]);
        return target.call(command, ...args);
      },
    },
  };
}

const uniquePrefix = (): string => `test:${randomUUID()}:`;

beforeAll(async () => {
  server = await startRedisServer();
  client = connect();
  peerClients = [connect(), connect(), connect()];
});

afterAll(async () => {
  await Promise.all([client, ...peerClients].map((c) => c?.quit()));
  await server?.stop();
});

runStoreContract('redis', () => {
  const prefix = uniquePrefix();
  return {
    store: createRedisStore(client, { prefix }),
    peers: peerClients.map((c) => createRedisStore(c, { prefix })),
    advance: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
  };
});

describe('createRedisStore', () => {
  it('isRevoked is one round trip: a single MGET of the cut-off, jti and family keys', async () => {
    const prefix = uniquePrefix();
    const s = spy(client);
    const store = createRedisStore(s.client, { prefix });
    await store.isRevoked(rec({ family: 'f1' }));
    await store.isRevoked(rec({ jti: null }));
    expect(s.commands).toEqual([
      ['MGET', `${prefix}cutoff:alice`, `${prefix}jti:j1`, `${prefix}family:f1`],
      ['MGET', `${prefix}cutoff:alice`],
    ]);
  });

  it('writes one command each and stores the TTL as PX', async () => {
    const prefix = uniquePrefix();
    const s = spy(client);
    const store = createRedisStore(s.client, { prefix });
    await store.revoke(rec(), 900);
    await store.revokeFamily('f1', 1.2345);
    await store.revokeAllFor('alice', T + 0.5, null);
    expect(await store.claimRefreshToken('r1', 60)).toBe(true);
    expect(await store.claimRefreshToken('r2', null)).toBe(true);
    expect(s.commands.map((c) => c[0])).toEqual(['EVAL', 'EVAL', 'EVAL', 'SET', 'SET']);
    expect(s.commands[3]).toEqual(['SET', `${prefix}used:r1`, '1', 'PX', '60000', 'NX']);
    expect(s.commands[4]).toEqual(['SET', `${prefix}used:r2`, '1', 'NX']);

    const pttl = (key: string): Promise<number> => client.pttl(`${prefix}${key}`);
    expect(await pttl('jti:j1')).toBeGreaterThan(898_000);
    expect(await pttl('jti:j1')).toBeLessThanOrEqual(900_000);
    expect(await pttl('family:f1')).toBeGreaterThan(1_000);
    expect(await pttl('family:f1')).toBeLessThanOrEqual(1_235);
    expect(await pttl('cutoff:alice')).toBe(-1);
    expect(await pttl('used:r2')).toBe(-1);
    expect(await client.get(`${prefix}cutoff:alice`)).toBe(String(T + 0.5));
  });

  it('isolates stores by prefix on one Redis', async () => {
    const a = createRedisStore(client, { prefix: uniquePrefix() });
    const b = createRedisStore(client, { prefix: uniquePrefix() });
    await a.revoke(rec(), 60);
    await a.revokeAllFor('alice', T + 10, 60);
    await a.revokeFamily('f1', 60);
    expect(await a.isRevoked(rec())).toBe(true);
    expect(await b.isRevoked(rec({ family: 'f1' }))).toBe(false);
    expect(await a.claimRefreshToken('r1', 60)).toBe(true);
    expect(await b.claimRefreshToken('r1', 60)).toBe(true);
    expect(await b.claimRefreshToken('r1', 60)).toBe(false);
  });

  it(`defaults to the prefix "${DEFAULT_REDIS_PREFIX}" and a ${DEFAULT_COMMAND_TIMEOUT_MS} ms deadline`, async () => {
    expect(DEFAULT_REDIS_PREFIX).toBe('jwt-extended:');
    expect(DEFAULT_COMMAND_TIMEOUT_MS).toBe(500);
    const s = spy(client);
    const jti = randomUUID();
    await createRedisStore(s.client).revoke(rec({ jti }), 5);
    expect(s.commands[0]?.[3]).toBe(`jwt-extended:jti:${jti}`);
    await client.del(`jwt-extended:jti:${jti}`);
  });

  it('refuses when a stored cut-off is not a number (fail safe), and the next write repairs it', async () => {
    const prefix = uniquePrefix();
    const store = createRedisStore(client, { prefix });
    await client.set(`${prefix}cutoff:alice`, 'garbage');
    expect(await store.isRevoked(rec({ iat: T + 1e6 }))).toBe(true);
    await store.revokeAllFor('alice', T, 60);
    expect(await store.isRevoked(rec({ iat: T + 1 }))).toBe(false);
    expect(await store.isRevoked(rec({ iat: T - 1 }))).toBe(true);
  });

  it('turns a Redis reply error into StoreUnavailableError and reports it to onError', async () => {
    const prefix = uniquePrefix();
    const seen: unknown[] = [];
    const store = createRedisStore(client, { prefix, onError: (e) => seen.push(e) });
    await client.hset(`${prefix}jti:j1`, 'x', '1'); // a foreign value of the wrong type
    const failure = await Promise.resolve(store.revoke(rec(), 60)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect((failure as StoreUnavailableError).code).toBe('ERR_JWT_STORE_UNAVAILABLE');
    expect(String((failure as Error).cause)).toMatch(/WRONGTYPE/);
    expect(seen).toEqual([failure]);
  });

  it('refuses an unexpected reply shape rather than guessing', async () => {
    const store = createRedisStore({ call: async () => 'OK' });
    await expect(store.isRevoked(rec())).rejects.toThrow(StoreUnavailableError);
    const openStore = createRedisStore({ call: async () => [null] }, { failOpen: true });
    expect(await openStore.isRevoked(rec())).toBe(false);
  });

  it('a client that throws synchronously becomes StoreUnavailableError', async () => {
    const store = createRedisStore({
      call: () => {
        throw new Error('broken client');
      },
    });
    await expect(store.isRevoked(rec())).rejects.toThrow(STORE_UNAVAILABLE_MESSAGE);
    await expect(store.claimRefreshToken('r', 60)).rejects.toThrow(StoreUnavailableError);
  });

  it('validates its options', () => {
    expect(() => createRedisStore({} as RedisLike)).toThrow(JwtConfigError);
    expect(() => createRedisStore(null as unknown as RedisLike)).toThrow(JwtConfigError);
    for (const commandTimeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => createRedisStore(client, { commandTimeoutMs })).toThrow(JwtConfigError);
    }
    expect(() => createRedisStore(client, { prefix: 5 as unknown as string })).toThrow(JwtConfigError);
  });
});
