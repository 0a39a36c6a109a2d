/**
 * The HTTP rows' CPU clock: `processCpuUs` reads a process's CPU time from outside it, and must
 * follow the time that process really burns (compared here with its own `process.cpuUsage()`).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processCpuUs } from '../../bench/http/cpu.js';

const onLinux = process.platform === 'linux';

describe('processCpuUs', () => {
  it.runIf(onLinux)('tracks the CPU time this process burns', () => {
    const before = processCpuUs(process.pid)!;
    const own = process.cpuUsage();
    let x = 0;
    const until = process.cpuUsage().user + 300_000;
    while (process.cpuUsage().user < until) x += Math.sqrt(x + 1);
    const spent = process.cpuUsage(own);
    const after = processCpuUs(process.pid)!;
    expect(x).toBeGreaterThan(0);
    // Read in 10 ms clock ticks: within two ticks of what the process itself counted.
    expect(after - before).toBeGreaterThan(spent.user + spent.system - 20_000);
    expect(after - before).toBeLessThan(spent.user + spent.system + 20_000);
  });

  it.runIf(onLinux)('reads another process by pid, and null once it is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 400);']);
    await new Promise((done) => setTimeout(done, 250));
    const busy = processCpuUs(child.pid);
    expect(busy).toBeGreaterThan(0);
    await new Promise((done) => child.once('exit', done));
    expect(processCpuUs(child.pid)).toBeNull();
  });

  it('is null without a pid', () => {
    expect(processCpuUs(undefined)).toBeNull();
  });
});
