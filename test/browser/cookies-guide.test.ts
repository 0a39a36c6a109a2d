/**
 * docs/cookies-csrf.md in a real browser (Debian's chromium through playwright-core): the guide's
 * program, type-checked and built from the page against the packed tarball, serves its page; the
 * page logs in (HttpOnly JWT cookies the page cannot read, CSRF cookies it can), reads who is
 * logged in, saves a note (the CSRF header copied from the cookie), refreshes, and logs out. A
 * form posted from another origin carries the cookies but not the header, and is refused.
 */
import { type Server, createServer } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePrograms } from '../docs/compile.js';
import { extractDocBlocks } from '../docs/extract.js';
import { type RunningServer, startServer } from '../docs/processes.js';
import { consumerProject } from '../helpers/consumer-project.js';
import { repoRoot } from '../helpers/packed.js';

/** What the page's script reads, as the functions given to `page.evaluate` see it in chromium. */
declare const document: { cookie: string };

const CHROMIUM = '/usr/bin/chromium';
const program = extractDocBlocks(repoRoot, ['docs/cookies-csrf.md']).programs.find((p) => p.name === 'cookies-csrf');

let browser: Browser;
let server: RunningServer;
let attacker: Server;
let attackerUrl: string;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-test-deps.sh`).toBe(true);
  expect(program, 'docs/cookies-csrf.md has no cookies-csrf program').toBeDefined();
  const project = await consumerProject();
  const compiled = compilePrograms(mkdtempSync(join(project, 'browser-')), [program!], []);
  expect(compiled.errors.get('cookies-csrf')).toBe('');
  server = await startServer(compiled.outputs.get('cookies-csrf') as string, project, {
    JWT_SECRET_KEY: 'cookies-guide-browser-test-secret-0123456789',
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  // Another origin (another port: same site, so SameSite=Lax does not stop it; only CSRF does).
  attacker = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><form method="post" action="${server.url}/api/notes"><input name="text" value="pwned"></form>` +
        '<script>document.forms[0].submit()</script>',
    );
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
});

async function textOf(page: Page, selector: string, expected: string): Promise<void> {
  await page.locator(selector).filter({ hasText: expected }).waitFor({ timeout: 20_000 });
  expect((await page.locator(selector).textContent())?.trim()).toBe(expected);
}

describe('docs/cookies-csrf.md in chromium', () => {
  it('logs in with HttpOnly cookies, sends the CSRF header, refreshes, logs out; a forged post is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await textOf(page, '#who', 'nobody');

    await page.getByRole('button', { name: 'Log in' }).click();
    await textOf(page, '#who', 'test');
    const cookies = new Map((await context.cookies(server.url)).map((cookie) => [cookie.name, cookie]));
    expect(cookies.get('access_token_cookie')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(cookies.get('refresh_token_cookie')).toMatchObject({ httpOnly: true });
    expect(cookies.get('csrf_access_token')).toMatchObject({ httpOnly: false });
    // The page's script sees the CSRF values, never the tokens.
    const visible = await page.evaluate(() => document.cookie);
    expect(visible).toContain('csrf_access_token=');
    expect(visible).not.toContain('access_token_cookie');

    await page.getByRole('button', { name: 'Save a note' }).click();
    await textOf(page, '#out', '201 {"saved":1}');

    const forged = await context.newPage();
    await forged.goto(attackerUrl);
    await forged.waitForURL(`${server.url}/api/notes`);
    expect(JSON.parse((await forged.locator('body').textContent()) ?? '')).toEqual({ msg: 'Missing CSRF token' });
    await forged.close();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await textOf(page, '#out', '200 {"refresh":true}');
    await page.getByRole('button', { name: 'Save a note' }).click();
    await textOf(page, '#out', '201 {"saved":2}');

    await page.getByRole('button', { name: 'Log out' }).click();
    await textOf(page, '#who', 'nobody');
    expect((await context.cookies(server.url)).map((cookie) => cookie.name)).toEqual([]);
    await context.close();
  }, 120_000);
});
