/**
 * The page `npm start` serves, driven in a real browser (Debian's chromium through playwright-core)
 * on every framework `npm start` offers (NestJS on both platforms included): the seeded account
 * shown on the page, a wrong password and a rate-limited username (429) as readable notices, login,
 * the protected data, the implicit refresh across an expiry (5-second access tokens), the
 * fresh-only action that asks for the password again, forged requests from another origin, logout,
 * and "log out everywhere" seen from a second browser context. Then one instance per framework, all
 * sharing one user database and one Redis (REDIS_URL): a "log out everywhere" on the Express one
 * ends the sessions opened on the others. One browser is shared by every case; screenshots go to
 * test-results/screenshots/ (git ignores it; docs/images/ holds the ones the README shows).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeedServer as startExpress } from '../../examples/seed/app-express.js';
import { startSeedServer as startFastify } from '../../examples/seed/app-fastify.js';
import { startSeedServer as startHono } from '../../examples/seed/app-hono.js';
import { startSeedServer as startKoa } from '../../examples/seed/app-koa.js';
import { startSeedServer as startNest } from '../../examples/nestjs/express.js';
import { startSeedServer as startNestFastify } from '../../examples/nestjs/fastify.js';
import { type SeedOptions, type SeedServer, createSeed } from '../../examples/seed/shared.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

/** The page's document, as the functions passed to `page.evaluate` see it inside chromium. */
declare const document: {
  cookie: string;
  getElementById(id: string): { textContent: string | null; hidden: boolean; click(): void } | null;
};

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);
/** The access token lifetime of these servers: short, so the page must refresh during the test. */
const ACCESS_SECONDS = 5;

/** Every FRAMEWORK `npm start` offers, with the name the page's footer shows for it. */
const FRAMEWORKS = [
  ['express', 'Express', startExpress],
  ['fastify', 'Fastify', startFastify],
  ['hono', 'Hono', startHono],
  ['koa', 'Koa', startKoa],
  ['nestjs', 'NestJS (Express)', startNest],
  ['nestjs-fastify', 'NestJS (Fastify)', startNestFastify],
] as const;

let browser: Browser;
let attacker: Server;
let attackerPort: number;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-test-deps.sh`).toBe(true);
  mkdirSync(SCREENSHOTS, { recursive: true });
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
  // Another origin's page that posts a form to the example (a classic CSRF attempt): the browser
  // sends whatever cookies it may, but this page cannot read the CSRF cookie or set the header.
  attacker = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://attacker').searchParams.get('target') ?? '';
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><form method="post" action="${target.replace(/"/g, '&quot;')}"></form>` +
        '<script>document.forms[0].submit()</script>',
    );
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
});

/** The payload of a JWT, read without verifying it (the test only looks at `exp`). */
function payloadOf(token: string): { exp: number; fresh: boolean; jti: string } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as never;
}

async function cookieNamed(context: BrowserContext, url: string, name: string) {
  return (await context.cookies(url)).find((cookie) => cookie.name === name);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}

async function visible(page: Page, selector: string, timeout = 20_000): Promise<void> {
  await page.locator(selector).waitFor({ state: 'visible', timeout });
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent())?.trim() ?? '';
}

/** Opens the page in a new context (a new browser profile) and logs in through the form. */
async function openAndLogIn(url: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 720 } });
  const page = await context.newPage();
  await page.goto(url);
  await visible(page, '#login-view');
  await logInOn(page, password);
  return { context, page };
}

/** What a forged form post from `origin` gets back (the browser shows the JSON answer as text). */
async function forgedPost(context: BrowserContext, origin: string, target: string): Promise<unknown> {
  const page = await context.newPage();
  await page.goto(`${origin}/?target=${encodeURIComponent(target)}`);
  await page.waitForURL(target);
  const answer = JSON.parse((await page.locator('body').textContent()) ?? '') as unknown;
  await page.close();
  return answer;
}

