/**
 * The seed example on Fastify answers exactly as the Express one: the same requests, sent to both
 * apps (same secret), give the same status, body and cookies; the seed page's own answers are
 * checked as well, and `FRAMEWORK=fastify npm start` (examples/server.ts) starts it.
 */
import { createServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedApp as createExpressSeedApp } from '../../examples/seed/app-express.js';
import { createSeedApp as createFastifySeedApp } from '../../examples/seed/app-fastify.js';
import { createSeed } from '../../examples/seed/shared.js';
import { type RequestSpec, type ResponseData, send } from '../behaviour/http.js';
import {
  FIXTURE_SECRET,
  FIXTURE_TOKEN,
  SEED_BODY,
  TEST_CREDENTIALS,
  bearer,
  describeNpmStart,
  listen,
  login,
} from './seed-parity.js';

/** The claims of a token that do not change from one login to the next. */
function stableClaims(token: unknown): Record<string, unknown> {
  const payload = JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const { jti: _jti, iat: _iat, nbf: _nbf, exp, csrf: _csrf, ...rest } = payload;
  return { ...rest, lifetime: typeof exp === 'number' ? exp - (payload.iat as number) : null };
}

/** What two answers must share: status, content type, body (tokens by their stable claims), cookie names and flags. */
function comparable(response: ResponseData): unknown {
  const body =
    response.json !== null && typeof response.json === 'object'
      ? Object.fromEntries(
          Object.entries(response.json).map(([key, value]) => [
            key,
            key.endsWith('_token') ? stableClaims(value) : value,
          ]),
        )
      : response.json;
  const cookies = response.setCookie.map((line) => line.replace(/^([^=]+)=[^;]*/, '$1=<value>'));
  return { status: response.status, type: response.headers['content-type'], body, cookies };
}

