/**
 * The seed example on Koa answers exactly as the Express one: the same requests go to both
 * (same secret) and must get the same status, body and Set-Cookie lines (token values, which
 * differ by `jti` and `csrf`, are compared by their claims). `npm start` runs it with FRAMEWORK=koa.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedApp as createExpressSeedApp } from '../../examples/seed/app-express.js';
import { createSeedApp } from '../../examples/seed/app-koa.js';
import { UserObject, createSeed } from '../../examples/seed/shared.js';
import { type RequestSpec, type ResponseData, send } from '../behaviour/http.js';
import { tokenFixtures } from '../helpers/fixtures.js';

const FIXTURE_SECRET = tokenFixtures.keys.HS256?.secret as string;
const FIXTURE_TOKEN = tokenFixtures.cases.find((c) => c.name === 'seed-userobject-access-fresh')?.token as string;
const SEED_BODY = { current_identity: 'test', current_roles: { roles: ['foo', 'bar'] } };
const TEST_USER = new UserObject('test', ['foo', 'bar']);
const quiet = { env: { JWT_SECRET_KEY: FIXTURE_SECRET }, warn: () => undefined };

async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The claims of a token the server issued, without what differs on every call. */
function claimsOf(token: unknown): Record<string, unknown> {
  const payload = JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const { jti, iat, nbf, exp, csrf, ...stable } = payload;
  return {
    ...stable,
    hasJti: typeof jti === 'string',
    hasCsrf: typeof csrf === 'string',
    lifetime: Number(exp) - Number(iat),
    nbfIsIat: nbf === iat,
  };
}

/** A response with its token values replaced by their stable claims, to compare two servers. */
function comparable(response: ResponseData): unknown {
  const json = response.json as Record<string, unknown> | undefined;
  const body =
    json && typeof json === 'object'
      ? Object.fromEntries(Object.entries(json).map(([k, v]) => [k, k.endsWith('_token') ? claimsOf(v) : v]))
      : json;
  const setCookie = response.setCookie.map((line) =>
    line
      .replace(
        /^(\w+_token_cookie)=([^;]+)/,
        (_m, name: string, value: string) => `${name}=${JSON.stringify(claimsOf(value))}`,
      )
      .replace(/^(csrf_\w+_token)=[0-9a-f-]{36}/, '$1=<uuid>'),
  );
  return { status: response.status, body, text: json === undefined ? response.text : undefined, setCookie };
}

