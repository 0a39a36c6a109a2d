/**
 * The README's NestJS quick start is examples/nestjs/quickstart.ts byte for byte, and it runs:
 * started as a user would (`node --import tsx`, so through esbuild, without emitted decorator
 * metadata), it logs in, answers the protected route, refreshes, and refuses as flask does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`quick start exited: ${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`quick start did not listen: ${output()}`);
}

describe('README NestJS quick start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill();
  });

  it('is examples/nestjs/quickstart.ts, byte for byte', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const section = readme.slice(readme.indexOf('### NestJS'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(readFileSync(new URL('examples/nestjs/quickstart.ts', root), 'utf8'));
  });

  it('logs in, answers the protected route, refreshes, and refuses without a token', async () => {
    const port = await freePort();
    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'examples/nestjs/quickstart.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), JWT_SECRET_KEY: 'nestjs-quickstart-test-secret-0123456789' },
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(base, child, () => output);

    const post = (path: string, body: unknown, token?: string) =>
      fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const wrong = await post('/login', { username: 'test', password: 'nope' });
    expect([wrong.status, await wrong.json()]).toEqual([401, { msg: 'Bad username or password' }]);
    const login = await post('/login', { username: 'test', password: 'test' });
    const tokens = (await login.json()) as { access_token: string; refresh_token: string };
    expect(login.status).toBe(200);

    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const protectedAnswer = await fetch(`${base}/protected`, bearer(tokens.access_token));
    expect([protectedAnswer.status, await protectedAnswer.json()]).toEqual([
      200,
      { current_identity: 'test', current_roles: ['foo', 'bar'] },
    ]);
    const missing = await fetch(`${base}/protected`);
    expect([missing.status, await missing.json()]).toEqual([401, { msg: 'Missing Authorization Header' }]);

    const refreshed = await post('/refresh', {}, tokens.refresh_token);
    const { access_token } = (await refreshed.json()) as { access_token: string };
    expect(refreshed.status).toBe(200);
    const again = await fetch(`${base}/protected`, bearer(access_token));
    expect(again.status).toBe(200);
    const wrongType = await post('/refresh', {}, tokens.access_token);
    expect([wrongType.status, await wrongType.json()]).toEqual([422, { msg: 'Only refresh tokens are allowed' }]);
  });
});
