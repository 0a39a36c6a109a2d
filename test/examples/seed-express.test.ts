/**
 * The seed example on Express answers exactly as the seed page says, accepts a token the real
 * flask-jwt-extended made with the same secret, and `npm start` (examples/server.ts) starts it.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedApp } from '../../examples/seed/app-express.js';
import { DEVELOPMENT_SECRET, createSeed } from '../../examples/seed/shared.js';
import { send } from '../behaviour/http.js';
import { tokenFixtures } from '../helpers/fixtures.js';
import {
  FIXTURE_SECRET,
  type Listening,
  SEED_BODY,
  bearer,
  listen,
  listeningUrl,
  login,
  spawnSeedServer,
} from './seed-parity.js';

function start(secret: string): Promise<Listening> {
  return listen(createServer(createSeedApp(createSeed({ env: { JWT_SECRET_KEY: secret } }))));
}

describe('seed example on Express', () => {
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ url, close } = await start(FIXTURE_SECRET));
  });
  afterAll(() => close());

  it('refuses wrong credentials with the seed page answer', async () => {
    for (const body of [{ username: 'test', password: 'nope' }, { username: 'other', password: 'test' }, {}]) {
      const response = await login(url, body);
      expect([response.status, response.json]).toEqual([401, { msg: 'Bad username or password' }]);
    }
  });

  it('logs in with test/test and answers /protected with the identity and the roles claim', async () => {
    const response = await login(url, { username: 'test', password: 'test' });
    expect(response.status).toBe(200);
    const tokens = response.json as { access_token: string; refresh_token: string };
    expect(Object.keys(tokens)).toEqual(['access_token', 'refresh_token']);
    const answer = await send(url, { path: '/protected', headers: bearer(tokens.access_token) });
    expect([answer.status, answer.json]).toEqual([200, SEED_BODY]);
    const missing = await send(url, { path: '/protected' });
    expect([missing.status, missing.json]).toEqual([401, { msg: 'Missing Authorization Header' }]);
  });

  it('accepts the token flask-jwt-extended 4.7.1 made for the seed (same secret)', async () => {
    const seedCase = tokenFixtures.cases.find((c) => c.name === 'seed-userobject-access-fresh');
    const answer = await send(url, { path: '/protected', headers: bearer(seedCase?.token) });
    expect([answer.status, answer.json]).toEqual([200, SEED_BODY]);
    const fresh = await send(url, { path: '/fresh-only', headers: bearer(seedCase?.token) });
    expect([fresh.status, fresh.json]).toEqual([200, { current_identity: 'test', fresh: true }]);
  });

  it('refreshes into a non-fresh access token, which /fresh-only refuses', async () => {
    const { access_token, refresh_token } = (await login(url, { username: 'test', password: 'test' })).json as Record<
      string,
      string
    >;
    expect((await send(url, { path: '/fresh-only', headers: bearer(access_token) })).status).toBe(200);
    const wrongType = await send(url, { method: 'POST', path: '/refresh', headers: bearer(access_token) });
    expect([wrongType.status, wrongType.json]).toEqual([422, { msg: 'Only refresh tokens are allowed' }]);
    const refreshed = await send(url, { method: 'POST', path: '/refresh', headers: bearer(refresh_token) });
    expect(refreshed.status).toBe(200);
    const newToken = (refreshed.json as { access_token: string }).access_token;
    expect(Object.keys(refreshed.json as object)).toEqual(['access_token']);
    expect((await send(url, { path: '/protected', headers: bearer(newToken) })).json).toEqual(SEED_BODY);
    const notFresh = await send(url, { path: '/fresh-only', headers: bearer(newToken) });
    expect([notFresh.status, notFresh.json]).toEqual([401, { msg: 'Fresh token required' }]);
  });

  it('logs out by revoking the access token, then the refresh token', async () => {
    const { access_token, refresh_token } = (await login(url, { username: 'test', password: 'test' })).json as Record<
      string,
      string
    >;
    const logout = await send(url, { method: 'POST', path: '/logout', headers: bearer(access_token) });
    expect([logout.status, logout.json]).toEqual([200, { msg: 'Access token revoked' }]);
    const revoked = await send(url, { path: '/protected', headers: bearer(access_token) });
    expect([revoked.status, revoked.json]).toEqual([401, { msg: 'Token has been revoked' }]);
    const logoutRefresh = await send(url, { method: 'POST', path: '/logout', headers: bearer(refresh_token) });
    expect([logoutRefresh.status, logoutRefresh.json]).toEqual([200, { msg: 'Refresh token revoked' }]);
    const refresh = await send(url, { method: 'POST', path: '/refresh', headers: bearer(refresh_token) });
    expect([refresh.status, refresh.json]).toEqual([401, { msg: 'Token has been revoked' }]);
  });

  it('logs in with cookies and needs the X-CSRF-TOKEN header to POST', async () => {
    const response = await login(url, { username: 'test', password: 'test' }, '/login/cookies');
    expect([response.status, response.json]).toEqual([200, { login: true }]);
    const cookies = Object.fromEntries(response.setCookie.map((line) => line.split(';')[0]?.split('=') ?? []));
    expect(Object.keys(cookies)).toEqual([
      'access_token_cookie',
      'csrf_access_token',
      'refresh_token_cookie',
      'csrf_refresh_token',
    ]);
    expect(response.setCookie[0]).toMatch(/^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\/$/);
    expect(response.setCookie[1]).toMatch(/^csrf_access_token=[0-9a-f-]{36}; Path=\/$/);

    const noCsrf = await send(url, { method: 'POST', path: '/protected/cookies', cookies });
    expect([noCsrf.status, noCsrf.json]).toEqual([401, { msg: 'Missing CSRF token' }]);
    const headers = { 'x-csrf-token': cookies.csrf_access_token as string };
    const withCsrf = await send(url, { method: 'POST', path: '/protected/cookies', cookies, headers });
    expect([withCsrf.status, withCsrf.json]).toEqual([200, SEED_BODY]);

    const logout = await send(url, { method: 'POST', path: '/logout/cookies', cookies, headers });
    expect([logout.status, logout.json]).toEqual([200, { logout: true }]);
    expect(logout.setCookie.every((line) => line.includes('Expires=Thu, 01 Jan 1970 00:00:00 GMT'))).toBe(true);
    const afterLogout = await send(url, { method: 'POST', path: '/protected/cookies', cookies, headers });
    expect([afterLogout.status, afterLogout.json]).toEqual([401, { msg: 'Token has been revoked' }]);
  });

  it('refuses the fixture token when the server runs with another secret', async () => {
    const other = await start('another-secret-entirely-0123456789abcdef');
    try {
      const seedCase = tokenFixtures.cases.find((c) => c.name === 'seed-userobject-access-fresh');
      const answer = await send(other.url, { path: '/protected', headers: bearer(seedCase?.token) });
      expect([answer.status, answer.json]).toEqual([422, { msg: 'Signature verification failed' }]);
    } finally {
      await other.close();
    }
  });
});

describe('seed configuration', () => {
  it('warns and uses the development secret when JWT_SECRET_KEY is unset', async () => {
    const warnings: string[] = [];
    const { jwt } = createSeed({ env: {}, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([
      'WARNING: JWT_SECRET_KEY is not set; using a development secret. Anyone can forge tokens for this server.',
    ]);
    const withDevSecret = createSeed({ env: { JWT_SECRET_KEY: DEVELOPMENT_SECRET }, warn: () => undefined }).jwt;
    const token = await jwt.createAccessToken({ username: 'test', roles: ['foo'] });
    expect(withDevSecret.decodeTokenSync(token)).toMatchObject({ sub: 'test', roles: ['foo'] });
  });

  it('does not warn when JWT_SECRET_KEY is set', () => {
    const warnings: string[] = [];
    createSeed({ env: { JWT_SECRET_KEY: FIXTURE_SECRET }, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([]);
  });
});

describe('npm start (examples/server.ts)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill();
  });

  function run(env: Record<string, string>) {
    const started = spawnSeedServer(env);
    children.push(started.child);
    return started;
  }

  it('exits with the list of known frameworks for an unknown FRAMEWORK', async () => {
    const { child, output } = run({ FRAMEWORK: 'nope' });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(output().stderr).toContain('Unknown FRAMEWORK "nope". Known frameworks: express');
  });

  it('starts the Express seed app on PORT', async () => {
    const { child, output } = run({ FRAMEWORK: 'express', PORT: '0', JWT_SECRET_KEY: FIXTURE_SECRET });
    const url = await listeningUrl({ child, output });
    expect(output().stdout).toContain('Seed example (express) listening on http://127.0.0.1:');
    const response = await login(url, { username: 'test', password: 'test' });
    const answer = await send(url, {
      path: '/protected',
      headers: bearer((response.json as { access_token: string }).access_token),
    });
    expect(answer.json).toEqual(SEED_BODY);
    child.kill();
  });
});
