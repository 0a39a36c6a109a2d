/**
 * Cookies through every framework: the Set-Cookie lines the real flask-jwt-extended 4.7.1 wrote
 * (test/fixtures/fje-4.7.1-cookies.json) come out byte for byte, and the cookie flows of §4.1
 * (rows 33–43) work end to end: log in through the cookie route, send the cookies back like a
 * browser would, use the CSRF cookie's value as the header, log out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtManager, type JwtManagerOptions } from '../../src/index.js';
import { type CookieScenario, cookieFixtures, optionsFromFlaskConfig, seedLoaders } from '../helpers/fixtures.js';
import type { TestApp } from './app-contract.js';
import { FRAMEWORKS } from './frameworks.js';
import { type RequestSpec, send } from './http.js';
import { NOW_MS, createManager, tokenKit } from './scenarios.js';

type Call = CookieScenario['calls'][number];

/** The cookie route request that performs a fixture call. */
function routeRequest(scenario: CookieScenario, call: Call): RequestSpec {
  const args = call.args as { max_age?: number; domain?: string };
  const options = { maxAge: args.max_age, domain: args.domain };
  const set = (body: object): RequestSpec => ({ method: 'POST', path: '/cookies/set', json: { ...body, ...options } });
  const unset = (which: string): RequestSpec => ({
    method: 'POST',
    path: '/cookies/unset',
    json: { which, ...options },
  });
  switch (call.function) {
    case 'set_access_cookies':
      return set({ access: scenario.accessToken });
    case 'set_refresh_cookies':
      return set({ refresh: scenario.refreshToken });
    case 'set_access_cookies+set_refresh_cookies':
      return set({ access: scenario.accessToken, refresh: scenario.refreshToken });
    case 'unset_jwt_cookies':
      return unset('all');
    case 'unset_access_cookies':
      return unset('access');
    case 'unset_refresh_cookies':
      return unset('refresh');
    default:
      throw new Error(`unknown fixture call ${call.function}`);
  }
}

/**
 * The fixture's line with its `Expires=<now+Ns>` placeholder (README rule) replaced by the date the
 * frozen clock gives: the comparison stays byte for byte.
 */
function expectedLine(line: string): string {
  return line.replace(/Expires=<now\+(\d+)s>/, (_, seconds: string) => {
    return `Expires=${new Date(NOW_MS + Number(seconds) * 1000).toUTCString()}`;
  });
}

/** A browser's cookie jar, as far as these flows need one (one path, one host). */
function applySetCookie(jar: Map<string, string>, lines: readonly string[]): void {
  for (const line of lines) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value === '' || line.includes('Expires=Thu, 01 Jan 1970')) jar.delete(name);
    else jar.set(name, value);
  }
}

describe('cookie fixtures', () => {
  it('are the 6 scenarios and 88 lines the README describes', () => {
    expect(cookieFixtures.scenarios).toHaveLength(6);
    expect(cookieFixtures.scenarios.flatMap((s) => s.calls.flatMap((c) => c.setCookie))).toHaveLength(88);
  });
});

