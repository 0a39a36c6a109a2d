/**
 * The cookie login with CSRF double submit, in a real browser (Debian's chromium driven by
 * playwright-core): the browser keeps the HttpOnly JWT cookie, page script reads the readable
 * CSRF cookie and copies it into X-CSRF-TOKEN, exactly as flask-jwt-extended's docs tell clients.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedApp } from '../../examples/seed/app-express.js';
import { createSeed } from '../../examples/seed/shared.js';

/** The page's document, as the functions passed to `page.evaluate` see it inside chromium. */
declare const document: { cookie: string };

const CHROMIUM = '/usr/bin/chromium';
let browser: Browser;
let server: Server;
let origin: string;
/** What the server answered, seen from the server side (cross-origin responses are opaque to the page). */
const answered: { path: string; status: number; origin: string | undefined }[] = [];

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  const app = createSeedApp(createSeed({ env: { JWT_SECRET_KEY: 'browser-test-secret-0123456789abcdef0123456789' } }));
  // The client page is served from the API's origin, as a browser app would be; Express's 404
  // page carries `Content-Security-Policy: default-src 'none'`, which would block its fetches.
  server = createServer((req, res) => {
    res.on('finish', () =>
      answered.push({
        path: req.url ?? '',
        status: res.statusCode,
        origin: req.headers.origin,
      }),
    );
    if (req.url !== '/client') return app(req, res);
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>client</title><p>API client</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** Runs fetch inside the page, as a browser client of the API would. */
async function call(page: Page, path: string, init: { csrf?: 'cookie' | 'none' | 'wrong'; body?: unknown } = {}) {
  return page.evaluate(
    async ({ path, csrf, body }) => {
      const cookie = document.cookie
        .split('; ')
        .find((c: string) => c.startsWith('csrf_access_token='))
        ?.split('=')[1];
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (csrf === 'cookie' && cookie) headers['X-CSRF-TOKEN'] = cookie;
      if (csrf === 'wrong') headers['X-CSRF-TOKEN'] = 'not-the-token';
      const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
      return { status: response.status, body: await response.json(), cookies: document.cookie };
    },
    { path, csrf: init.csrf ?? 'none', body: init.body },
  );
}

describe('cookie login with CSRF in chromium', () => {
  it('logs in, is refused without or with a wrong CSRF header, passes with it, and logs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/client`);

    const login = await call(page, '/login/cookies', { body: { username: 'test', password: 'test' } });
    expect(login.status).toBe(200);
    // The JWT cookies are HttpOnly: script sees only the CSRF cookies.
    expect(login.cookies).toMatch(/csrf_access_token=[0-9a-f-]{36}/);
    expect(login.cookies).not.toContain('access_token_cookie');
    const stored = await context.cookies(origin);
    expect(stored.find((c) => c.name === 'access_token_cookie')?.httpOnly).toBe(true);
    expect(stored.find((c) => c.name === 'csrf_access_token')?.httpOnly).toBe(false);

    expect(await call(page, '/protected/cookies')).toMatchObject({ status: 401, body: { msg: 'Missing CSRF token' } });
    expect(await call(page, '/protected/cookies', { csrf: 'wrong' })).toMatchObject({
      status: 401,
      body: { msg: 'CSRF double submit tokens do not match' },
    });
    expect(await call(page, '/protected/cookies', { csrf: 'cookie' })).toMatchObject({
      status: 200,
      body: { current_identity: 'test', current_roles: { roles: ['foo', 'bar'] } },
    });

    expect((await call(page, '/logout/cookies', { csrf: 'cookie' })).status).toBe(200);
    expect((await context.cookies(origin)).map((c) => c.name)).toEqual([]);
    expect(await call(page, '/protected/cookies', { csrf: 'cookie' })).toMatchObject({
      status: 401,
      body: { msg: 'Missing cookie "access_token_cookie"' },
    });
    await context.close();
  });

  it('cannot be driven from another site: the CSRF cookie is unreadable there', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/client`);
    await call(page, '/login/cookies', { body: { username: 'test', password: 'test' } });
    // A page on another site (localhost vs 127.0.0.1) can send the request but cannot read the
    // CSRF cookie to copy it into the header, so the forged request is refused.
    const other = origin.replace('127.0.0.1', 'localhost');
    await page.goto(`${other}/client`);
    const forged = await page.evaluate(async (target) => {
      const response = await fetch(`${target}/protected/cookies`, {
        method: 'POST',
        credentials: 'include',
        mode: 'no-cors',
      });
      return { type: response.type, readable: document.cookie.includes('csrf_access_token') };
    }, origin);
    expect(forged.readable).toBe(false);
    expect(forged.type).toBe('opaque');
    // The server refused it (chromium's default SameSite=Lax even withholds the cookie cross-site;
    // with SameSite=None the missing CSRF header alone refuses it, as the first test shows).
    const seen = answered.filter((a) => a.path === '/protected/cookies' && a.origin === other);
    expect(seen.map((a) => a.status)).toEqual([401]);
    await context.close();
  });
});
