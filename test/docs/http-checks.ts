/**
 * What each server program of the docs must do over real HTTP. The docs test fails for a server
 * program without an entry here, so a new server in the docs comes with its check. Each check
 * starts its programs (emitted JavaScript, plain `node`, `PORT` and `JWT_SECRET_KEY` set) and
 * talks to them with fetch.
 */
import { expect } from 'vitest';
import type { JwtManager } from 'jwt-extended';
import { startRedisServer } from '../helpers/redis-server.js';
import type { DocProgram } from './extract.js';
import type { RunningServer } from './processes.js';

/** What a check gets: a way to start a docs program, and a manager of the test's secret. */
export interface CheckContext {
  /** A manager from the tarball, with the `JWT_SECRET_KEY` the programs get: to mint tokens. */
  jwt: JwtManager;
  start(name: string, env?: Record<string, string>): Promise<RunningServer>;
}

/** One HTTP check: the programs it runs (by docs name) and the conversation. */
export interface HttpCheck {
  programs: string[];
  run(context: CheckContext): Promise<void>;
}

/** A program serves HTTP when it listens (Node, Express, Koa, Fastify) or calls `serve` (Hono). */
export function isServer(program: DocProgram): boolean {
  return /\.listen\(|\bserve\(/.test(program.code);
}

type Answer = { status: number; body: unknown; headers: Headers };

async function call(url: string, init: RequestInit & { json?: unknown; bearer?: string } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (init.bearer !== undefined) headers.set('authorization', `Bearer ${init.bearer}`);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(url, {
    ...init,
    headers,
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/**
 * The quick start of each framework: a login that refuses a wrong password, a protected route
 * answering the identity and roles, 401 without a token, a refresh route that takes only a
 * refresh token and gives an access token that works.
 */
async function quickStart(server: RunningServer): Promise<void> {
  const { url } = server;
  const wrong = await call(`${url}/login`, { method: 'POST', json: { username: 'test', password: 'nope' } });
  expect([wrong.status, wrong.body]).toEqual([401, { msg: 'Bad username or password' }]);

  const login = await call(`${url}/login`, { method: 'POST', json: { username: 'test', password: 'test' } });
  expect(login.status).toBe(200);
  const { access_token: access, refresh_token: refresh } = login.body as {
    access_token: string;
    refresh_token: string;
  };
  expect(payloadOf(access)).toMatchObject({ sub: 'test', type: 'access', roles: ['foo', 'bar'] });
  expect(payloadOf(refresh)).toMatchObject({ sub: 'test', type: 'refresh' });

  const ok = await call(`${url}/protected`, { bearer: access });
  expect([ok.status, ok.body]).toEqual([200, { current_identity: 'test', current_roles: ['foo', 'bar'] }]);
  const missing = await call(`${url}/protected`);
  expect([missing.status, missing.body]).toEqual([401, { msg: 'Missing Authorization Header' }]);
  const withRefresh = await call(`${url}/protected`, { bearer: refresh });
  expect([withRefresh.status, withRefresh.body]).toEqual([422, { msg: 'Only non-refresh tokens are allowed' }]);

  const refused = await call(`${url}/refresh`, { method: 'POST', bearer: access });
  expect([refused.status, refused.body]).toEqual([422, { msg: 'Only refresh tokens are allowed' }]);
  const refreshed = await call(`${url}/refresh`, { method: 'POST', bearer: refresh });
  expect(refreshed.status).toBe(200);
  const { access_token: next } = refreshed.body as { access_token: string };
  expect(payloadOf(next)).toMatchObject({ sub: 'test', type: 'access', fresh: false, roles: ['foo', 'bar'] });
  const again = await call(`${url}/protected`, { bearer: next });
  expect([again.status, again.body]).toEqual([200, { current_identity: 'test', current_roles: ['foo', 'bar'] }]);
}

function quickStartCheck(name: string): HttpCheck {
  return { programs: [name], run: async (context) => quickStart(await context.start(name)) };
}

/** Checks by title. */
export const HTTP_CHECKS: Record<string, HttpCheck> = {
  'Express quick start: login, protected route, refresh': quickStartCheck('quickstart-express'),
  'Fastify quick start: login, protected route, refresh': quickStartCheck('quickstart-fastify'),
  'Hono quick start: login, protected route, refresh': quickStartCheck('quickstart-hono'),
  'Koa quick start: login, protected route, refresh': quickStartCheck('quickstart-koa'),

  'keys: log in at the auth service, call the API that verifies from its JWKS': {
    programs: ['auth-service', 'api-service'],
    async run({ start }) {
      const auth = await start('auth-service');
      const api = await start('api-service', { JWKS_URL: `${auth.url}/.well-known/jwks.json` });
      const jwks = await fetch(`${auth.url}/.well-known/jwks.json`);
      expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
      expect(((await jwks.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual(['auth-2026-01']);
      const login = await call(`${auth.url}/login`, { method: 'POST', json: { username: 'test', password: 'test' } });
      const { access_token: token } = login.body as { access_token: string };
      const ok = await call(`${api.url}/protected`, { bearer: token });
      expect([ok.status, ok.body]).toEqual([200, { logged_in_as: 'test' }]);
      const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      expect((await call(`${api.url}/protected`, { bearer: tampered })).status).toBe(422);
      const missing = await call(`${api.url}/protected`);
      expect([missing.status, missing.body]).toEqual([401, { msg: 'Missing Authorization Header' }]);
    },
  },

  'migrating from 3.x: 3.x tokens written, read back, and 4.x tokens still accepted': {
    programs: ['flask3-layout'],
    async run({ start, jwt }) {
      const { url } = await start('flask3-layout');
      const login = await call(`${url}/login`, { method: 'POST', json: { username: 'test' } });
      const { access_token: token } = login.body as { access_token: string };
      expect(payloadOf(token)).toMatchObject({ identity: 'test', user_claims: { roles: ['foo', 'bar'] } });
      const ok = await call(`${url}/protected`, { bearer: token });
      expect([ok.status, ok.body]).toEqual([200, { current_identity: 'test', current_roles: ['foo', 'bar'] }]);
      const fourX = jwt.createAccessTokenSync('alice', { additionalClaims: { roles: ['admin'] } });
      const modern = await call(`${url}/protected`, { bearer: fourX });
      expect([modern.status, modern.body]).toEqual([200, { current_identity: 'alice', current_roles: ['admin'] }]);
    },
  },

  'README zero-argument getters: the identity read without the request': {
    programs: ['readme-context'],
    async run({ start, jwt }) {
      const { url } = await start('readme-context');
      const ok = await call(`${url}/protected`, { bearer: jwt.createAccessTokenSync('alice') });
      expect([ok.status, ok.body]).toEqual([200, { audit: 'alice did read /protected' }]);
    },
  },

  'README revocation on a real Redis: log out one token, then everywhere': {
    programs: ['readme-revocation'],
    async run({ start }) {
      const redis = await startRedisServer();
      try {
        const { url } = await start('readme-revocation', { REDIS_URL: `redis://${redis.host}:${redis.port}` });
        const logIn = async () => {
          const login = await call(`${url}/login`, { method: 'POST', json: { username: 'test', password: 'test' } });
          return (login.body as { access_token: string }).access_token;
        };
        const [first, second] = [await logIn(), await logIn()];
        const asTest = [200, { logged_in_as: 'test' }];
        const revoked = [401, { msg: 'Token has been revoked' }];
        const protectedWith = async (token: string) => {
          const answer = await call(`${url}/protected`, { bearer: token });
          return [answer.status, answer.body];
        };
        expect(await protectedWith(first)).toEqual(asTest);
        expect((await call(`${url}/logout`, { method: 'DELETE', bearer: first })).status).toBe(200);
        expect(await protectedWith(first)).toEqual(revoked);
        expect(await protectedWith(second)).toEqual(asTest);
        expect((await call(`${url}/logout-everywhere`, { method: 'DELETE', bearer: second })).status).toBe(200);
        expect(await protectedWith(second)).toEqual(revoked);
        await new Promise((resolve) => setTimeout(resolve, 5)); // a later millisecond than the cut-off
        expect(await protectedWith(await logIn())).toEqual(asTest);
      } finally {
        await redis.stop();
      }
    },
  },

  'architecture: a hand-written Node middleware over the kit': {
    programs: ['node-middleware'],
    async run({ start, jwt }) {
      const { url } = await start('node-middleware');
      const ok = await call(`${url}/`, { bearer: jwt.createAccessTokenSync('alice') });
      expect([ok.status, ok.body]).toEqual([200, { identity: 'alice' }]);
      const missing = await call(`${url}/`);
      expect([missing.status, missing.body]).toEqual([401, { msg: 'Missing Authorization Header' }]);
    },
  },
};
