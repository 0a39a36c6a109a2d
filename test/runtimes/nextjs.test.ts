/**
 * A real Next.js app (examples/nextjs: App Router route handlers, one of them on the Edge runtime,
 * and a middleware), built with `next build` once and served by `next start` on 127.0.0.1, driven
 * over real HTTP. The app imports the packed package as a user's app does: `npm pack`'s tarball in
 * its `node_modules`, next to Next.js, React and TypeScript from the cache directory
 * `scripts/install-runtimes.sh` fills (hard-linked, so staging costs well under a second).
 *
 * `next build` also type-checks the app with its own tsconfig.json against the packed declarations.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packedTarball, repoRoot } from '../helpers/packed.js';

const { nextjs } = inject('runtimes');
const MINUTES = 60_000;

/** A free loopback port (`next start` prints the port it was given, so it cannot be 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()));
    });
  });
}

/** The example as an app directory: its files, Next's install hard-linked, the tarball unpacked. */
async function stageApp(): Promise<string> {
  const tarball = await packedTarball();
  const dir = mkdtempSync(join(tmpdir(), 'jwt-extended-nextjs-'));
  cpSync(join(repoRoot, 'examples/nextjs'), dir, { recursive: true });
  try {
    execFileSync('cp', ['-al', nextjs, join(dir, 'node_modules')]);
  } catch {
    // Another file system than the cache's: a copy (slower, same result).
    cpSync(nextjs, join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  }
  const pkg = join(dir, 'node_modules/jwt-extended');
  mkdirSync(pkg);
  // What npm does with the tarball of a package without dependencies.
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  return dir;
}

const env = (secret: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  NEXT_TELEMETRY_DISABLED: '1',
  JWT_SECRET_KEY: secret,
});

/** `next start`, resolved once it says it is ready; its output is kept for the failure message. */
function start(dir: string, port: number, secret: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['node_modules/next/dist/bin/next', 'start', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: dir, env: env(secret), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`next start was not ready within 60 s:\n${output}`));
    }, MINUTES);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!/Ready in/.test(output)) return;
      clearTimeout(timer);
      resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`next start exited (${code}) before it was ready:\n${output}`));
    });
  });
}

let dir = '';
let server: ChildProcess | undefined;
let base = '';
const timings: string[] = [];

