/**
 * The seed example on Express: the reference the other frameworks are compared with, so its parity
 * and hardening suites run against itself (every answer must still be the documented one). Also:
 * it accepts a token the real flask-jwt-extended made with the same secret, its configuration
 * (secret, database, password hashes), and `npm start` (examples/server.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../examples/seed/passwords.js';
import { DEVELOPMENT_SECRET, UserObject, createSeed } from '../../examples/seed/shared.js';
import { openUserDatabase } from '../../examples/seed/users.js';
import { send } from '../behaviour/http.js';
import { describeSeedHardening } from './seed-hardening.js';
import {
  FIXTURE_SECRET,
  FIXTURE_TOKEN,
  type Listening,
  SEED_BODY,
  bearer,
  describeSeedParity,
  listeningUrl,
  login,
  quietSeed,
  spawnSeedServer,
  startExpressApp,
} from './seed-parity.js';

describeSeedParity('seed example on Express answers as the seed page says', startExpressApp);

describeSeedHardening('seed example hardening on Express', startExpressApp);

describe('seed example on Express and flask-jwt-extended', () => {
  let server: Listening;
  beforeAll(async () => {
    server = await startExpressApp(quietSeed());
  });
  afterAll(() => server?.close());

  it('accepts the token flask-jwt-extended 4.7.1 made for the seed (same secret)', async () => {
    const answer = await send(server.url, { path: '/protected', headers: bearer(FIXTURE_TOKEN) });
    expect([answer.status, answer.json]).toEqual([200, SEED_BODY]);
    const fresh = await send(server.url, { path: '/fresh-only', headers: bearer(FIXTURE_TOKEN) });
    expect([fresh.status, fresh.json]).toEqual([200, { current_identity: 'test', fresh: true }]);
  });

  it('refuses the fixture token when the server runs with another secret', async () => {
    const other = await startExpressApp(
      quietSeed({ env: { JWT_SECRET_KEY: 'another-secret-entirely-0123456789abcdef' } }),
    );
    try {
      const answer = await send(other.url, { path: '/protected', headers: bearer(FIXTURE_TOKEN) });
      expect([answer.status, answer.json]).toEqual([422, { msg: 'Signature verification failed' }]);
    } finally {
      await other.close();
    }
  });
});

describe('seed configuration', () => {
  it('warns and uses the development secret when JWT_SECRET_KEY is unset', async () => {
    const warnings: string[] = [];
    const seed = createSeed({ env: { DATABASE: ':memory:', PASSWORD_HASH_COST: '10' }, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      'WARNING: JWT_SECRET_KEY is not set; using a development secret. Anyone can forge tokens for this server.',
    ]);
    const withDevSecret = quietSeed({ env: { JWT_SECRET_KEY: DEVELOPMENT_SECRET } });
    const token = await seed.jwt.createAccessToken(new UserObject('test', ['foo']));
    expect(withDevSecret.jwt.decodeTokenSync(token)).toMatchObject({ sub: 'test', roles: ['foo'] });
    await seed.close();
    await withDevSecret.close();
  });

  it('does not warn when JWT_SECRET_KEY is set', async () => {
    const warnings: string[] = [];
    const seed = createSeed({ ...quietSeedOptions(), warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([]);
    await seed.close();
  });

  it('seeds a new database file once: the test user, its roles, a scrypt hash, a random password', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'seed-db-'));
    try {
      const location = join(folder, 'nested', 'users.sqlite');
      const first = openUserDatabase({ location, hashCost: 10 });
      const account = first.demoAccount();
      expect(account?.username).toBe('test');
      expect(account?.password).toMatch(/^[\w-]{12}$/);
      const row = first.findLogin('test');
      expect(row?.user).toEqual(new UserObject('test', ['foo', 'bar'], 'Test User'));
      expect(row?.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      expect(row?.passwordHash).not.toContain(account?.password as string);
      expect(await verifyPassword(account?.password as string, row?.passwordHash as string)).toBe(true);
      expect(await verifyPassword('wrong', row?.passwordHash as string)).toBe(false);
      expect(first.findUser('nobody')).toBeNull();
      first.close();
      // A second start keeps the same users and password.
      const second = openUserDatabase({ location, hashCost: 10 });
      expect(second.demoAccount()).toEqual(account);
      expect(second.findLogin('test')?.passwordHash).toBe(row?.passwordHash);
      second.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a password hash cost outside 10..20', () => {
    expect(() => openUserDatabase({ location: ':memory:', hashCost: 4 })).toThrow(
      'password hash cost must be an integer from 10 to 20',
    );
  });
});

/** The options of {@link quietSeed}, for a seed made with createSeed directly. */
function quietSeedOptions() {
  return {
    env: { JWT_SECRET_KEY: FIXTURE_SECRET, DATABASE: ':memory:', SEED_PASSWORD: 'test', PASSWORD_HASH_COST: '10' },
  };
}

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

  it('starts the Express seed app on PORT, prints the seeded account, and serves the page', async () => {
    const { child, output } = run({ FRAMEWORK: 'express', PORT: '0', JWT_SECRET_KEY: FIXTURE_SECRET });
    const url = await listeningUrl({ child, output });
    // The account line follows the listening line, maybe in a later chunk.
    while (!output().stdout.includes('Log in as')) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(output().stdout).toContain('Seed example (express) listening on http://127.0.0.1:');
    expect(output().stdout).toContain('Users: SQLite at :memory:; revocations and login counters: memory');
    expect(output().stdout).toContain('Log in as "test" with the password "test"');
    const page = await send(url, { path: '/' });
    expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    const response = await login(url, { username: 'test', password: 'test' });
    const answer = await send(url, {
      path: '/protected',
      headers: bearer((response.json as { access_token: string }).access_token),
    });
    expect(answer.json).toEqual(SEED_BODY);
    child.kill();
  });
});
