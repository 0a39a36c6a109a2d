/**
 * Docs that cannot rot (issue 10): every ```ts / ```js block of README.md and docs/*.md is a
 * complete program, or marked `<!-- doc-fragment: why -->`. Each program is type-checked against
 * the packed tarball installed in a fresh project (strict, `nodenext`, `skipLibCheck: false`),
 * emitted, and run with plain `node`: a script must exit 0 (and print the ```text block after it,
 * when there is one); a server must pass its HTTP check (`http-checks.ts`: login, protected route,
 * refresh, cookies and CSRF, ...) over a real socket. A block that does not compile or run fails.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Package from 'jwt-extended';
import { consumerProject } from '../helpers/consumer-project.js';
import { repoRoot } from '../helpers/packed.js';
import { DECLARATIONS, compilePrograms, type CompiledPrograms } from './compile.js';
import { type DocProgram, extractDocBlocks } from './extract.js';
import { type CheckContext, HTTP_CHECKS, isServer } from './http-checks.js';
import { type RunningServer, runScript, startServer } from './processes.js';

const blocks = extractDocBlocks(repoRoot);
const exportsMap = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: object }).exports;
const subpaths = Object.keys(exportsMap)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'jwt-extended' : `jwt-extended/${key.slice(2)}`));
const secret = randomBytes(32).toString('base64url');
let project: string;
let compiled: CompiledPrograms;
let context: CheckContext;
const running: RunningServer[] = [];

beforeAll(async () => {
  project = await consumerProject();
  const started = process.cpuUsage();
  compiled = compilePrograms(mkdtempSync(join(project, 'docs-')), blocks.programs, subpaths);
  const { user, system } = process.cpuUsage(started);
  console.log(`docs programs compiled in ${((user + system) / 1e6).toFixed(1)} s of CPU`);
  const pkg = (await import(
    pathToFileURL(join(project, 'node_modules/jwt-extended/dist/index.mjs')).href
  )) as typeof Package;
  context = {
    jwt: new pkg.JwtManager({ secretKey: secret }),
    manager: (options) => new pkg.JwtManager({ ...options, secretKey: secret }),
    async start(name, env = {}) {
      const file = compiled.outputs.get(name);
      if (file === undefined) throw new Error(`no program named ${name}`);
      const server = await startServer(file, project, { JWT_SECRET_KEY: secret, ...env });
      running.push(server);
      return server;
    },
  };
}, 300_000);

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
});

function compiles(program: DocProgram): void {
  expect(
    compiled.errors.get(program.name),
    `${program.source} does not compile (make it a complete program, or mark it <!-- doc-fragment: why -->)`,
  ).toBe('');
}

describe('the code blocks of README.md and docs/', () => {
  it('are marked well: fragments say why, names are unique', () => {
    expect(blocks.problems).toEqual([]);
    expect(blocks.programs.length).toBeGreaterThan(10);
  });

  it('the declarations of every subpath of the tarball check with skipLibCheck: false', () => {
    expect(compiled.errors.get(DECLARATIONS)).toBe('');
  });

  it('every server program has an HTTP check, and every check a program', () => {
    const servers = blocks.programs.filter(isServer).map((program) => program.name);
    const checked = new Set(Object.values(HTTP_CHECKS).flatMap((check) => check.programs));
    expect(
      servers.filter((name) => !checked.has(name)),
      'servers without an HTTP check',
    ).toEqual([]);
    const known = new Set(blocks.programs.map((program) => program.name));
    expect(
      [...checked].filter((name) => !known.has(name)),
      'checks of programs not in the docs',
    ).toEqual([]);
  });

  for (const program of blocks.programs.filter((p) => !isServer(p))) {
    it(`${program.name} (${program.source}) compiles and runs`, async () => {
      compiles(program);
      const stdout = await runScript(compiled.outputs.get(program.name) as string, project, { JWT_SECRET_KEY: secret });
      if (program.output !== undefined) expect(stdout).toBe(program.output);
    }, 60_000);
  }

  for (const [title, check] of Object.entries(HTTP_CHECKS)) {
    it(`${check.programs.join(' + ')}: ${title}`, async () => {
      for (const name of check.programs) {
        const program = blocks.programs.find((p) => p.name === name);
        expect(program, `${name} is not in the docs`).toBeDefined();
        compiles(program as DocProgram);
      }
      await check.run(context);
    }, 120_000);
  }
});
