/**
 * Runs a TypeScript version's `tsc` on a consumer project and reads its answer: the diagnostics
 * (one per line, `--pretty false`) and the files of the program (`--listFiles`), so a test can say
 * which `@types/node` a check really used. At most two compilers run at once: the machine has
 * two cores and other test files run beside this one.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';

/** One compiler diagnostic: file relative to the install (or the project), position, code, text. */
export interface Diagnostic {
  file: string;
  line: number;
  code: string;
  message: string;
}

/** What one `tsc -p` said. */
export interface TscResult {
  diagnostics: Diagnostic[];
  files: string[];
  /** Wall milliseconds, queueing excluded (noise on a shared machine; reported, never judged). */
  wallMs: number;
}

const MAX_PARALLEL = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

const DIAGNOSTIC = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/;

/**
 * `tsc -p <config> --listFiles --pretty false` with the given launcher, from `cwd`; extra
 * arguments (an emit) go last. Paths come back relative to `root` (`base/node_modules/...`).
 */
export function runTsc(
  tsc: string,
  cwd: string,
  config: string,
  root: string,
  extra: string[] = [],
): Promise<TscResult> {
  // tsc prints diagnostics relative to its working directory and --listFiles absolute.
  const realRoot = realpathSync(root);
  const fromRoot = (path: string) => relative(realRoot, resolve(cwd, path));
  return slot(
    () =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const child = execFile(
          process.execPath,
          [tsc, '-p', config, '--listFiles', '--pretty', 'false', ...extra],
          { cwd, maxBuffer: 32 * 1024 * 1024 },
          (error, stdout) => {
            if (error && error.code !== 1 && error.code !== 2) return reject(error);
            const diagnostics: Diagnostic[] = [];
            const files: string[] = [];
            let last: Diagnostic | undefined;
            for (const line of stdout.split('\n')) {
              const match = DIAGNOSTIC.exec(line);
              if (match) {
                last = {
                  file: fromRoot(match[1] as string),
                  line: Number(match[2]),
                  code: match[3] as string,
                  message: match[4] as string,
                };
                diagnostics.push(last);
              } else if (line.startsWith('/')) {
                files.push(fromRoot(line));
              } else if (line.startsWith(' ') && last) {
                last.message += `\n${line}`;
              }
            }
            resolve({ diagnostics, files, wallMs: Date.now() - started });
          },
        );
        child.stdin?.end();
      }),
  );
}
