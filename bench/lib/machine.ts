/** What the numbers were measured on: goes into the JSON summary and docs/benchmarks.md. */
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  v8: string;
  os: string;
  arch: string;
  memoryGiB: number;
  /** 1-minute load average when the run started: above ~0.5 per core, expect noisy numbers. */
  loadAvgAtStart: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAvgAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** A line to print when something else is keeping the CPUs busy, or null. */
export function busyWarning(m: MachineInfo): string | null {
  return m.loadAvgAtStart > m.cores * 0.5
    ? `warning: load average ${m.loadAvgAtStart} on ${m.cores} cores at start: something else is running, expect noisy numbers`
    : null;
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os} ${m.arch}, Node ${m.node}`;
}

/** True when `cmd` can be executed (used for taskset and wrk). */
export function hasCommand(cmd: string, args: readonly string[] = ['--version']): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its usage; ENOENT is the only real "missing".
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
