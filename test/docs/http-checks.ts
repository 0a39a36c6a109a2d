/**
 * What each server program of the docs must do over real HTTP. The docs test fails for a server
 * program without an entry here, so a new server in the docs comes with its check. Each check
 * starts its programs (emitted JavaScript, plain `node`, `PORT` and `JWT_SECRET_KEY` set) and
 * talks to them with fetch.
 */
import { expect } from 'vitest';
import type { JwtManager, JwtManagerOptions } from 'jwt-extended';
import { startRedisServer } from '../helpers/redis-server.js';
import type { DocProgram } from './extract.js';
import type { RunningServer } from './processes.js';

/** What a check gets: a way to start a docs program, and a manager of the test's secret. */
export interface CheckContext {
  /** A manager from the tarball, with the `JWT_SECRET_KEY` the programs get: to mint tokens. */
  jwt: JwtManager;
  /** Another manager from the tarball with that secret and these options. */
  manager(options: JwtManagerOptions): JwtManager;
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

/** The `Set-Cookie` lines of an answer, by cookie name. */
function setCookies(answer: Answer): Map<string, string> {
  return new Map(answer.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line]));
}

/** The value of a `Set-Cookie` line. */
function valueOf(line: string | undefined): string {
  return (line ?? '').slice((line ?? '').indexOf('=') + 1).split(';')[0] ?? '';
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
  'Fetch quick start: login, protected route, refresh': quickStartCheck('quickstart-fetch'),

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

  'cookies + CSRF guide: cookies set, a change without the CSRF header refused, refresh, logout': {
    programs: ['cookies-csrf'],
    async run({ start }) {
      const { url } = await start('cookies-csrf');
      const home = await call(`${url}/`);
      expect([home.status, String(home.body)]).toEqual([200, expect.stringContaining("'X-CSRF-TOKEN'")]);
      const login = await call(`${url}/login`, { method: 'POST', json: { username: 'test', password: 'test' } });
      const lines = setCookies(login);
      expect([...lines.keys()].sort()).toEqual(
        ['access_token_cookie', 'csrf_access_token', 'csrf_refresh_token', 'refresh_token_cookie'].sort(),
      );
      expect(lines.get('access_token_cookie')).toMatch(/; HttpOnly; Path=\/; SameSite=Lax$/);
      expect(lines.get('csrf_access_token')).not.toContain('HttpOnly');
      const access = valueOf(lines.get('access_token_cookie'));
      const csrf = valueOf(lines.get('csrf_access_token'));
      expect(payloadOf(access).csrf).toBe(csrf);
      const cookie = `access_token_cookie=${access}; csrf_access_token=${csrf}`;

      const who = await call(`${url}/api/whoami`, { headers: { cookie } });
      expect([who.status, who.body]).toEqual([200, { logged_in_as: 'test' }]);
      const note = (headers: Record<string, string>) =>
        call(`${url}/api/notes`, { method: 'POST', headers: { cookie, ...headers }, json: { text: 'hi' } });
      const forged = await note({});
      expect([forged.status, forged.body]).toEqual([401, { msg: 'Missing CSRF token' }]);
      const wrong = await note({ 'x-csrf-token': `${csrf}x` });
      expect([wrong.status, wrong.body]).toEqual([401, { msg: 'CSRF double submit tokens do not match' }]);
      const saved = await note({ 'x-csrf-token': csrf });
      expect([saved.status, saved.body]).toEqual([201, { saved: 1 }]);

      const refreshCookie = `refresh_token_cookie=${valueOf(lines.get('refresh_token_cookie'))}`;
      const refreshCsrf = valueOf(lines.get('csrf_refresh_token'));
      const noCsrf = await call(`${url}/refresh`, { method: 'POST', headers: { cookie: refreshCookie } });
      expect([noCsrf.status, noCsrf.body]).toEqual([401, { msg: 'Missing CSRF token' }]);
      const refreshed = await call(`${url}/refresh`, {
        method: 'POST',
        headers: { cookie: refreshCookie, 'x-csrf-token': refreshCsrf },
      });
      expect(refreshed.status).toBe(200);
      expect(payloadOf(valueOf(setCookies(refreshed).get('access_token_cookie')))).toMatchObject({ sub: 'test' });

      const logout = await call(`${url}/logout`, { method: 'POST' });
      expect(logout.status).toBe(200);
      for (const line of setCookies(logout).values())
        expect(line).toMatch(/^[a-z_]+=; Expires=Thu, 01 Jan 1970 00:00:00 GMT;/);
      expect(setCookies(logout).size).toBe(4);
    },
  },

  'implicit refresh guide: a new access cookie only when the token is close to expiry': {
    programs: ['implicit-refresh'],
    async run({ start, manager }) {
      const { url } = await start('implicit-refresh');
      const minter = manager({ tokenLocation: ['cookies'] });
      const whoAmI = (token: string) =>
        call(`${url}/api/whoami`, { headers: { cookie: `access_token_cookie=${token}` } });
      const plenty = await whoAmI(minter.createAccessTokenSync('alice', { expiresDelta: 3600 }));
      expect([plenty.status, plenty.body]).toEqual([200, { logged_in_as: 'alice' }]);
      expect(plenty.headers.getSetCookie()).toEqual([]);
      const close = await whoAmI(minter.createAccessTokenSync('alice', { expiresDelta: 60 }));
      expect([close.status, close.body]).toEqual([200, { logged_in_as: 'alice' }]);
      const renewed = payloadOf(valueOf(setCookies(close).get('access_token_cookie')));
      expect(renewed).toMatchObject({ sub: 'alice', type: 'access', fresh: false });
      expect((renewed.exp as number) - Date.now() / 1000).toBeGreaterThan(3500);
      expect(setCookies(close).has('csrf_access_token')).toBe(true);
      const missing = await call(`${url}/api/whoami`);
      expect([missing.status, missing.body]).toEqual([401, { msg: 'Missing cookie "access_token_cookie"' }]);
    },
  },

  'refresh-token guide: rotation, the retry window, and a reuse that revokes the family': {
    programs: ['refresh-rotation'],
    async run({ start }) {
      const { url } = await start('refresh-rotation');
      type Pair = { access_token: string; refresh_token: string };
      const login = await call(`${url}/login`, { method: 'POST', json: { username: 'test', password: 'test' } });
      const first = login.body as Pair;
      const refresh = (token: string) => call(`${url}/refresh`, { method: 'POST', bearer: token });
      const second = await refresh(first.refresh_token);
      expect(second.status).toBe(200);
      const retry = await refresh(first.refresh_token);
      expect(retry.status).toBe(200);
      const fourth = await refresh((retry.body as Pair).refresh_token);
      expect(fourth.status).toBe(200);
      const latest = fourth.body as Pair;
      expect(payloadOf(latest.refresh_token).fam).toBe(payloadOf(first.refresh_token).fam);
      const ok = await call(`${url}/protected`, { bearer: latest.access_token });
      expect([ok.status, ok.body]).toEqual([200, { logged_in_as: 'test' }]);

      const reuse = await refresh(first.refresh_token);
      expect([reuse.status, reuse.body]).toEqual([401, { msg: 'Refresh token reuse detected' }]);
      expect((await refresh(latest.refresh_token)).status).toBe(401);
      expect((await call(`${url}/protected`, { bearer: latest.access_token })).status).toBe(401);
      const again = await call(`${url}/login`, { method: 'POST', json: { username: 'test', password: 'test' } });
      const fresh = await call(`${url}/protected`, { bearer: (again.body as Pair).access_token });
      expect([fresh.status, fresh.body]).toEqual([200, { logged_in_as: 'test' }]);
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
