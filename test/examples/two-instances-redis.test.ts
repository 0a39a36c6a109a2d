/**
 * Two instances of the seed example (`npm start`, here Express and Fastify) sharing one real
 * redis-server through REDIS_URL: a logout on one is refused on the other. Without REDIS_URL each
 * instance keeps its own memory store, and the same logout is not seen by the other instance.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

const SECRET = 'two-instances-secret-0123456789abcdef0123456789abcdef';
const children: ChildProcess[] = [];
let redis: RedisServer;

/** Starts `examples/server.ts` as `npm start` does and resolves with its URL. */
async function startInstance(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/server.ts'], {
    cwd: new URL('../../', import.meta.url),
    // Each instance has its own in-memory user database, seeded with the same test user.
    env: {
      ...process.env,
      PORT: '0',
      JWT_SECRET_KEY: SECRET,
      DATABASE: ':memory:',
      SEED_PASSWORD: 'test',
      PASSWORD_HASH_COST: '10',
      ...env,
    },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`instance did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}: ${output}`)));
  });
}

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function protectedStatus(url: string, token: string) {
  const response = await fetch(`${url}/protected`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as unknown };
}

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill();
  await redis?.stop();
});

describe('the seed example on two instances', () => {
  it('refuses on one instance a token logged out on the other (shared Redis)', async () => {
    const REDIS_URL = `redis://${redis.host}:${redis.port}`;
    const [one, two] = await Promise.all([
      startInstance({ FRAMEWORK: 'express', REDIS_URL }),
      startInstance({ FRAMEWORK: 'fastify', REDIS_URL }),
    ]);
    const login = await post(`${one}/login`, { username: 'test', password: 'test' });
    const token = login.body.access_token as string;
    expect((await protectedStatus(two, token)).status).toBe(200);
    expect(await post(`${one}/logout`, {}, token)).toEqual({ status: 200, body: { msg: 'Access token revoked' } });
    expect(await protectedStatus(two, token)).toEqual({ status: 401, body: { msg: 'Token has been revoked' } });
    expect(await protectedStatus(one, token)).toEqual({ status: 401, body: { msg: 'Token has been revoked' } });
  }, 60_000);

  it('keeps revocations per process without REDIS_URL (the memory store)', async () => {
    const [one, two] = await Promise.all([startInstance({ FRAMEWORK: 'koa' }), startInstance({ FRAMEWORK: 'hono' })]);
    const token = (await post(`${one}/login`, { username: 'test', password: 'test' })).body.access_token as string;
    await post(`${one}/logout`, {}, token);
    expect((await protectedStatus(one, token)).status).toBe(401);
    expect((await protectedStatus(two, token)).status).toBe(200);
  }, 60_000);
});
