/**
 * The CPU time a server process has used, read from outside it (Linux `/proc/<pid>/stat`). Divided
 * by the requests a round completed, it gives the server's CPU cost per request: on a shared machine
 * the time the server spends waiting for a core is left out, which requests/second cannot do.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** `sysconf(_SC_CLK_TCK)`, the unit of `/proc/<pid>/stat`'s times (100 on every common Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim());
    } catch {
      ticksPerSecond = Number.NaN;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * User + system CPU time of every thread of process `pid` (V8's GC helpers and libuv's pool
 * included), in microseconds; `null` where there is no `/proc` (not Linux) or the process is gone.
 * The kernel keeps the total exact and reports it in clock ticks (10 ms), so a round of a few
 * seconds at full load reads it to a fraction of a percent.
 */
export function processCpuUs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  // What follows is field 3 (state) onwards, so utime (14) and stime (15) are at 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isFinite(user) || !Number.isFinite(system)) return null;
  return ((user + system) * 1e6) / clockTicks();
}
