/**
 * Running the docs' emitted programs with plain `node`, inside the consumer project: scripts to
 * completion, servers until their HTTP check is done. A server is told its port through `PORT`
 * (every server program of the docs reads it) and is ready when it answers any HTTP request.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A program of the docs that serves HTTP, started by {@link startServer}. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  child: ChildProcess;
  /** What the program printed on stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Runs a script to its end; rejects (with its stderr) when it fails or runs past `timeoutMs`. */
export async function runScript(
  file: string,
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [file], {
    cwd,
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  });
  return stdout;
}

/** Starts a server program and resolves once it answers HTTP on its port. */
export async function startServer(file: string, cwd: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [file], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: RunningServer = {
    url: `http://127.0.0.1:${port}`,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(server.url, { signal: AbortSignal.timeout(2_000) });
      return server;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await server.stop();
  throw new Error(`${file} never answered on ${server.url}: ${stderr}`);
}
