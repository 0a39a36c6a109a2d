/**
 * What a newcomer does first: `npm start` in a fresh clone. The repository's files (what git tracks
 * or would track: `git ls-files`, ignored files left out, so no `examples/.data/`) are copied to an
 * empty folder, this checkout's node_modules linked in (what `npm ci` would install), and the real
 * `npm start` script runs there with no settings but a free port. It must create and seed the SQLite
 * file at its default place, print the account, and serve the page that shows the same account; a
 * second start keeps the user; `DATABASE` puts the file elsewhere.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../behaviour/http.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let copy: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(ROOT, file)));
  expect(files).toContain('examples/server.ts');
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  expect(existsSync(join(copy, 'examples/.data'))).toBe(false);
});

/** Ends `npm start` and the tsx and node processes under it (npm does not pass the signal on). */
function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // The group is already gone.
  }
}

afterAll(() => {
  for (const child of children) killGroup(child);
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** What `npm start` printed once it listens and has printed the account. */
interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stdout: string;
}

/** Runs `npm start` in the copy with `env` (only what the test must set) and waits for the account line. */
function npmStart(env: Record<string, string>): Promise<Started> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(DATABASE|SEED_PASSWORD|FRAMEWORK|REDIS_URL|JWT_|PORT$)/.test(name),
    ),
  );
  // Its own process group, so that killGroup ends npm and the server it started.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: copy,
    env: { ...clean, PORT: '0', ...env },
    detached: true,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<Started>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url !== undefined && stdout.includes('Log in as')) resolve({ child, url, stdout });
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${stderr}`)));
  });
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  killGroup(started.child);
  await exited;
}

describe('npm start in a fresh copy of the repository', () => {
  it('creates and seeds examples/.data/users.sqlite, prints the account, and the page shows it', async () => {
    const started = await npmStart({});
    try {
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.stdout).toContain(`Users: SQLite at ${join(copy, 'examples/.data/users.sqlite')};`);
      const password = /Log in as "test" with the password "([\w-]{12})"/.exec(started.stdout)?.[1];
      expect(password).toBeDefined();
      expect(existsSync(join(copy, 'examples/.data/users.sqlite'))).toBe(true);
      // git ignores the database: a newcomer's `git status` stays clean.
      expect(
        execFileSync('git', ['check-ignore', 'examples/.data/users.sqlite'], { cwd: ROOT, encoding: 'utf8' }),
      ).toBe('examples/.data/users.sqlite\n');

      const page = await send(started.url, { path: '/' });
      expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
      expect(page.text).toContain('id="demo-account"');
      const about = await send(started.url, { path: '/about' });
      expect(about.json).toEqual({
        framework: 'express',
        store: 'memory',
        database: 'sqlite',
        demo_account: { username: 'test', password },
      });
      const login = await send(started.url, {
        method: 'POST',
        path: '/login/cookies',
        json: { username: 'test', password },
      });
      expect([login.status, login.json]).toEqual([200, { login: true }]);
      await stop(started);

      // A second start opens the same file: same user, same password.
      const again = await npmStart({ FRAMEWORK: 'koa' });
      expect(again.stdout).toContain(`Log in as "test" with the password "${password}"`);
      await stop(again);
    } finally {
      await stop(started);
    }
  }, 60_000);

  it('DATABASE puts the file elsewhere (its folder created), seeded with its own password', async () => {
    const location = join(copy, 'elsewhere', 'nested', 'users.sqlite');
    const started = await npmStart({ DATABASE: location, FRAMEWORK: 'nestjs-fastify' });
    try {
      expect(started.stdout).toContain(`Seed example (nestjs-fastify) listening on`);
      expect(started.stdout).toContain(`Users: SQLite at ${location};`);
      expect(existsSync(location)).toBe(true);
      const password = /with the password "([\w-]+)"/.exec(started.stdout)?.[1];
      const about = await send(started.url, { path: '/about' });
      expect((about.json as { demo_account: unknown }).demo_account).toEqual({ username: 'test', password });
    } finally {
      await stop(started);
    }
  }, 60_000);
});
