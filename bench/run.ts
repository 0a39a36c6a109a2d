/**
 * `npm run bench`: micro (sign/verify against the node:crypto floor) and HTTP (per framework:
 * bare, usual JWT middleware, jwt-extended). Prints the tables, writes the JSON summary and, on
 * full runs, the tables of docs/benchmarks.md. Targets are printed as PASS/MISS and never change
 * the exit code; only a row that *fails* (wrong result, crashed server) makes the exit code 1.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { busyWarning, machineInfo } from './lib/machine.js';
import { parseOptions, repoRoot } from './lib/options.js';
import { buildRatios, printText, updateDocs, writeJson } from './lib/report.js';
import type { Summary } from './lib/report.js';
import { httpTargets, microTargets } from './lib/targets.js';
import { runMicro } from './micro/run.js';
import { runHttp } from './http/run.js';
import { revocationText, runRevocation } from './revocation/run.js';

const log = (s: string) => process.stderr.write(s);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const machine = machineInfo();
  log(`jwt-extended bench${options.quick ? ' (quick mode: proves the harness runs; timings mean nothing)' : ''}\n`);
  const busy = busyWarning(machine);
  if (busy !== null) log(`${busy}\n`);
  const micro = options.parts.includes('micro') ? (log('micro\n'), await runMicro(options, log)) : null;
  if (options.parts.includes('http')) {
    // The HTTP servers import the built package (`jwt-extended/<framework>`), as an app would.
    log('building the package (npm run build)\n');
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' });
  }
  const http = options.parts.includes('http') ? (log('http\n'), await runHttp(options, log)) : null;
  const revocation = options.parts.includes('revocation')
    ? (log('revocation\n'), await runRevocation(options.micro, log))
    : null;
  const targets = [...(micro ? microTargets(micro.rows) : []), ...(http ? httpTargets(http.rows) : [])];
  const errors = [
    ...(micro?.rows ?? []).filter((r) => r.status === 'error').map((r) => `${r.id}: ${r.reason}`),
    ...(http?.rows ?? []).filter((r) => r.status === 'error').map((r) => `http.${r.id}: ${r.reason}`),
  ];
  const summary: Summary = {
    schema: 'jwt-extended-bench/1',
    generatedAt: new Date().toISOString(),
    quick: options.quick,
    argv: process.argv.slice(2),
    machine,
    micro,
    http,
    revocation,
    targets,
    ratios: buildRatios(micro, http),
    errors,
  };
  process.stdout.write(printText(summary));
  if (revocation) process.stdout.write(revocationText(revocation));
  await writeJson(options.out, summary);
  log(`\nJSON summary: ${path.relative(process.cwd(), options.out) || options.out}\n`);
  if (options.docs) {
    const doc = path.join(repoRoot, 'docs', 'benchmarks.md');
    await updateDocs(doc, summary);
    log(`tables written to ${path.relative(process.cwd(), doc)}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
