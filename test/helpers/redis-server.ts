/**
 * A real, throw-away `redis-server` for the store tests: its own free port on 127.0.0.1, no
 * persistence (its own temporary `--dir`, so an explicit `SAVE` writes there and nowhere else),
 * extra arguments for a test that needs them (`--replicaof`, `--enable-debug-command`), and
 * stop / kill / restart on the same port for fault tests.
 *
 * A missing `redis-server` fails the suite with an explicit message instead of skipping it: CI
 * installs Redis, and a silently skipped store suite would hide a broken store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A running (or deliberately stopped) redis-server. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Its working directory (`--dir`): where `SAVE` writes `dump.rdb`. */
  readonly dir: string;
  /** Whether the process is up. */
  readonly running: boolean;
  /** Graceful shutdown (SIGTERM), resolved once the process exited. */
  stop(): Promise<void>;
  /** Crash (SIGKILL), resolved once the process exited. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty: nothing is persisted) and waits for PING. */
  restart(): Promise<void>;
}

const NOT_INSTALLED =
  'redis-server was not found on PATH. The Redis store tests need a real server: ' +
  'install it (e.g. `apt-get install -y redis-server` or `brew install redis`) and run the tests again.';

const READY_TIMEOUT_MS = 10_000;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

/** One PING over a raw socket, so readiness does not depend on any client library's retries. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function launch(port: number, log: string[], dir: string, extra: readonly string[]): ChildProcess {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
      '--dir',
      dir,
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer): void => {
    log.push(chunk.toString());
    if (log.length > 50) log.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function waitReady(child: ChildProcess, port: number, log: string[]): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError !== undefined) {
      const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(missing ? NOT_INSTALLED : `redis-server failed to start: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited during start-up on port ${port}:\n${log.join('')}`);
    }
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms:\n${log.join('')}`);
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/**
 * Starts a redis-server on a free port and resolves once it answers PING.
 *
 * @example
 * ```ts
 * const server = await startRedisServer();
 * const client = new Redis({ host: server.host, port: server.port });
 * await server.kill(); await server.restart();
 * await server.stop();
 * ```
 */
export async function startRedisServer(options: { args?: readonly string[] } = {}): Promise<RedisServer> {
  const log: string[] = [];
  const extra = options.args ?? [];
  const dir = mkdtempSync(path.join(tmpdir(), 'jwt-extended-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  // The free port can be taken between picking and binding; a couple of attempts cover that race.
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    const candidate = launch(port, log, dir, extra);
    try {
      await waitReady(candidate, port, log);
      child = candidate;
    } catch (error) {
      await terminate(candidate, 'SIGKILL');
      if (attempt >= 3 || (error as Error).message === NOT_INSTALLED) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current: ChildProcess = child;
  // Never leave a server behind if the test process ends without calling stop().
  const reap = (): void => {
    current.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', reap);

  return {
    host: '127.0.0.1',
    port,
    dir,
    get running() {
      return current.exitCode === null && current.signalCode === null;
    },
    async stop() {
      await terminate(current, 'SIGTERM');
      process.removeListener('exit', reap);
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await terminate(current, 'SIGKILL');
    },
    async restart() {
      await terminate(current, 'SIGKILL');
      current = launch(port, log, dir, extra);
      if (!process.listeners('exit').includes(reap)) process.on('exit', reap);
      await waitReady(current, port, log);
    },
  };
}