for (const framework of FRAMEWORKS) {
  describe(`${framework.name}: Set-Cookie lines equal flask-jwt-extended 4.7.1's`, () => {
    for (const scenario of cookieFixtures.scenarios) {
      describe(scenario.name, () => {
        let app: TestApp;
        beforeAll(async () => {
          const options = optionsFromFlaskConfig(scenario.config, cookieFixtures.keys.HS256);
          const jwt = new JwtManager({
            ...options,
            ...seedLoaders,
            clock: () => NOW_MS,
            ...framework.managerOptions,
          } as JwtManagerOptions);
          app = await framework.factory(jwt);
        });
        afterAll(() => app.close());

        scenario.calls.forEach((call, index) => {
          const args = JSON.stringify(call.args).replace(/"eyJ[^"]+"/g, '"<token>"');
          it(`#${index} ${call.function} ${args}`, async () => {
            const response = await send(app.baseUrl, routeRequest(scenario, call));
            expect(response.status).toBe(200);
            expect(response.setCookie).toEqual(call.setCookie.map(expectedLine));
          });
        });
      });
    }
  });

  describe(`${framework.name}: §4.1 cookie flows end to end`, () => {
    let app: TestApp;
    let jwt: JwtManager;
    beforeAll(async () => {
      jwt = createManager('cookies', framework.managerOptions);
      app = await framework.factory(jwt);
    });
    afterAll(() => app.close());

    /** Sends a request with the jar's cookies, like a browser. */
    const withJar = (jar: Map<string, string>, spec: RequestSpec) =>
      send(app.baseUrl, { ...spec, cookies: Object.fromEntries(jar) });

    it('logs in, reads with GET, writes with the CSRF header, refreshes, logs out (rows 33–37, 39, 43)', async () => {
      const kit = tokenKit(jwt);
      const jar = new Map<string, string>();
      expect((await withJar(jar, { path: '/protected' })).json).toEqual({
        msg: 'Missing cookie "access_token_cookie"',
      });

      const [access, refresh] = [await kit.access('alice'), await kit.refresh('alice')];
      const login = await send(app.baseUrl, { method: 'POST', path: '/cookies/set', json: { access, refresh } });
      expect(login.status).toBe(200);
      applySetCookie(jar, login.setCookie);
      expect([...jar.keys()]).toEqual([
        'access_token_cookie',
        'csrf_access_token',
        'refresh_token_cookie',
        'csrf_refresh_token',
      ]);

      const read = await withJar(jar, { path: '/protected' });
      expect([read.status, (read.json as { identity: unknown }).identity]).toEqual([200, 'alice']);
      expect((read.json as { location: unknown }).location).toBe('cookies');

      expect(await withJar(jar, { method: 'POST', path: '/protected' }).then((r) => [r.status, r.json])).toEqual([
        401,
        { msg: 'Missing CSRF token' },
      ]);
      const csrfAccess = jar.get('csrf_access_token') ?? '';
      const csrfRefresh = jar.get('csrf_refresh_token') ?? '';
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const write = await withJar(jar, { method, path: '/protected', headers: { 'x-csrf-token': csrfAccess } });
        expect([method, write.status]).toEqual([method, 200]);
      }
      const wrong = await withJar(jar, { method: 'POST', path: '/refresh', headers: { 'x-csrf-token': csrfAccess } });
      expect([wrong.status, wrong.json]).toEqual([401, { msg: 'CSRF double submit tokens do not match' }]);
      const refreshed = await withJar(jar, {
        method: 'POST',
        path: '/refresh',
        headers: { 'x-csrf-token': csrfRefresh },
      });
      expect([refreshed.status, (refreshed.json as { jwt: { type: unknown } }).jwt.type]).toEqual([200, 'refresh']);

      const logout = await send(app.baseUrl, { method: 'POST', path: '/cookies/unset', json: { which: 'all' } });
      expect(logout.setCookie).toHaveLength(4);
      applySetCookie(jar, logout.setCookie);
      expect(jar.size).toBe(0);
      const after = await withJar(jar, { path: '/protected' });
      expect([after.status, after.json]).toEqual([401, { msg: 'Missing cookie "access_token_cookie"' }]);
    });

    it('unsets only the access pair, leaving the refresh pair usable', async () => {
      const kit = tokenKit(jwt);
      const jar = new Map<string, string>();
      const login = await send(app.baseUrl, {
        method: 'POST',
        path: '/cookies/set',
        json: { access: await kit.access('bob'), refresh: await kit.refresh('bob') },
      });
      applySetCookie(jar, login.setCookie);
      applySetCookie(
        jar,
        (await send(app.baseUrl, { method: 'POST', path: '/cookies/unset', json: { which: 'access' } })).setCookie,
      );
      expect([...jar.keys()]).toEqual(['refresh_token_cookie', 'csrf_refresh_token']);
      expect((await withJar(jar, { path: '/protected' })).status).toBe(401);
      expect((await withJar(jar, { path: '/refresh' })).status).toBe(200);
    });

    it('refuses a garbage cookie: CSRF first on POST (row 42), then the decode error on GET', async () => {
      const jar = new Map([['access_token_cookie', 'garbage']]);
      const post = await withJar(jar, { method: 'POST', path: '/protected' });
      expect([post.status, post.json]).toEqual([401, { msg: 'Missing CSRF token' }]);
      const getResponse = await withJar(jar, { path: '/protected' });
      expect([getResponse.status, getResponse.json]).toEqual([422, { msg: 'Not enough segments' }]);
    });
  });
}
