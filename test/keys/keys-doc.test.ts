/**
 * docs/keys.md runs for real: its marked ```ts programs are extracted, type-checked, and run with
 * `jwt-extended` pointing at src/. The rotation program must print the output the page shows, and
 * the two services (the auth service publishing its JWKS, the API verifying from it) must answer
 * a login and a protected request over HTTP on 127.0.0.1.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the repository so that `express`, `hono`, ... resolve from its node_modules.
const workDir = path.join(root, 'node_modules', '.cache', `keys-doc-${process.pid}`);
const page = readFileSync(path.join(root, 'docs', 'keys.md'), 'utf8');

/** The programs of the page, by the name in their `<!-- keys-doc: name -->` marker. */
function programs(): Map<string, { code: string; output: string | undefined }> {
  const found = new Map<string, { code: string; output: string | undefined }>();
  const marked = /<!-- keys-doc: (\S+) -->\s*```ts\n([\s\S]*?)```(?:\s*```text\n([\s\S]*?)```)?/g;
  for (const match of page.matchAll(marked)) {
    found.set(match[1] as string, { code: match[2] as string, output: match[3] });
  }
  return found;
}

/** Points `jwt-extended` and its subpaths at the sources. */
function localImports(code: string): string {
  const target = (sub: string | undefined) =>
    sub === undefined ? path.join(root, 'src', 'index.ts') : path.join(root, 'src', 'adapters', `${sub}.ts`);
  return code.replace(/from 'jwt-extended(?:\/(\w+))?'/g, (_m, sub: string | undefined) => `from '${target(sub)}'`);
}

const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function start(file: string, env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
  const child = spawn(tsx, [file], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

/** Polls until the server answers (any status), or fails with its stderr. */
async function waitFor(url: string, server: { child: ChildProcess; stderr: () => string }): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`exited: ${server.stderr()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} never answered: ${server.stderr()}`);
}

const docs = programs();
const started: ChildProcess[] = [];

beforeAll(() => {
  mkdirSync(workDir, { recursive: true });
  for (const [name, { code }] of docs) writeFileSync(path.join(workDir, name), localImports(code));
});
afterAll(() => {
  for (const child of started) child.kill();
  rmSync(workDir, { recursive: true, force: true });
});

describe('docs/keys.md', () => {
  it('has the four programs, and they type-check', async () => {
    expect([...docs.keys()].sort()).toEqual(['api-service.ts', 'auth-service.ts', 'rotation.ts', 'verify-only.ts']);
    const tsconfig = {
      extends: path.join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true, allowImportingTsExtensions: true },
      include: [...docs.keys()],
    };
    writeFileSync(path.join(workDir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    await expect(run(tsc, ['-p', path.join(workDir, 'tsconfig.json')], { cwd: root })).resolves.toBeDefined();
  }, 120_000);

  it('the verify-only program verifies, then refuses to sign', async () => {
    const { stdout } = await run(tsx, [path.join(workDir, 'verify-only.ts')], { cwd: root });
    expect(stdout).toBe('alice\nJwtConfigError\n');
  }, 60_000);

  it('the rotation walk-through prints what the page shows', async () => {
    const { stdout } = await run(tsx, [path.join(workDir, 'rotation.ts')], { cwd: root });
    expect(docs.get('rotation.ts')?.output).toBeDefined();
    expect(stdout).toBe(docs.get('rotation.ts')?.output);
  }, 60_000);

  it('the two services: log in at the auth service, call the API that verifies from its JWKS', async () => {
    const [authPort, apiPort] = [await freePort(), await freePort()];
    const auth = start(path.join(workDir, 'auth-service.ts'), { PORT: String(authPort) });
    const api = start(path.join(workDir, 'api-service.ts'), {
      PORT: String(apiPort),
      JWKS_URL: `http://127.0.0.1:${authPort}/.well-known/jwks.json`,
    });
    started.push(auth.child, api.child);
    const authUrl = `http://127.0.0.1:${authPort}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor(`${authUrl}/.well-known/jwks.json`, auth);
    await waitFor(`${apiUrl}/protected`, api);

    const jwks = await fetch(`${authUrl}/.well-known/jwks.json`);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(((await jwks.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual(['auth-2026-01']);

    const login = await fetch(`${authUrl}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'test', password: 'test' }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const ok = await fetch(`${apiUrl}/protected`, { headers: { authorization: `Bearer ${token}` } });
    expect([ok.status, await ok.json()]).toEqual([200, { logged_in_as: 'test' }]);

    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const refused = await fetch(`${apiUrl}/protected`, { headers: { authorization: `Bearer ${tampered}` } });
    expect(refused.status).toBe(422);
    const missing = await fetch(`${apiUrl}/protected`);
    expect([missing.status, await missing.json()]).toEqual([401, { msg: 'Missing Authorization Header' }]);
  }, 120_000);
});