describe('seed example on Koa answers as the Express one', () => {
  let express: { url: string; close(): Promise<void> };
  let koa: { url: string; close(): Promise<void> };
  const minter = createSeed(quiet).jwt;
  const koaErrors: unknown[] = [];
  beforeAll(async () => {
    express = await listen(createServer(createExpressSeedApp(createSeed(quiet))));
    const app = createSeedApp(createSeed(quiet));
    // Koa's own log of client errors (the invalid-JSON 400 below) goes here instead of stderr.
    app.on('error', (error: unknown) => koaErrors.push(error));
    koa = await listen(createServer(app.callback()));
  });
  afterAll(async () => {
    await express.close();
    await koa.close();
  });

  /** Sends the same request to both servers; each must answer `expected`, and alike. */
  async function both(spec: RequestSpec): Promise<ResponseData> {
    const [fromExpress, fromKoa] = await Promise.all([send(express.url, spec), send(koa.url, spec)]);
    expect(comparable(fromKoa)).toEqual(comparable(fromExpress));
    return fromKoa;
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const login = (json: unknown, path = '/login') => both({ method: 'POST', path, json });

  it('POST /login refuses wrong or missing credentials', async () => {
    for (const json of [{ username: 'test', password: 'nope' }, { username: 'other', password: 'test' }, {}]) {
      const response = await login(json);
      expect([response.status, response.json]).toEqual([401, { msg: 'Bad username or password' }]);
    }
    const noBody = await both({ method: 'POST', path: '/login' });
    expect([noBody.status, noBody.json]).toEqual([401, { msg: 'Bad username or password' }]);
    const form = await both({ method: 'POST', path: '/login', form: { username: 'test', password: 'test' } });
    expect([form.status, form.json]).toEqual([401, { msg: 'Bad username or password' }]);
  });

  it('POST /login with test/test returns a fresh access token and a refresh token with the roles claim', async () => {
    const response = await login({ username: 'test', password: 'test' });
    expect(response.status).toBe(200);
    const body = response.json as Record<string, string>;
    expect(Object.keys(body)).toEqual(['access_token', 'refresh_token']);
    expect(claimsOf(body.access_token)).toMatchObject({
      sub: 'test',
      roles: ['foo', 'bar'],
      type: 'access',
      fresh: true,
    });
    expect(claimsOf(body.refresh_token)).toMatchObject({
      sub: 'test',
      roles: ['foo', 'bar'],
      type: 'refresh',
      fresh: false,
    });
    const answer = await both({ path: '/protected', headers: bearer(body.access_token as string) });
    expect([answer.status, answer.json]).toEqual([200, SEED_BODY]);
  });

  it('GET /protected answers the identity and the roles claim, and flask errors otherwise', async () => {
    const fixture = await both({ path: '/protected', headers: bearer(FIXTURE_TOKEN) });
    expect([fixture.status, fixture.json]).toEqual([200, SEED_BODY]);
    const head = await both({ method: 'HEAD', path: '/protected', headers: bearer(FIXTURE_TOKEN) });
    expect([head.status, head.text]).toEqual([200, '']);
    const missing = await both({ path: '/protected' });
    expect([missing.status, missing.json]).toEqual([401, { msg: 'Missing Authorization Header' }]);
    const garbage = await both({ path: '/protected', headers: bearer('xxx') });
    expect([garbage.status, garbage.json]).toEqual([422, { msg: 'Not enough segments' }]);
    const refresh = await both({ path: '/protected', headers: bearer(await minter.createRefreshToken(TEST_USER)) });
    expect([refresh.status, refresh.json]).toEqual([422, { msg: 'Only non-refresh tokens are allowed' }]);
  });

  it('GET /fresh-only and POST /refresh', async () => {
    const fresh = await both({ path: '/fresh-only', headers: bearer(FIXTURE_TOKEN) });
    expect([fresh.status, fresh.json]).toEqual([200, { current_identity: 'test', fresh: true }]);
    const stale = await both({ path: '/fresh-only', headers: bearer(await minter.createAccessToken(TEST_USER)) });
    expect([stale.status, stale.json]).toEqual([401, { msg: 'Fresh token required' }]);
    const wrongType = await both({ method: 'POST', path: '/refresh', headers: bearer(FIXTURE_TOKEN) });
    expect([wrongType.status, wrongType.json]).toEqual([422, { msg: 'Only refresh tokens are allowed' }]);
    const refreshed = await both({
      method: 'POST',
      path: '/refresh',
      headers: bearer(await minter.createRefreshToken(TEST_USER)),
    });
    expect(refreshed.status).toBe(200);
    expect(claimsOf((refreshed.json as { access_token: string }).access_token)).toMatchObject({
      fresh: false,
      roles: ['foo', 'bar'],
    });
  });

  it('POST /logout revokes the access token, then the refresh token', async () => {
    const access = await minter.createAccessToken(TEST_USER);
    const refresh = await minter.createRefreshToken(TEST_USER);
    const logout = await both({ method: 'POST', path: '/logout', headers: bearer(access) });
    expect([logout.status, logout.json]).toEqual([200, { msg: 'Access token revoked' }]);
    const revoked = await both({ path: '/protected', headers: bearer(access) });
    expect([revoked.status, revoked.json]).toEqual([401, { msg: 'Token has been revoked' }]);
    const logoutRefresh = await both({ method: 'POST', path: '/logout', headers: bearer(refresh) });
    expect([logoutRefresh.status, logoutRefresh.json]).toEqual([200, { msg: 'Refresh token revoked' }]);
    const refused = await both({ method: 'POST', path: '/refresh', headers: bearer(refresh) });
    expect([refused.status, refused.json]).toEqual([401, { msg: 'Token has been revoked' }]);
  });

  it('cookie login sets the same four cookies, and POSTs need X-CSRF-TOKEN', async () => {
    const response = await login({ username: 'test', password: 'test' }, '/login/cookies');
    expect([response.status, response.json]).toEqual([200, { login: true }]);
    expect(response.setCookie.map((line) => line.split('=')[0])).toEqual([
      'access_token_cookie',
      'csrf_access_token',
      'refresh_token_cookie',
      'csrf_refresh_token',
    ]);
    const access = await minter.createAccessToken(TEST_USER);
    const cookies = { access_token_cookie: access, csrf_access_token: minter.getCsrfToken(access) };
    const headers = { 'x-csrf-token': minter.getCsrfToken(access) };
    const noCsrf = await both({ method: 'POST', path: '/protected/cookies', cookies });
    expect([noCsrf.status, noCsrf.json]).toEqual([401, { msg: 'Missing CSRF token' }]);
    const withCsrf = await both({ method: 'POST', path: '/protected/cookies', cookies, headers });
    expect([withCsrf.status, withCsrf.json]).toEqual([200, SEED_BODY]);
    const logout = await both({ method: 'POST', path: '/logout/cookies', cookies, headers });
    expect([logout.status, logout.json]).toEqual([200, { logout: true }]);
    expect(logout.setCookie).toEqual([...minter.unsetCookieLines('access'), ...minter.unsetCookieLines('refresh')]);
    const after = await both({ method: 'POST', path: '/protected/cookies', cookies, headers });
    expect([after.status, after.json]).toEqual([401, { msg: 'Token has been revoked' }]);
  });

  it('refuses invalid JSON with a 400, as express.json() does', async () => {
    const spec: RequestSpec = {
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    };
    const [fromExpress, fromKoa] = await Promise.all([send(express.url, spec), send(koa.url, spec)]);
    expect([fromKoa.status, fromExpress.status]).toEqual([400, 400]);
    expect(koaErrors).toEqual([expect.objectContaining({ status: 400, name: 'SyntaxError' })]);
  });
});

describe('npm start with FRAMEWORK=koa', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill();
  });

  it('starts the Koa seed app on PORT', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'examples/server.ts'], {
      cwd: new URL('../../', import.meta.url),
      env: { ...process.env, FRAMEWORK: 'koa', PORT: '0', JWT_SECRET_KEY: FIXTURE_SECRET },
    });
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child?.once('exit', () => reject(new Error(`server exited: ${stderr}`)));
    });
    expect(stdout).toContain('Seed example (koa) listening on http://127.0.0.1:');
    const answer = await send(url, { path: '/protected', headers: { authorization: `Bearer ${FIXTURE_TOKEN}` } });
    expect([answer.status, answer.json]).toEqual([200, SEED_BODY]);
  });
});