/** A seed as `npm start` makes it, with short access tokens, a cheap password hash, and `env` on top. */
function testSeed(env: Record<string, string>): ReturnType<typeof createSeed> {
  const options: SeedOptions = {
    env: {
      JWT_SECRET_KEY: 'browser-test-secret-0123456789abcdef0123456789',
      DATABASE: ':memory:',
      JWT_ACCESS_TOKEN_EXPIRES: String(ACCESS_SECONDS),
      PASSWORD_HASH_COST: '10',
      ...env,
    },
    warn: () => undefined,
  };
  return createSeed(options);
}

/** Clicks "Reload data" unless the page already left the session (its refresh timer may have). */
async function clickReloadIfSignedIn(page: Page): Promise<void> {
  // One step inside the page: no gap between looking at the view and clicking.
  await page.evaluate(() => {
    if (document.getElementById('session-view')?.hidden === false) document.getElementById('reload')?.click();
  });
}

/** Fills the login form of a page that shows it, and waits for the session. */
async function logInOn(page: Page, password: string): Promise<void> {
  await page.fill('#login-form input[name=username]', 'test');
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await visible(page, '#session-view');
}

describe('the example page in chromium', () => {
  for (const [framework, shownName, start] of FRAMEWORKS) {
    it(`${framework}: login, rate limit, protected data, implicit refresh, fresh action, CSRF, logout, logout everywhere`, async () => {
      const seed = testSeed({ JWT_SECRET_KEY: `browser-test-secret-${framework}-0123456789abcdef0123456789` });
      const server: SeedServer = await start(0, '127.0.0.1', seed);
      const url = `${server.url}/`;
      const contexts: BrowserContext[] = [];
      try {
        // The login page shows the account the database was seeded with.
        const account = seed.users.demoAccount();
        expect(account?.username).toBe('test');
        const anonymous = await browser.newContext({ viewport: { width: 900, height: 720 } });
        contexts.push(anonymous);
        const loginPage = await anonymous.newPage();
        await loginPage.goto(url);
        await visible(loginPage, '#demo-account');
        expect([await text(loginPage, '#demo-username'), await text(loginPage, '#demo-password')]).toEqual([
          'test',
          account?.password,
        ]);
        expect(await text(loginPage, '#framework')).toBe(shownName);
        await shot(loginPage, `${framework}-1-login`);
        // A wrong password: a readable message, still the login form.
        await loginPage.fill('#login-form input[name=username]', 'test');
        await loginPage.fill('#login-form input[name=password]', 'not-the-password');
        await loginPage.click('#login-form button[type=submit]');
        await visible(loginPage, '#notice');
        expect(await text(loginPage, '#notice')).toBe('Wrong username or password.');
        expect(await loginPage.locator('#login-view').isVisible()).toBe(true);
        await shot(loginPage, `${framework}-2-wrong-password`);
        // Guessing another user's password: after 5 failures that username waits, and the page says
        // how long (the seeded user, tried once from this address, can still log in below).
        for (let attempt = 1; attempt <= 6; attempt += 1) {
          await loginPage.fill('#login-form input[name=username]', 'someone-else');
          await loginPage.fill('#login-form input[name=password]', `guess-${attempt}`);
          const [answer] = await Promise.all([
            loginPage.waitForResponse((response) => new URL(response.url()).pathname === '/login/cookies'),
            loginPage.click('#login-form button[type=submit]'),
          ]);
          expect(answer.status()).toBe(attempt <= 5 ? 401 : 429);
        }
        // The page has written the answer once the script is done with it.
        await loginPage.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Too many'));
        expect(await text(loginPage, '#notice')).toMatch(/^Too many failed logins: try again in (8\d\d|900) seconds$/);

        // Browser A logs in and drives the flow.
        const a = await openAndLogIn(url, account?.password as string);
        contexts.push(a.context);
        const firstAccess = await cookieNamed(a.context, url, 'access_token_cookie');
        const refreshes: { status: number; csrf: string | undefined; authorization: string | undefined }[] = [];
        a.page.on('response', (response) => {
          if (new URL(response.url()).pathname !== '/refresh') return;
          const headers = response.request().headers();
          refreshes.push({
            status: response.status(),
            csrf: headers['x-csrf-token'],
            authorization: headers.authorization,
          });
        });

        // The protected data: identity and roles claim from the token, the user from the lookup loader.
        expect(await text(a.page, '#display-name')).toBe('Test User');
        expect(await text(a.page, '#identity')).toBe('"test"');
        expect(await text(a.page, '#roles')).toBe('{"roles":["foo","bar"]}');
        expect(JSON.parse(await text(a.page, '#current-user'))).toEqual({
          username: 'test',
          display_name: 'Test User',
          roles: ['foo', 'bar'],
        });
        expect(await text(a.page, '#freshness')).toBe('fresh');
        // The JWT cookies are HttpOnly and SameSite=Strict; only the CSRF cookies are readable by script.
        expect([firstAccess?.httpOnly, firstAccess?.sameSite]).toEqual([true, 'Strict']);
        expect((await cookieNamed(a.context, url, 'csrf_access_token'))?.httpOnly).toBe(false);
        expect(await a.page.evaluate(() => document.cookie)).not.toContain('access_token_cookie=');
        await shot(a.page, `${framework}-3-signed-in`);
        // Browser B (another profile) logs in too; it only has to see its session end, at the end.
        const b = await openAndLogIn(url, account?.password as string);
        contexts.push(b.context);

        // Implicit refresh: the page's timer refreshes before expiry, from the refresh cookie.
        const firstExp = payloadOf(firstAccess?.value as string).exp;
        await a.page.waitForFunction(
          (exp) => Date.now() / 1000 > exp + 0.5 && Number(document.getElementById('refresh-count')?.textContent) >= 1,
          firstExp,
          { timeout: (ACCESS_SECONDS + 10) * 1000, polling: 200 },
        );
        const refreshedAccess = await cookieNamed(a.context, url, 'access_token_cookie');
        expect(refreshedAccess?.value).not.toBe(firstAccess?.value);
        expect(payloadOf(refreshedAccess?.value as string)).toMatchObject({ fresh: false });
        const csrfRefresh = (await cookieNamed(a.context, url, 'csrf_refresh_token'))?.value;
        expect(refreshes[0]).toEqual({ status: 200, csrf: csrfRefresh, authorization: undefined });
        await a.page.click('#reload');
        await a.page.waitForFunction(() => document.getElementById('freshness')?.textContent === 'not fresh');
        expect(await a.page.locator('#session-view').isVisible()).toBe(true);
        expect(await text(a.page, '#identity')).toBe('"test"');

        // The fresh-only action asks for the password again, refuses a wrong one, then answers.
        await a.page.click('#reveal-key');
        await visible(a.page, '#confirm-form');
        expect(await text(a.page, '#notice')).toBe('Please confirm your password first.');
        await shot(a.page, `${framework}-4-confirm-password`);
        await a.page.fill('#confirm-form input[name=password]', 'wrong-password');
        await a.page.click('#confirm-form button[type=submit]');
        await a.page.waitForFunction(() => document.getElementById('notice')?.textContent === 'Wrong password.');
        await a.page.fill('#confirm-form input[name=password]', account?.password as string);
        await a.page.click('#confirm-form button[type=submit]');
        await visible(a.page, '#api-key');
        expect(await text(a.page, '#api-key')).toBe(seed.users.apiKeyOf('test'));
        expect(await a.page.locator('#confirm-form').isVisible()).toBe(false);
        await shot(a.page, `${framework}-5-fresh-action`);

        // Forged posts from other origins are refused, and A's session is untouched. Same site,
        // another port: the cookies go along, but the page cannot add the X-CSRF-TOKEN header.
        const logoutEverywhere = `${server.url}/logout/everywhere`;
        expect(await forgedPost(a.context, `http://127.0.0.1:${attackerPort}`, logoutEverywhere)).toEqual({
          msg: 'Missing CSRF token',
        });
        // Another site: SameSite=Strict keeps the cookies home.
        expect(await forgedPost(a.context, `http://localhost:${attackerPort}`, logoutEverywhere)).toEqual({
          msg: 'Missing cookie "access_token_cookie"',
        });
        await a.page.click('#reload');
        await visible(a.page, '#session-view');
        expect(await a.page.locator('#notice').isVisible()).toBe(false);

        // Log out: the cookies go, and the old access token is refused from now on.
        const beforeLogout = (await cookieNamed(a.context, url, 'access_token_cookie'))?.value as string;
        await a.page.click('#logout');
        await visible(a.page, '#login-view');
        expect(await text(a.page, '#notice')).toBe('You have logged out.');
        expect((await a.context.cookies(url)).map((cookie) => cookie.name)).toEqual([]);
        const replay = await fetch(`${server.url}/protected`, { headers: { authorization: `Bearer ${beforeLogout}` } });
        expect([replay.status, await replay.json()]).toEqual([401, { msg: 'Token has been revoked' }]);

        // Log out everywhere from A (logged in again): B's session ends too.
        await logInOn(a.page, account?.password as string);
        await a.page.click('#logout-everywhere');
        await visible(a.page, '#login-view');
        expect(await text(a.page, '#notice')).toBe('You have logged out on every device and browser.');
        // B: its next request is refused, and the page says so: now if B reloads, or at its next
        // refresh if its timer comes first.
        await clickReloadIfSignedIn(b.page);
        await visible(b.page, '#login-view', (ACCESS_SECONDS + 10) * 1000);
        expect(await text(b.page, '#notice')).toBe('Your session has ended: you logged out here or on another device.');
        await shot(b.page, `${framework}-6-ended-elsewhere`);
      } finally {
        for (const context of contexts) await context.close();
        await server.close();
      }
    }, 90_000);
  }

  it('one instance per framework sharing one database and one Redis: log out everywhere on one ends the session on every other', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'seed-page-'));
    let redis: RedisServer | undefined;
    const servers: SeedServer[] = [];
    const contexts: BrowserContext[] = [];
    try {
      redis = await startRedisServer();
      const env = {
        DATABASE: join(folder, 'users.sqlite'),
        REDIS_URL: `redis://${redis.host}:${redis.port}`,
        JWT_ACCESS_TOKEN_EXPIRES: '900',
      };
      for (const [, , start] of FRAMEWORKS) servers.push(await start(0, '127.0.0.1', testSeed(env)));
      // One database file: the first instance seeded it, the others found it seeded.
      const account = servers[0]?.seed.users.demoAccount();
      for (const server of servers) expect(server.seed.users.demoAccount()).toEqual(account);

      // A browser profile signed in on each instance.
      const pages: Page[] = [];
      for (const [index, server] of servers.entries()) {
        const signedIn = await openAndLogIn(`${server.url}/`, account?.password as string);
        contexts.push(signedIn.context);
        pages.push(signedIn.page);
        expect([await text(signedIn.page, '#framework'), await text(signedIn.page, '#store')]).toEqual([
          FRAMEWORKS[index]?.[1],
          'Redis',
        ]);
      }
      const [first, ...others] = pages as [Page, ...Page[]];
      await first.click('#logout-everywhere');
      await visible(first, '#login-view');
      for (const page of others) {
        await clickReloadIfSignedIn(page);
        await visible(page, '#login-view');
        expect(await text(page, '#notice')).toBe('Your session has ended: you logged out here or on another device.');
      }
    } finally {
      for (const context of contexts) await context.close();
      for (const server of servers) await server.close();
      await redis?.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);
});
