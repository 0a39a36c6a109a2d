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
import { CHECK_SCRIPT } from '../../src/stores/redis-script.js';
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

/** A client that records every command it forwards (but the periodic eviction check, which runs on a timer). */
function spy(target: RedisLike): { client: RedisLike; commands: string[][] } {
  const commands: string[][] = [];
  return {
    commands,
    client: {
      call: (command, ...args) => {
        if (args[0] !== CHECK_SCRIPT) commands.push([command, ...args.map(String)]);
        return target.call(command, ...args);
      },
    },
  };
}

const uniquePrefix = (): string => `test:${randomUUID()}:`;
/**
 * Options for stores whose tests are not about data loss: no config warnings, and a clock before
 * the test tokens' iat, so the global cut-off a fresh prefix gets (see the data-loss tests) does
 * not refuse them.
 */
const QUIET = { checkServerConfig: false, clock: () => T - 3600 } as const;

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
    store: createRedisStore(client, { ...QUIET, prefix }),
    peers: peerClients.map((c) => createRedisStore(c, { ...QUIET, prefix })),
    advance: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
    alwaysHasGlobalCutoff: true,
  };
});

describe('createRedisStore', () => {
  it('isRevoked is one round trip: a single MGET of the epoch, cut-off, jti, family and seq keys', async () => {
    const prefix = uniquePrefix();
    const s = spy(client);
    const store = createRedisStore(s.client, { ...QUIET, prefix });
    await store.isRevoked(rec({ family: 'f1' }));
    s.commands.length = 0; // the start-up epoch check
    await store.isRevoked(rec({ family: 'f1' }));
    await store.isRevoked(rec({ jti: null }));
    expect(s.commands).toEqual([
      ['MGET', `${prefix}epoch`, `${prefix}cutoff:alice`, `${prefix}jti:j1`, `${prefix}family:f1`, `${prefix}seq`],
      ['MGET', `${prefix}epoch`, `${prefix}cutoff:alice`, `${prefix}seq`],
    ]);
  });

  it('writes one command each and stores the TTL as PX', async () => {
    const prefix = uniquePrefix();
    const s = spy(client);
    const store = createRedisStore(s.client, { ...QUIET, prefix });
    await store.isRevoked(rec());
    s.commands.length = 0;
    await store.revoke(rec(), 900);
    await store.revokeFamily('f1', 1.2345);
    await store.revokeAllFor('alice', T + 0.5, null);
    expect(await store.claimRefreshToken(rec({ jti: 'r1', family: 'f2' }), 60, 0)).toBe('first');
    expect(await store.claimRefreshToken(rec({ jti: 'r2' }), null, 0)).toBe('first');
    expect(s.commands.map((c) => c[0])).toEqual(['EVAL', 'EVAL', 'EVAL', 'EVAL', 'EVAL']);
    // The claim carries the history point this instance has seen: 3 writes after the start-up epoch.
    const epoch = await client.get(`${prefix}epoch`);
    const history = [epoch, '3', '', String(T - 3600 + 0.0005), `${prefix}invalidate`];
    const keys = [`${prefix}epoch`, `${prefix}seq`, `${prefix}evicted`];
    expect(s.commands[3]?.slice(2)).toEqual([
      '5',
      ...keys,
      `${prefix}used:r1`,
      `${prefix}latest:f2`,
      '60000',
      '0',
      'r1',
      ...history,
    ]);
    expect(s.commands[4]?.slice(2)).toEqual([
      '4',
      ...keys,
      `${prefix}used:r2`,
      '',
      '0',
      'r2',
      epoch,
      '4',
      ...history.slice(2),
    ]);
    expect(await client.get(`${prefix}seq`)).toBe('5');

    const pttl = (key: string): Promise<number> => client.pttl(`${prefix}${key}`);
    expect(await pttl('jti:j1')).toBeGreaterThan(898_000);
    expect(await pttl('jti:j1')).toBeLessThanOrEqual(900_000);
    expect(await pttl('family:f1')).toBeGreaterThan(1_000);
    expect(await pttl('family:f1')).toBeLessThanOrEqual(1_235);
    expect(await pttl('cutoff:alice')).toBe(-1);
    expect(await pttl('used:r1')).toBeGreaterThan(58_000);
    expect(await pttl('latest:f2')).toBeGreaterThan(58_000);
    expect(await pttl('used:r2')).toBe(-1);
    expect(await client.get(`${prefix}cutoff:alice`)).toBe(String(T + 0.5));
    expect(await client.get(`${prefix}latest:f2`)).toBe('r1');
  });

  it('isolates stores by prefix on one Redis', async () => {
    const a = createRedisStore(client, { ...QUIET, prefix: uniquePrefix() });
    const b = createRedisStore(client, { ...QUIET, prefix: uniquePrefix() });
    await a.revoke(rec(), 60);
    await a.revokeAllFor('alice', T + 10, 60);
    await a.revokeFamily('f1', 60);
    expect(await a.isRevoked(rec())).toBe(true);
    expect(await b.isRevoked(rec({ family: 'f1' }))).toBe(false);
    expect(await a.claimRefreshToken(rec({ jti: 'r1' }), 60, 0)).toBe('first');
    expect(await b.claimRefreshToken(rec({ jti: 'r1' }), 60, 0)).toBe('first');
    expect(await b.claimRefreshToken(rec({ jti: 'r1' }), 60, 0)).toBe('reuse');
  });

  it("a first start on an empty Redis refuses what came before the store's millisecond, never a token minted in it", async () => {
    // Two stores created in one millisecond, then a token minted in that same millisecond (a
    // process that creates its store and logs a user in at once): the start-up cut-off must not
    // refuse it. Flaky before (CI on Node 20.16.0): the cut-off included the creation millisecond.
    const createdMs = 1_900_000_000_250;
    const clock = () => (createdMs + 0.4) / 1000;
    const prefix = uniquePrefix();
    const cutoffs: number[] = [];
    const options = {
      checkServerConfig: false,
      prefix,
      clock,
      onOverRevocation: (e: { cutoff: number }) => cutoffs.push(e.cutoff),
    };
    const [one, two] = [createRedisStore(client, options), createRedisStore(peerClients[0] as Redis, options)];
    const sameMillisecond = rec({ jti: 'same-ms', iat: createdMs / 1000 });
    const millisecondBefore = rec({ jti: 'ms-before', iat: (createdMs - 1) / 1000 });
    expect(await two.isRevoked(sameMillisecond)).toBe(false);
    expect(await one.isRevoked(sameMillisecond)).toBe(false);
    expect(await one.isRevoked(millisecondBefore)).toBe(true);
    expect(await two.isRevoked(millisecondBefore)).toBe(true);
    expect(cutoffs).toEqual([(createdMs - 0.5) / 1000]); // one report for both stores
  });

  it(`defaults to the prefix "${DEFAULT_REDIS_PREFIX}" and a ${DEFAULT_COMMAND_TIMEOUT_MS} ms deadline`, async () => {
    expect(DEFAULT_REDIS_PREFIX).toBe('jwt-extended:');
    expect(DEFAULT_COMMAND_TIMEOUT_MS).toBe(500);
    const s = spy(client);
    const jti = randomUUID();
    await createRedisStore(s.client, QUIET).revoke(rec({ jti }), 5);
    expect(s.commands.find((c) => c[0] === 'EVAL' && c[3] !== 'jwt-extended:epoch')?.[3]).toBe(
      `jwt-extended:jti:${jti}`,
    );
    await client.del(`jwt-extended:jti:${jti}`);
  });

  it('refuses when a stored cut-off is not a number (fail safe), and the next write repairs it', async () => {
    const prefix = uniquePrefix();
    const store = createRedisStore(client, { ...QUIET, prefix });
    await client.set(`${prefix}cutoff:alice`, 'garbage');
    expect(await store.isRevoked(rec({ iat: T + 1e6 }))).toBe(true);
    await store.revokeAllFor('alice', T, 60);
    expect(await store.isRevoked(rec({ iat: T + 1 }))).toBe(false);
    expect(await store.isRevoked(rec({ iat: T - 1 }))).toBe(true);
  });

  it('turns a Redis reply error into StoreUnavailableError and reports it to onError', async () => {
    const prefix = uniquePrefix();
    const seen: unknown[] = [];
    const store = createRedisStore(client, { ...QUIET, prefix, onError: (e) => seen.push(e) });
    await client.hset(`${prefix}jti:j1`, 'x', '1'); // a foreign value of the wrong type
    const failure = await Promise.resolve(store.revoke(rec(), 60)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect((failure as StoreUnavailableError).code).toBe('ERR_JWT_STORE_UNAVAILABLE');
    expect(String((failure as Error).cause)).toMatch(/WRONGTYPE/);
    expect(seen).toEqual([failure]);
  });

  it('refuses an unexpected reply shape rather than guessing', async () => {
    const store = createRedisStore({ call: async () => 'OK' }, QUIET);
    await expect(store.isRevoked(rec())).rejects.toThrow(StoreUnavailableError);
    const openStore = createRedisStore({ call: async () => [null] }, { ...QUIET, failOpen: true });
    expect(await openStore.isRevoked(rec())).toBe(false);
  });

  it('a client that throws synchronously becomes StoreUnavailableError', async () => {
    const store = createRedisStore(
      {
        call: () => {
          throw new Error('broken client');
        },
      },
      QUIET,
    );
    await expect(store.isRevoked(rec())).rejects.toThrow(STORE_UNAVAILABLE_MESSAGE);
    await expect(store.claimRefreshToken(rec({ jti: 'r' }), 60, 0)).rejects.toThrow(StoreUnavailableError);
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