// Off Linux x64 the install script installs nothing (it says so): there is no Next.js to build.
describe.skipIf(nextjs === '')('Next.js 16 app (next build + next start) on the packed package', () => {
  beforeAll(async () => {
    let started = Date.now();
    dir = await stageApp();
    timings.push(`stage ${((Date.now() - started) / 1000).toFixed(1)}`);
    started = Date.now();
    const secret = `nextjs-test-${process.pid}-${Date.now()}`;
    try {
      execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
        cwd: dir,
        env: env(secret),
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`next build failed:\n${stdout.toString()}\n${stderr.toString()}`);
    }
    timings.push(`next build ${((Date.now() - started) / 1000).toFixed(1)}`);
    started = Date.now();
    const port = await freePort();
    server = await start(dir, port, secret);
    timings.push(`next start ${((Date.now() - started) / 1000).toFixed(1)}`);
    base = `http://127.0.0.1:${port}`;
  }, 5 * MINUTES);

  afterAll(async () => {
    console.log(`Next.js app, wall seconds (shared machine: noise): ${timings.join('; ')}`);
    const child = server;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `Set-Cookie` lines as `name=value` pairs. */
  const cookiesOf = (response: Response): Record<string, string> =>
    Object.fromEntries(
      response.headers.getSetCookie().map((line) => {
        const pair = line.split(';')[0] as string;
        const at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    );

  async function signIn(): Promise<{ tokens: Record<string, string>; cookies: Record<string, string> }> {
    const response = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'test', password: 'test' }),
    });
    expect(response.status).toBe(200);
    return { cookies: cookiesOf(response), tokens: (await response.json()) as Record<string, string> };
  }

  const answer = async (response: Response) => [response.status, await response.json()];

  it('login: a wrong password or a body that is not JSON is a 401; the right one answers tokens and four cookies', async () => {
    const login = (body: string) => fetch(`${base}/api/login`, { method: 'POST', body });
    expect(await answer(await login(JSON.stringify({ username: 'test', password: 'x' })))).toEqual([
      401,
      { msg: 'Bad username or password' },
    ]);
    expect(await answer(await login('{not json'))).toEqual([401, { msg: 'Bad username or password' }]);
    const { tokens, cookies } = await signIn();
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'refresh_token']);
    expect(Object.keys(cookies).sort()).toEqual([
      'access_token_cookie',
      'csrf_access_token',
      'csrf_refresh_token',
      'refresh_token_cookie',
    ]);
    expect(cookies.access_token_cookie).toBe(tokens.access_token);
  });

  it('GET /api/protected needs an access token in the header or the cookie (a GET needs no CSRF header)', async () => {
    const { tokens, cookies } = await signIn();
    const url = `${base}/api/protected`;
    expect(await answer(await fetch(url))).toEqual([
      401,
      { msg: 'Missing JWT in headers or cookies (Missing Authorization Header; Missing cookie "access_token_cookie")' },
    ]);
    expect(await answer(await fetch(url, { headers: { authorization: 'Bearer not.a.token' } }))).toEqual([
      422,
      { msg: 'Invalid header padding' },
    ]);
    const ways: Record<string, string>[] = [
      { authorization: `Bearer ${tokens.access_token}` },
      { cookie: `access_token_cookie=${cookies.access_token_cookie}` },
    ];
    for (const headers of ways) {
      expect(await answer(await fetch(url, { headers }))).toEqual([200, { logged_in_as: 'test' }]);
    }
  });

  it('POST /api/refresh takes only a refresh token; from the cookie it needs the CSRF header', async () => {
    const { tokens, cookies } = await signIn();
    const url = `${base}/api/refresh`;
    const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers });
    expect(await answer(await post({ authorization: `Bearer ${tokens.access_token}` }))).toEqual([
      422,
      { msg: 'Only refresh tokens are allowed' },
    ]);
    const cookie = `refresh_token_cookie=${cookies.refresh_token_cookie}`;
    expect(await answer(await post({ cookie }))).toEqual([401, { msg: 'Missing CSRF token' }]);
    expect(await answer(await post({ cookie, 'x-csrf-token': 'not-the-value' }))).toEqual([
      401,
      { msg: 'CSRF double submit tokens do not match' },
    ]);
    const ok = await post({ cookie, 'x-csrf-token': cookies.csrf_refresh_token as string });
    expect(ok.status).toBe(200);
    const renewed = cookiesOf(ok);
    expect(Object.keys(renewed)).toEqual(['access_token_cookie', 'csrf_access_token']);
    const access = await fetch(`${base}/api/protected`, {
      headers: { authorization: `Bearer ${renewed.access_token_cookie}` },
    });
    expect(await answer(access)).toEqual([200, { logged_in_as: 'test' }]);
  });

  it('the Edge runtime route verifies the Node route’s tokens on the WebCrypto engine, and refuses a tampered one', async () => {
    const { tokens } = await signIn();
    const url = `${base}/api/edge`;
    expect(await answer(await fetch(url, { headers: { authorization: `Bearer ${tokens.access_token}` } }))).toEqual([
      200,
      { logged_in_as: 'test', engine: 'webcrypto' },
    ]);
    const [header, payload, signature] = (tokens.access_token as string).split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await answer(await fetch(url, { headers: { authorization: `Bearer ${tampered}` } }))).toEqual([
      422,
      { msg: 'Signature verification failed' },
    ]);
    expect(await answer(await fetch(url, { headers: { authorization: `Bearer ${tokens.refresh_token}` } }))).toEqual([
      422,
      { msg: 'Only non-refresh tokens are allowed' },
    ]);
  });

  it('the middleware stops /dashboard without the access cookie, and a POST without its CSRF header', async () => {
    const { cookies } = await signIn();
    const url = `${base}/dashboard`;
    expect(await answer(await fetch(url))).toEqual([401, { msg: 'Missing cookie "access_token_cookie"' }]);
    const cookie = `access_token_cookie=${cookies.access_token_cookie}`;
    expect(await answer(await fetch(url, { headers: { cookie } }))).toEqual([200, { page: 'dashboard' }]);
    expect(await answer(await fetch(url, { method: 'POST', headers: { cookie } }))).toEqual([
      401,
      { msg: 'Missing CSRF token' },
    ]);
    const csrf = { cookie, 'x-csrf-token': cookies.csrf_access_token as string };
    expect(await answer(await fetch(url, { method: 'POST', headers: csrf }))).toEqual([
      200,
      { page: 'dashboard', saved: true },
    ]);
    // The matcher covers sub-paths too (no route there: past the middleware, Next's own 404).
    expect((await fetch(`${url}/settings`)).status).toBe(401);
    expect((await fetch(`${url}/settings`, { headers: { cookie } })).status).toBe(404);
  });

  it('POST /api/logout unsets the four cookies', async () => {
    const response = await fetch(`${base}/api/logout`, { method: 'POST' });
    expect([response.status, await response.json()]).toEqual([200, { msg: 'logout successful' }]);
    const lines = response.headers.getSetCookie();
    expect(lines.map((line) => line.split('=')[0]).sort()).toEqual([
      'access_token_cookie',
      'csrf_access_token',
      'csrf_refresh_token',
      'refresh_token_cookie',
    ]);
    for (const line of lines) expect(line).toMatch(/^\w+=; Expires=Thu, 01 Jan 1970 00:00:00 GMT;/);
  });
});