describe('seed example on Fastify', () => {
  let fastify: FastifyInstance;
  let fastifyUrl: string;
  let expressUrl: string;
  let closeExpress: () => Promise<void>;

  beforeAll(async () => {
    fastify = await createFastifySeedApp(createSeed({ env: { JWT_SECRET_KEY: FIXTURE_SECRET } }));
    fastifyUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });
    ({ url: expressUrl, close: closeExpress } = await listen(
      createServer(createExpressSeedApp(createSeed({ env: { JWT_SECRET_KEY: FIXTURE_SECRET } }))),
    ));
  });
  afterAll(async () => {
    await fastify.close();
    await closeExpress();
  });

  /** Sends the same request to both apps; returns Fastify's answer after checking they match. */
  async function both(spec: (url: string) => RequestSpec | Promise<RequestSpec>): Promise<ResponseData> {
    const fromExpress = await send(expressUrl, await spec(expressUrl));
    const fromFastify = await send(fastifyUrl, await spec(fastifyUrl));
    expect(comparable(fromFastify)).toEqual(comparable(fromExpress));
    return fromFastify;
  }

  /** Logs in on the app at `url` and returns its tokens. */
  async function tokensOf(url: string): Promise<{ access_token: string; refresh_token: string }> {
    return (await login(url, TEST_CREDENTIALS)).json as { access_token: string; refresh_token: string };
  }

  it('/login: refuses wrong credentials with the seed page answer, like Express', async () => {
    for (const json of [{ username: 'test', password: 'nope' }, { username: 'other', password: 'test' }, {}]) {
      const response = await both(() => ({ method: 'POST', path: '/login', json }));
      expect([response.status, response.json]).toEqual([401, { msg: 'Bad username or password' }]);
    }
    const noBody = await both(() => ({ method: 'POST', path: '/login' }));
    expect([noBody.status, noBody.json]).toEqual([401, { msg: 'Bad username or password' }]);
  });

  it('/login: test/test gets the same two tokens as on Express (identity, roles, type, fresh, lifetime)', async () => {
    const response = await both(() => ({ method: 'POST', path: '/login', json: TEST_CREDENTIALS }));
    expect(response.status).toBe(200);
    const tokens = response.json as Record<string, string>;
    expect(Object.keys(tokens)).toEqual(['access_token', 'refresh_token']);
    expect(stableClaims(tokens.access_token)).toEqual({
      fresh: true,
      type: 'access',
      sub: 'test',
      roles: ['foo', 'bar'],
      lifetime: 900,
    });
    expect(stableClaims(tokens.refresh_token)).toMatchObject({ type: 'refresh', sub: 'test', fresh: false });
  });

  it('/protected: the identity and the roles claim, exactly the seed page answer', async () => {
    const own = await both(async (url) => ({
      path: '/protected',
      headers: bearer((await tokensOf(url)).access_token),
    }));
    expect([own.status, own.json, own.headers['content-type']]).toEqual([
      200,
      SEED_BODY,
      'application/json; charset=utf-8',
    ]);
    const fixture = await both(() => ({ path: '/protected', headers: bearer(FIXTURE_TOKEN) }));
    expect([fixture.status, fixture.json]).toEqual([200, SEED_BODY]);
  });

  it('/protected: the same refusals as Express', async () => {
    const refusals: [RequestSpec, number, string][] = [
      [{ path: '/protected' }, 401, 'Missing Authorization Header'],
      [
        { path: '/protected', headers: { authorization: 'Basic x' } },
        401,
        "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
      ],
      [{ path: '/protected', headers: bearer('xxx') }, 422, 'Not enough segments'],
      [
        { path: '/protected', headers: bearer(`${FIXTURE_TOKEN.slice(0, -4)}AAAA`) },
        422,
        'Signature verification failed',
      ],
    ];
    for (const [spec, status, msg] of refusals) {
      const response = await both(() => spec);
      expect([response.status, response.json]).toEqual([status, { msg }]);
    }
    const refreshToken = await both(async (url) => ({
      path: '/protected',
      headers: bearer((await tokensOf(url)).refresh_token),
    }));
    expect([refreshToken.status, refreshToken.json]).toEqual([422, { msg: 'Only non-refresh tokens are allowed' }]);
    const head = await both(() => ({ method: 'HEAD', path: '/protected' }));
    expect([head.status, head.text]).toEqual([401, '']);
  });

  it('refresh, fresh-only and logout answer as on Express', async () => {
    const fresh = await both(async (url) => ({
      path: '/fresh-only',
      headers: bearer((await tokensOf(url)).access_token),
    }));
    expect([fresh.status, fresh.json]).toEqual([200, { current_identity: 'test', fresh: true }]);
    const wrongType = await both(async (url) => ({
      method: 'POST',
      path: '/refresh',
      headers: bearer((await tokensOf(url)).access_token),
    }));
    expect([wrongType.status, wrongType.json]).toEqual([422, { msg: 'Only refresh tokens are allowed' }]);
    const refreshed = await both(async (url) => ({
      method: 'POST',
      path: '/refresh',
      headers: bearer((await tokensOf(url)).refresh_token),
    }));
    expect(stableClaims((refreshed.json as { access_token: string }).access_token)).toMatchObject({ fresh: false });
    const notFresh = await both(async (url) => {
      const refresh = (await tokensOf(url)).refresh_token;
      const access = (await send(url, { method: 'POST', path: '/refresh', headers: bearer(refresh) })).json;
      return { path: '/fresh-only', headers: bearer((access as { access_token: string }).access_token) };
    });
    expect([notFresh.status, notFresh.json]).toEqual([401, { msg: 'Fresh token required' }]);
    const revoked = await both(async (url) => {
      const { access_token } = await tokensOf(url);
      const logout = await send(url, { method: 'POST', path: '/logout', headers: bearer(access_token) });
      expect([logout.status, logout.json]).toEqual([200, { msg: 'Access token revoked' }]);
      return { path: '/protected', headers: bearer(access_token) };
    });
    expect([revoked.status, revoked.json]).toEqual([401, { msg: 'Token has been revoked' }]);
  });

  it('cookie login, CSRF and cookie logout answer as on Express', async () => {
    const loginCookies = await both(() => ({ method: 'POST', path: '/login/cookies', json: TEST_CREDENTIALS }));
    expect([loginCookies.status, loginCookies.json]).toEqual([200, { login: true }]);
    expect(comparable(loginCookies)).toMatchObject({
      cookies: [
        'access_token_cookie=<value>; HttpOnly; Path=/',
        'csrf_access_token=<value>; Path=/',
        'refresh_token_cookie=<value>; HttpOnly; Path=/',
        'csrf_refresh_token=<value>; Path=/',
      ],
    });
    const jarOf = async (url: string) => {
      const lines = (await login(url, TEST_CREDENTIALS, '/login/cookies')).setCookie;
      return Object.fromEntries(lines.map((line) => line.split(';')[0]?.split('=') ?? [])) as Record<string, string>;
    };
    const noCsrf = await both(async (url) => ({
      method: 'POST',
      path: '/protected/cookies',
      cookies: await jarOf(url),
    }));
    expect([noCsrf.status, noCsrf.json]).toEqual([401, { msg: 'Missing CSRF token' }]);
    const withCsrf = await both(async (url) => {
      const cookies = await jarOf(url);
      return {
        method: 'POST',
        path: '/protected/cookies',
        cookies,
        headers: { 'x-csrf-token': cookies.csrf_access_token ?? '' },
      };
    });
    expect([withCsrf.status, withCsrf.json]).toEqual([200, SEED_BODY]);
    const logout = await both(async (url) => {
      const cookies = await jarOf(url);
      return {
        method: 'POST',
        path: '/logout/cookies',
        cookies,
        headers: { 'x-csrf-token': cookies.csrf_access_token ?? '' },
      };
    });
    expect([logout.status, logout.json]).toEqual([200, { logout: true }]);
    expect(logout.setCookie).toEqual([
      'access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/',
      'csrf_access_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
      'refresh_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/',
      'csrf_refresh_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
    ]);
  });
});

describeNpmStart('fastify', 'Fastify', {
  title: 'FRAMEWORK=fastify npm start (examples/server.ts)',
  askProtected: async (url) => {
    const { access_token } = (await login(url, TEST_CREDENTIALS)).json as { access_token: string };
    return send(url, { path: '/protected', headers: bearer(access_token) });
  },
});
