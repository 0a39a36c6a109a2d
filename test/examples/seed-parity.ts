/**
 * What the seed example tests share: the fixture secret and token, the seed page's answers, a
 * listener for node servers, the comparison of two servers' answers (token values replaced by their
 * stable claims), the parity cases that send the same requests to the Express seed app and to
 * another framework's (the seed page's routes, the web page's cookie routes, and the hardening:
 * bad bodies, body limit, JSON errors, security headers, login rate limits), and the `npm start`
 * child process (examples/server.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedApp as createExpressSeedApp } from '../../examples/seed/app-express.js';
import { type Seed, type SeedOptions, UserObject, createSeed } from '../../examples/seed/shared.js';
import { type RequestSpec, type ResponseData, send } from '../behaviour/http.js';
import { tokenFixtures } from '../helpers/fixtures.js';

/** The HS256 secret flask-jwt-extended signed the fixture tokens with. */
export const FIXTURE_SECRET = tokenFixtures.keys.HS256?.secret as string;
/** The fresh access token flask-jwt-extended 4.7.1 made for the seed's `UserObject('test', ['foo', 'bar'])`. */
export const FIXTURE_TOKEN = tokenFixtures.cases.find((c) => c.name === 'seed-userobject-access-fresh')
  ?.token as string;
/** The seed page's answer to `/protected` for the test user. */
export const SEED_BODY = { current_identity: 'test', current_roles: { roles: ['foo', 'bar'] } };
/** The seed's test user, to mint tokens for. */
export const TEST_USER = new UserObject('test', ['foo', 'bar']);
/** The credentials `/login` accepts (the tests seed the database with this password). */
export const TEST_CREDENTIALS = { username: 'test', password: 'test' };
/** The environment of the tests' seeds: the fixture secret, a fresh in-memory database per seed. */
export const SEED_ENV = {
  JWT_SECRET_KEY: FIXTURE_SECRET,
  DATABASE: ':memory:',
  SEED_PASSWORD: 'test',
  // A cheap scrypt: the tests hash hundreds of passwords on a shared machine.
  PASSWORD_HASH_COST: '10',
};
/** Seed options with the fixture secret, an in-memory database and no warning output. */
export const quiet: SeedOptions = { env: SEED_ENV, warn: () => undefined };

/** A seed for a test, with {@link quiet} under `options`. */
export const quietSeed = (options: SeedOptions = {}): Seed =>
  createSeed({ ...quiet, ...options, env: { ...SEED_ENV, ...options.env } });

/** A server listening on a local port: its base URL, and how to close it. */
export interface Listening {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Closes the server and every connection it still holds. */
  close(): Promise<void>;
}

