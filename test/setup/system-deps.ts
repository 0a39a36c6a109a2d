/**
 * Vitest global setup, part 1: the system programs the suite drives for real (redis-server,
 * Debian's chromium, python3 with PyJWT). When one is missing the run installs it through
 * `scripts/install-test-deps.sh` (apt): directly as root, through `sudo -n` otherwise. When that
 * is impossible the whole run stops here, before any test starts, with the one command to run:
 * one clear failure instead of a cascade of failed hooks and 30-second teardown timeouts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SCRIPT = 'scripts/install-test-deps.sh';

/** What each dependency is for, and how to tell it is there. */
const DEPENDENCIES: readonly { name: string; present: () => boolean }[] = [
  { name: 'redis-server', present: () => onPath('redis-server') },
  { name: 'chromium (/usr/bin/chromium)', present: () => existsSync('/usr/bin/chromium') },
  {
    name: 'python3-jwt and python3-cryptography',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import jwt, cryptography'], { stdio: 'ignore' }).status === 0,
  },
];

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function missingDependencies(): string[] {
  return DEPENDENCIES.filter((dependency) => !dependency.present()).map((dependency) => dependency.name);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function canSudoWithoutPassword(): boolean {
  return onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/** The one command a user without root or password-less sudo must run first. */
function manualCommand(): string {
  return onPath('sudo') ? `sudo bash ${SCRIPT}` : `bash ${SCRIPT}   (as root)`;
}

/**
 * Installs what is missing when it can; throws (which stops vitest before any test) when it cannot.
 *
 * @example
 * ```ts
 * ensureSystemDependencies(repoRoot)
 * ```
 */
export function ensureSystemDependencies(repoRoot: string): void {
  const missing = missingDependencies();
  if (missing.length === 0) return;
  const prefix = `The test suite needs ${missing.join(', ')}`;
  if (!isRoot() && !canSudoWithoutPassword()) {
    throw new Error(`${prefix}. Install them once with:\n\n    ${manualCommand()}\n\nthen run npm test again.`);
  }
  process.stderr.write(`${prefix}: installing through ${SCRIPT} (apt-get)\n`);
  const command = isRoot() ? ['bash', SCRIPT] : ['sudo', '-n', 'bash', SCRIPT];
  try {
    execFileSync(command[0] as string, command.slice(1), { cwd: repoRoot, stdio: 'inherit' });
  } catch (error) {
    throw new Error(
      `${prefix}, and ${command.join(' ')} failed (${(error as Error).message}). Fix that and run npm test again.`,
    );
  }
  const still = missingDependencies();
  if (still.length > 0) throw new Error(`${SCRIPT} ran but ${still.join(', ')} is still missing.`);
}
