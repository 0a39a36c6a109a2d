/**
 * What the Bun, Deno and Workers tests share: the packed package staged as an app would install
 * it (`node_modules/jwt-extended` from `npm pack`, next to the examples), keys for the four
 * algorithms, a runtime process started and stopped, and the HTTP checks every runtime must pass.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSPKI, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JwtManager } from '../../src/index.js';
import { packedTarball, repoRoot } from '../helpers/packed.js';

/** The algorithms each runtime signs and verifies with. */
export const ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const;
export type TestAlgorithm = (typeof ALGORITHMS)[number];

/** The environment of one example server: algorithm and keys, as the examples read them. */
export type KeyEnv = Record<string, string> & { JWT_ALGORITHM: TestAlgorithm };

/** Fresh keys for `algorithm`, as PEM (PKCS#8 / SPKI) or a random secret. */
export function keyEnv(algorithm: TestAlgorithm): KeyEnv {
  if (algorithm === 'HS256') return { JWT_ALGORITHM: algorithm, JWT_SECRET_KEY: randomBytes(32).toString('hex') };
  const pair =
    algorithm === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : algorithm === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return {
    JWT_ALGORITHM: algorithm,
    JWT_PRIVATE_KEY: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    JWT_PUBLIC_KEY: pair.publicKey.export({ format: 'pem', type: 'spki' }) as string,
  };
}

/**
 * A directory laid out like an app that installed the packed package: `node_modules/jwt-extended`
 * (the tarball's files, no dependencies: the package has none) and the examples. Removed by the
 * returned function.
 */