/** Starts `server` on a free local port. */
export async function listen(server: Server): Promise<Listening> {
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

/** An Authorization header carrying `token` as a Bearer token. */
export const bearer = (token: unknown) => ({ authorization: `Bearer ${String(token)}` });

/** POSTs `json` to the login route `path` of the app at `url`. */
export const login = (url: string, json: unknown, path = '/login') => send(url, { method: 'POST', path, json });

/** The claims of a token the server issued, without what differs on every call. */
export function claimsOf(token: unknown): Record<string, unknown> {
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

/** A response with its token values replaced by their stable claims (and times left by their type), to compare two servers. */
export function comparable(response: ResponseData): unknown {
  const json = response.json as Record<string, unknown> | undefined;
  const body =
    json && typeof json === 'object'
      ? Object.fromEntries(
          Object.entries(json).map(([k, v]) => [
            k,
            k.endsWith('_token') ? claimsOf(v) : k.endsWith('_expires_in') ? typeof v : v,
          ]),
        )
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

/** A login request whose JSON body is cut short. */
export const INVALID_JSON_LOGIN: RequestSpec = {
  method: 'POST',
  path: '/login',
  headers: { 'content-type': 'application/json' },
  body: '{"username": ',
};

/** The cookies a login response set, as a request sends them back. */
export function cookiesOf(response: ResponseData): Record<string, string> {
  return Object.fromEntries(
    response.setCookie.map((line) => {
      const pair = line.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** Starts a framework's seed app on `seed`, listening on a free local port. */
export type StartSeedApp = (seed: Seed) => Promise<Listening>;

/** The running Express and framework seed apps of one parity suite, for cases a framework adds. */
export interface SeedParity {
  /** Sends `spec` to both apps, expects alike answers, and returns the framework's. */
  both(spec: RequestSpec): Promise<ResponseData>;
  /** Sends `spec` to both apps at once and returns both answers, Express's first, without comparing them. */
  sendEach(spec: RequestSpec): Promise<[fromExpress: ResponseData, fromFramework: ResponseData]>;
}

/** Starts the Express seed app on `seed`: the reference every other framework is compared with. */
export const startExpressApp: StartSeedApp = async (seed) => listen(createServer(createExpressSeedApp(seed)));

/** A {@link SeedParity} with its two apps' URLs (Express's first), and how to close them. */
export interface RunningPair extends SeedParity {
  readonly urls: readonly [express: string, framework: string];
  close(): Promise<void>;
}

/**
 * Starts the Express app and the framework's on their own seeds (see {@link quietSeed}) and returns
 * `both` / `sendEach` on them, their URLs, and how to close them.
 */
export async function startPair(startFrameworkApp: StartSeedApp, options: SeedOptions = {}): Promise<RunningPair> {
  const express = await startExpressApp(quietSeed(options));
  const framework = await startFrameworkApp(quietSeed(options));
  const sendEach = (spec: RequestSpec) =>
    Promise.all([send(express.url, spec), send(framework.url, spec)]) as Promise<[ResponseData, ResponseData]>;
  return {
    sendEach,
    urls: [express.url, framework.url],
    async both(spec) {
      const [fromExpress, fromFramework] = await sendEach(spec);
      expect(comparable(fromFramework), `${spec.method ?? 'GET'} ${spec.path}`).toEqual(comparable(fromExpress));
      return fromFramework;
    },
    async close() {
      await express.close();
      await framework.close();
    },
  };
}

/**
 * Registers the suite `title`: the Express seed app and the one `startFrameworkApp` starts (both
 * with the fixture secret) get the same requests and must answer alike, and as the seed page says.
 * `specific` registers the framework's own cases after the shared ones, inside the same suite.
 */
export function describeSeedParity(
  title: string,
  startFrameworkApp: StartSeedApp,
  specific?: (parity: SeedParity) => void,
): void {
  describe(title, () => {
    let pair: Awaited<ReturnType<typeof startPair>>;
    const minter = quietSeed().jwt;
    beforeAll(async () => {
      pair = await startPair(startFrameworkApp);
    });
    afterAll(() => pair?.close());

    const both = (spec: RequestSpec) => pair.both(spec);
    const loginBoth = (json: unknown, path = '/login') => both({ method: 'POST', path, json });

    it('POST /login refuses wrong credentials (401) and bodies without them (400)', async () => {
      for (const json of [
        { username: 'test', password: 'nope' },
        { username: 'other', password: 'test' },
      ]) {
        const response = await loginBoth(json);
        expect([response.status, response.json]).toEqual([401, { msg: 'Bad username or password' }]);
      }
      const missing = { msg: 'Send a JSON object with "username" and "password" strings' };
      for (const spec of [
        { method: 'POST', path: '/login', json: {} },
        { method: 'POST', path: '/login' },
        { method: 'POST', path: '/login', form: TEST_CREDENTIALS },
      ]) {
        const response = await both(spec);
        expect([response.status, response.json]).toEqual([400, missing]);
      }
    });

    it('POST /login with test/test returns a fresh access token and a refresh token with the roles claim', async () => {
      const response = await loginBoth(TEST_CREDENTIALS);
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

    it('the user lookup loader refuses the token of a user the database does not know', async () => {
      const ghost = await minter.createAccessToken(new UserObject('ghost', ['foo']));
      const answer = await both({ path: '/protected', headers: bearer(ghost) });
      expect([answer.status, answer.json]).toEqual([401, { msg: 'Error loading the user ghost' }]);
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
      expect(refreshed.setCookie).toEqual([]);
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

    it('cookie login sets the same four cookies (HttpOnly JWTs, SameSite=Strict), and POSTs need X-CSRF-TOKEN', async () => {
      const response = await loginBoth(TEST_CREDENTIALS, '/login/cookies');
      expect([response.status, response.json]).toEqual([200, { login: true }]);
      expect(response.setCookie.map((line) => line.replace(/=[^;]*/, ''))).toEqual([
        'access_token_cookie; HttpOnly; Path=/; SameSite=Strict',
        'csrf_access_token; Path=/; SameSite=Strict',
        'refresh_token_cookie; HttpOnly; Path=/; SameSite=Strict',
        'csrf_refresh_token; Path=/; SameSite=Strict',
      ]);
      const access = await minter.createAccessToken(TEST_USER);
      const cookies = { access_token_cookie: access, csrf_access_token: minter.getCsrfToken(access) };
      const headers = { 'x-csrf-token': minter.getCsrfToken(access) };
      const noCsrf = await both({ method: 'POST', path: '/protected/cookies', cookies });
      expect([noCsrf.status, noCsrf.json]).toEqual([401, { msg: 'Missing CSRF token' }]);
      const wrongCsrf = await both({
        method: 'POST',
        path: '/protected/cookies',
        cookies,
        headers: { 'x-csrf-token': 'not-the-token' },
      });
      expect([wrongCsrf.status, wrongCsrf.json]).toEqual([401, { msg: 'CSRF double submit tokens do not match' }]);
      const withCsrf = await both({ method: 'POST', path: '/protected/cookies', cookies, headers });
      expect([withCsrf.status, withCsrf.json]).toEqual([200, SEED_BODY]);
      const logout = await both({ method: 'POST', path: '/logout/cookies', cookies, headers });
      expect([logout.status, logout.json]).toEqual([200, { logout: true }]);
      expect(logout.setCookie).toEqual([...minter.unsetCookieLines('access'), ...minter.unsetCookieLines('refresh')]);
      const after = await both({ method: 'POST', path: '/protected/cookies', cookies, headers });
      expect([after.status, after.json]).toEqual([401, { msg: 'Token has been revoked' }]);
    });

    specific?.({ both, sendEach: (spec) => pair.sendEach(spec) });
  });
}

/** A seed server started as `npm start` starts it (examples/server.ts), with what it printed so far. */
export interface SeedProcess {
  /** The child process. */
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): { stdout: string; stderr: string };
}

/** Spawns examples/server.ts with `env` on top of this process's environment. */
export function spawnSeedServer(env: Record<string, string>): SeedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/server.ts'], {
    cwd: new URL('../../', import.meta.url),
    // An in-memory database unless the test says otherwise: tests never write examples/.data/.
    env: { ...process.env, DATABASE: ':memory:', SEED_PASSWORD: 'test', PASSWORD_HASH_COST: '10', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

/** The URL the server prints once it listens; rejects with its stderr if it exits first. */
export function listeningUrl({ child, output }: SeedProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output().stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`server exited: ${output().stderr}`)));
  });
}

/** Options of {@link describeNpmStart}. */
export interface NpmStartOptions {
  /** The suite's title; `npm start with FRAMEWORK=<framework>` by default. */
  title?: string;
  /** Asks the started server for `/protected`; by default with {@link FIXTURE_TOKEN}. */
  askProtected?: (url: string) => Promise<ResponseData>;
}

/**
 * Registers a suite whose one case, `starts the <label> seed app on PORT`, runs `npm start` with
 * FRAMEWORK=`framework` on a free port and expects the seed page's answer from `/protected`.
 */
export function describeNpmStart(framework: string, label: string, options: NpmStartOptions = {}): void {
  const {
    title = `npm start with FRAMEWORK=${framework}`,
    askProtected = (url: string) => send(url, { path: '/protected', headers: bearer(FIXTURE_TOKEN) }),
  } = options;
  describe(title, () => {
    let started: SeedProcess | undefined;
    afterAll(() => {
      started?.child.kill();
    });

    it(`starts the ${label} seed app on PORT`, async () => {
      started = spawnSeedServer({ FRAMEWORK: framework, PORT: '0', JWT_SECRET_KEY: FIXTURE_SECRET });
      const url = await listeningUrl(started);
      expect(started.output().stdout).toContain(`Seed example (${framework}) listening on http://127.0.0.1:`);
      const answer = await askProtected(url);
      expect([answer.status, answer.json]).toEqual([200, SEED_BODY]);
    });
  });
}
