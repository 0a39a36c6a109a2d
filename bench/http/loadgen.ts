/**
 * Load generators, each run as its own process (pinned to its own core when taskset is there):
 * wrk (C, one thread) when installed, autocannon (Node) otherwise.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { repoRoot } from '../lib/options.js';
import { start } from './children.js';
import type { LoadGenerator } from '../lib/options.js';

export interface LoadResult {
  rps: number;
  p99Ms: number;
  requests: number;
  /** Answers outside 2xx/3xx: the route misbehaves (bad token, crash), so the round cannot count. */
  non2xx: number;
  /**
   * Connect/read/write errors and requests slower than the client's timeout (10 s): what an
   * overloaded loopback can produce. Recorded; the harness only rejects a round when they are many.
   */
  socketErrors: number;
}

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  /** Header lines, `Name: value`. */
  headers: readonly string[];
  connections: number;
  durationS: number;
  /** e.g. ['taskset', '-c', '1'] or [] */
  pin: readonly string[];
  /** A wrk Lua script that makes each request itself, and its arguments (wrk only). */
  script?: { file: string; args: readonly string[] };
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = start(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited with ${code ?? signal}: ${(err || out).trim().slice(0, 300)}`));
    });
  });
}

function withPin(pin: readonly string[], command: string, args: readonly string[]): [string, string[]] {
  return pin.length > 0 ? [pin[0]!, [...pin.slice(1), command, ...args]] : [command, [...args]];
}

const toMs: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3 };

export function parseWrk(text: string): LoadResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(text);
  const total = /(\d+) requests in/.exec(text);
  if (rps === null || p99 === null || total === null) throw new Error(`cannot read wrk output: ${text.slice(0, 300)}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((a, b) => a + Number(b), 0);
  return {
    rps: Number(rps[1]),
    p99Ms: Number(p99[1]) * toMs[p99[2]!]!,
    requests: Number(total[1]),
    non2xx: Number(non2xx?.[1] ?? 0),
    socketErrors,
  };
}

function wrk(spec: LoadSpec): Promise<LoadResult> {
  const args = [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.durationS}s`,
    '--latency',
    '--timeout',
    '10s',
    ...spec.headers.flatMap((line) => ['-H', line]),
    // wrk has no method option: a one-line script sets it.
    ...(spec.script !== undefined
      ? ['-s', spec.script.file]
      : spec.method === 'GET'
        ? []
        : ['-s', path.join(repoRoot, 'bench', 'http', 'post.lua')]),
    spec.url,
    ...(spec.script !== undefined ? ['--', ...spec.script.args] : []),
  ];
  const [cmd, full] = withPin(spec.pin, 'wrk', args);
  return run(cmd, full, (spec.durationS + 30) * 1000).then(parseWrk);
}

interface AutocannonJson {
  duration: number;
  requests: { total: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

function autocannon(spec: LoadSpec): Promise<LoadResult> {
  if (spec.script !== undefined) return Promise.reject(new Error('this row needs wrk (a Lua script)'));
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [
    bin,
    '-c',
    String(spec.connections),
    '-d',
    String(spec.durationS),
    '-t',
    '10',
    '-j',
    '-m',
    spec.method,
    ...spec.headers.flatMap((line) => ['-H', line]),
    spec.url,
  ];
  const [cmd, full] = withPin(spec.pin, process.execPath, args);
  return run(cmd, full, (spec.durationS + 30) * 1000).then((out) => {
    const json = JSON.parse(out) as AutocannonJson;
    return {
      rps: json.requests.total / json.duration,
      p99Ms: json.latency.p99,
      requests: json.requests.total,
      non2xx: json.non2xx,
      socketErrors: json.errors + json.timeouts,
    };
  });
}

export function load(generator: LoadGenerator, spec: LoadSpec): Promise<LoadResult> {
  return generator === 'wrk' ? wrk(spec) : autocannon(spec);
}