export async function stageApp(): Promise<{ dir: string; remove: () => void }> {
  const tarball = await packedTarball();
  const dir = mkdtempSync(join(tmpdir(), 'jwt-extended-runtime-'));
  const pkg = join(dir, 'node_modules', 'jwt-extended');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  for (const example of ['web', 'bun', 'deno', 'worker']) {
    cpSync(join(repoRoot, 'examples', example), join(dir, 'examples', example), { recursive: true });
  }
  // Hono, for the Hono variant of the examples: this repository's copy (it has no dependencies).
  const hono = join(repoRoot, 'node_modules', 'hono');
  symlinkSync(hono, join(dir, 'node_modules', 'hono'), 'dir');
  const honoVersion = (JSON.parse(readFileSync(join(hono, 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      private: true,
      type: 'module',
      dependencies: { 'jwt-extended': 'file:./node_modules/jwt-extended', hono: honoVersion },
    }),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A running example server. */
export interface RunningServer {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts `command` and waits for its `listening on http://...` line. Its output is kept for the
 * error when it exits or stays silent for `timeoutMs`.
 */
export function startServer(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<RunningServer> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not listen within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ baseUrl: (match[1] as string).replace(/\/$/, ''), close: () => stop(child) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before listening:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The `Set-Cookie` lines of a response as `name=value` pairs, for the next request's `Cookie`. */
function cookiesOf(response: Response): Record<string, string> {
  return Object.fromEntries(
    response.headers.getSetCookie().map((line) => {
      const pair = line.split(';')[0] as string;
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

const LOGIN = JSON.stringify({ username: 'test', password: 'test' });
const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Token creation and verification in the runtime, checked from outside: the runtime's tokens
 * verify in jose with the public key (or secret) and name the algorithm; a token this Node
 * process makes with the same key is accepted there; a tampered one is refused with flask's 422;
 * a refresh token buys a new access token.
 */
export async function checkTokens(baseUrl: string, env: KeyEnv): Promise<void> {
  const login = await fetch(`${baseUrl}/login`, { method: 'POST', body: LOGIN, headers: JSON_HEADERS });
  expect(login.status).toBe(200);
  const { access_token: access, refresh_token: refresh } = (await login.json()) as Record<string, string>;
  const key =
    env.JWT_ALGORITHM === 'HS256'
      ? new TextEncoder().encode(env.JWT_SECRET_KEY)
      : await importSPKI(env.JWT_PUBLIC_KEY as string, env.JWT_ALGORITHM);
  const verified = await jwtVerify(access as string, key, { algorithms: [env.JWT_ALGORITHM] });
  expect([verified.protectedHeader.alg, verified.payload.sub, verified.payload.fresh]).toEqual([
    env.JWT_ALGORITHM,
    'test',
    true,
  ]);

  const protectedWith = (token: string) =>
    fetch(`${baseUrl}/protected`, { headers: { authorization: `Bearer ${token}` } });
  const own = await protectedWith(access as string);
  expect([own.status, await own.json()]).toEqual([200, { logged_in_as: 'test' }]);

  const node = new JwtManager({
    algorithm: env.JWT_ALGORITHM,
    ...(env.JWT_ALGORITHM === 'HS256'
      ? { secretKey: env.JWT_SECRET_KEY }
      : { privateKey: env.JWT_PRIVATE_KEY, publicKey: env.JWT_PUBLIC_KEY }),
  });
  const fromNode = await protectedWith(await node.createAccessToken('made-in-node'));
  expect([fromNode.status, await fromNode.json()]).toEqual([200, { logged_in_as: 'made-in-node' }]);

  const [header, payload, signature] = (access as string).split('.') as [string, string, string];
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...verified.payload, sub: 'admin' })).toString('base64url')}.${signature}`;
  expect(payload).not.toBe(forged.split('.')[1]);
  const tampered = await protectedWith(forged);
  expect([tampered.status, await tampered.json()]).toEqual([422, { msg: 'Signature verification failed' }]);

  const refreshed = await fetch(`${baseUrl}/refresh`, {
    method: 'POST',
    headers: { authorization: `Bearer ${refresh}` },
  });
  expect(refreshed.status).toBe(200);
  const next = ((await refreshed.json()) as { access_token: string }).access_token;
  expect(node.decodeTokenSync(next)).toMatchObject({ sub: 'test', type: 'access', fresh: false });
}

/**
 * The cookie flow: login sets the access and refresh cookies and their CSRF cookies; a POST with
 * the cookie but without `X-CSRF-TOKEN` is refused (401, flask's message); with it, it passes;
 * logout unsets the four cookies.
 */
export async function checkCookies(baseUrl: string, jwt: JwtManager): Promise<void> {
  const login = await fetch(`${baseUrl}/login/cookies`, { method: 'POST', body: LOGIN, headers: JSON_HEADERS });
  expect(login.status).toBe(200);
  const cookies = cookiesOf(login);
  expect(Object.keys(cookies).sort()).toEqual([
    'access_token_cookie',
    'csrf_access_token',
    'csrf_refresh_token',
    'refresh_token_cookie',
  ]);
  const lines = login.headers.getSetCookie();
  expect(lines[0]).toBe(jwt.setCookieLines('access', cookies.access_token_cookie as string)[0]);
  const cookie = `access_token_cookie=${cookies.access_token_cookie}`;

  const noCsrf = await fetch(`${baseUrl}/transfer`, { method: 'POST', headers: { cookie } });
  expect([noCsrf.status, await noCsrf.json()]).toEqual([401, { msg: 'Missing CSRF token' }]);
  const wrongCsrf = await fetch(`${baseUrl}/transfer`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': 'not-the-cookie-value' },
  });
  expect([wrongCsrf.status, await wrongCsrf.json()]).toEqual([401, { msg: 'CSRF double submit tokens do not match' }]);
  const withCsrf = await fetch(`${baseUrl}/transfer`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': cookies.csrf_access_token as string },
  });
  expect([withCsrf.status, await withCsrf.json()]).toEqual([200, { transferred_by: 'test' }]);

  const logout = await fetch(`${baseUrl}/logout`, { method: 'POST' });
  expect(logout.headers.getSetCookie()).toEqual([
    ...jwt.unsetCookieLines('access'),
    ...jwt.unsetCookieLines('refresh'),
  ]);
}

/** A manager that writes the same cookie lines as the examples' (for the exact `Set-Cookie` checks). */
export function cookieTwin(env: KeyEnv): JwtManager {
  return new JwtManager({
    algorithm: env.JWT_ALGORITHM,
    tokenLocation: ['headers', 'cookies'],
    ...(env.JWT_ALGORITHM === 'HS256'
      ? { secretKey: env.JWT_SECRET_KEY }
      : { privateKey: env.JWT_PRIVATE_KEY, publicKey: env.JWT_PUBLIC_KEY }),
  });
}

/** One example server of a runtime's suite. */
interface Variant {
  readonly label: string;
  readonly algorithm: TestAlgorithm;
  /** Environment added to the keys' (`EXAMPLE_APP`, `JWT_ENGINE`). */
  readonly extra: Record<string, string>;
  readonly app: 'fetch' | 'hono';
  readonly engine: 'node' | 'webcrypto';
}

/**
 * The tests every runtime runs, each on its own example server (all started in parallel on the
 * staged package): the fetch app for each of the four algorithms on the engine `engine: 'auto'`
 * picks; the Hono app (jwt-extended/hono) with ES256; where `auto` picks node:crypto, the fetch app
 * on the WebCrypto engine with RS256. Each is checked for its runtime and engine, tokens, and the
 * cookie flow.
 */
export function runtimeSuite(options: {
  /** Starts the example server for one environment in the staged app directory. */
  start: (dir: string, env: KeyEnv) => Promise<RunningServer>;
  /** The engine `engine: 'auto'` must pick on this runtime. */
  engine: 'node' | 'webcrypto';
  /** What `/about` says the runtime is, e.g. /^bun 1\./. */
  runtime: RegExp;
}): void {
  const variants: Variant[] = [
    ...ALGORITHMS.map((algorithm): Variant => ({
      label: algorithm,
      algorithm,
      extra: {},
      app: 'fetch',
      engine: options.engine,
    })),
    {
      label: 'Hono app, ES256',
      algorithm: 'ES256',
      extra: { EXAMPLE_APP: 'hono' },
      app: 'hono',
      engine: options.engine,
    },
  ];
  if (options.engine === 'node') {
    variants.push({
      label: 'WebCrypto engine, RS256',
      algorithm: 'RS256',
      extra: { JWT_ENGINE: 'webcrypto' },
      app: 'fetch',
      engine: 'webcrypto',
    });
  }
  const servers = new Map<string, { server: RunningServer; env: KeyEnv }>();
  let remove = (): void => undefined;
  beforeAll(async () => {
    const staged = await stageApp();
    remove = staged.remove;
    await Promise.all(
      variants.map(async (variant) => {
        const env = { ...keyEnv(variant.algorithm), ...variant.extra };
        servers.set(variant.label, { server: await options.start(staged.dir, env), env });
      }),
    );
  }, 300_000);
  afterAll(async () => {
    await Promise.all([...servers.values()].map(({ server }) => server.close()));
    remove();
  });

  for (const variant of variants) {
    const get = (): { server: RunningServer; env: KeyEnv } => {
      const entry = servers.get(variant.label);
      if (entry === undefined) throw new Error(`no ${variant.label} server`);
      return entry;
    };
    it(`${variant.label}: runs the built package on the expected runtime, app and engine`, async () => {
      const about = (await (await fetch(`${get().server.baseUrl}/about`)).json()) as Record<string, string>;
      expect(about.runtime).toMatch(options.runtime);
      expect([about.app ?? 'fetch', about.engine, about.algorithm]).toEqual([
        variant.app,
        variant.engine,
        variant.algorithm,
      ]);
    });
    it(`${variant.label}: creates tokens that verify elsewhere, verifies Node's, refuses a forged one, refreshes`, () =>
      checkTokens(get().server.baseUrl, get().env));
    it(`${variant.label}: cookie login, CSRF double submit on a protected POST, logout`, () =>
      checkCookies(get().server.baseUrl, cookieTwin(get().env)));
  }
}
