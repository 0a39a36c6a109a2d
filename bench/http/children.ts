/**
 * Every process the HTTP part starts is registered here and killed on the way out: normal end,
 * error, Ctrl-C or SIGTERM. Servers also exit by themselves when their stdin closes (see
 * servers/common.ts), which covers a harness that dies without running any handler.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

export function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export function start(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  install();
  const child = spawn(command, args, { ...options, detached: false });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Asks politely, then insists; resolves when the process is gone. */
export function stop(child: ChildProcess, graceMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      live.delete(child);
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      live.delete(child);
      resolve();
    });
    child.stdin?.end();
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  });
}

export function runningCount(): number {
  return live.size;
}
