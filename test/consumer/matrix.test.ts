/**
 * The consumer matrix (issue 10): the tarball `npm pack` makes, installed into fresh projects
 * outside the work tree, type-checked with `skipLibCheck: false` by TypeScript 5.9, 6.0 and 7.0
 * against `@types/node` 20, 22, 24 and the newest, under the module settings of `plan.ts`; then
 * the same programs built as ESM and as CommonJS, and a program mixing the CommonJS manager with
 * the ESM adapter, run over real HTTP. Which combinations run, and why not all 48: `plan.ts`.
 * The NestJS program (Nest 12 on its Express platform) is left out of the `node16` CommonJS
 * checks, which refuse Nest's ES modules in any CommonJS file; from CommonJS it is checked with
 * `module: node20` (require of ES modules, as Node 20.19+ runs it) and run like the others.
 *
 * The programs (`programs/`) register their manager (`interface Register`) and assert, at compile
 * time, the types identity, claims and user come out with, and that a getter refuses a response
 * object; at run time, flask's statuses and messages and the typed values.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { packedTarball } from '../helpers/packed.js';
import { LATEST_NODE_TYPES, MODULE_SETTINGS, NODE_TYPES_VERSIONS, matrixRuns } from './plan.js';
import { PROGRAMS, createProject, installBase, npmEnvironment, tsconfigName, tscPath } from './projects.js';
import { type Diagnostic, type TscResult, runTsc } from './tsc.js';

const execFileAsync = promisify(execFile);
const MINUTES = 60_000;

/** `CONSUMER_MATRIX_LATEST=1`: the registry's newest `@types/node` instead of the pinned one. */
async function latestNodeTypes(): Promise<string> {
  if (process.env.CONSUMER_MATRIX_LATEST !== '1') return LATEST_NODE_TYPES;
  const { stdout } = await execFileAsync('npm', ['view', '@types/node', 'version'], { env: npmEnvironment() });
  return stdout.trim();
}

let root: string;
let base: string;
let latest: string;
const projects = new Map<string, string>();
const timings: { name: string; wallMs: number }[] = [];

beforeAll(async () => {
  const tarball = await packedTarball();
  latest = await latestNodeTypes();
  root = mkdtempSync(join(tmpdir(), 'jwt-extended-consumers-'));
  const nodeTypes = [...NODE_TYPES_VERSIONS.filter((version) => version !== LATEST_NODE_TYPES), latest];
  const started = Date.now();
  base = await installBase(root, tarball, nodeTypes);
  timings.push({ name: 'npm install (one, every toolchain)', wallMs: Date.now() - started });
  for (const version of nodeTypes) projects.set(version, createProject(root, base, version));
}, 10 * MINUTES);

afterAll(() => {
  if (timings.length > 0) {
    const total = timings.reduce((sum, { wallMs }) => sum + wallMs, 0);
    console.log(
      `consumer matrix, wall seconds (shared machine: noise): ${timings.map(({ name, wallMs }) => `${name} ${(wallMs / 1000).toFixed(1)}`).join('; ')}; sum ${(total / 1000).toFixed(0)}`,
    );
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

function project(nodeTypes: string): string {
  const dir = projects.get(nodeTypes);
  if (dir === undefined) throw new Error(`no consumer project for @types/node ${nodeTypes}`);
  return dir;
}

async function check(name: string, typescript: string, cwd: string, config: string, extra: string[] = []) {
  const result = await runTsc(tscPath(base, typescript), cwd, config, root, extra);
  timings.push({ name, wallMs: result.wallMs });
  return result;
}

const key = ({ file, line, code }: Diagnostic) => `${file}:${line} ${code}`;

/**
 * Errors the framework packages make on their own with `skipLibCheck: false`, none of them ours.
 * A control project holding the frameworks and their types with nothing of jwt-extended (checked by
 * TypeScript 7, once per `@types/node`) must report exactly these, and the matrix tolerates what
 * the control reports and nothing else. When an upstream release fixes one, its control test
 * fails: drop the entry.
 */
const UPSTREAM_ERRORS: { file: string; code: string; message: RegExp; nodeTypes: readonly string[]; why: string }[] = [
  {
    file: 'base/node_modules/@types/koa/index.d.ts',
    code: 'TS2694',
    message: /content-disposition.* has no exported member 'Options'/,
    nodeTypes: NODE_TYPES_VERSIONS,
    why: "@types/koa 3.0.3 reads contentDisposition.Options, which content-disposition 1.x's own types (Koa 3.3's dependency) no longer export",
  },
  {
    file: 'base/node_modules/hono/dist/types/helper/websocket/index.d.ts',
    code: 'TS2304',
    message: /Cannot find name 'CloseEvent'/,
    nodeTypes: ['20.19.43', '22.20.7'],
    why: "Hono's WebSocket helper types name the DOM's global CloseEvent, which @types/node declares from 24 on",
  },
];

const controls = new Map<string, Promise<TscResult>>();
function control(nodeTypes: string): Promise<TscResult> {
  let result = controls.get(nodeTypes);
  if (result === undefined) {
    result = check(`control ${nodeTypes}`, '7.0.2', join(project(nodeTypes), 'control'), 'tsconfig.json');
    controls.set(nodeTypes, result);
  }
  return result;
}

describe('the frameworks on their own (the upstream errors the matrix tolerates)', () => {
  for (const nodeTypes of NODE_TYPES_VERSIONS) {
    const expected = UPSTREAM_ERRORS.filter((error) => error.nodeTypes.includes(nodeTypes));
    it.concurrent(
      `@types/node ${nodeTypes}: a project without jwt-extended fails with ${expected.map(({ code }) => code).join(' and ')} in ${expected.map(({ file }) => file.split('/').slice(2, 4).join('/')).join(' and ')}`,
      async ({ expect }) => {
        const { diagnostics, files } = await control(nodeTypes === LATEST_NODE_TYPES ? latest : nodeTypes);
        expect(files.some((file) => file.includes('jwt-extended'))).toBe(false);
        expect(diagnostics.map(({ file, code }) => `${file} ${code}`)).toEqual(
          expected.map(({ file, code }) => `${file} ${code}`),
        );
        diagnostics.forEach(({ message }, index) => expect(message).toMatch(expected[index]?.message as RegExp));
      },
      5 * MINUTES,
    );
  }
});

describe('the consumer programs type-check against the packed declarations (skipLibCheck: false)', () => {
  for (const run of matrixRuns(LATEST_NODE_TYPES)) {
    const nodeTypes = run.nodeTypes === LATEST_NODE_TYPES ? 'latest' : run.nodeTypes;
    const name = `TypeScript ${run.typescript}, @types/node ${nodeTypes}, ${run.setting}`;
    it.concurrent(
      name,
      async ({ expect }) => {
        const version = run.nodeTypes === LATEST_NODE_TYPES ? latest : run.nodeTypes;
        const { dir } = MODULE_SETTINGS[run.setting];
        const [result, upstream] = await Promise.all([
          check(name, run.typescript, join(project(version), dir), tsconfigName(run.setting)),
          control(version),
        ]);
        // Exactly one @types/node, the one this run is about.
        const nodeIndexes = result.files.filter((file) =>
          /(^|\/)(@types\/node|types-node-[^/]+)\/index\.d\.ts$/.test(file),
        );
        expect(nodeIndexes).toEqual([`base/node_modules/types-node-${version}/index.d.ts`]);
        // The build of our declarations this resolution must pick, for the core and every adapter.
        const extension = dir === 'esm' ? 'd.mts' : run.setting === 'commonjs' ? 'd.(c|m)ts' : 'd.cts';
        const nestjs = run.setting === 'node16-cjs' ? [] : ['adapters/nestjs'];
        for (const entry of [
          'index',
          'adapters/express',
          'adapters/fastify',
          'adapters/fetch',
          'adapters/hono',
          'adapters/koa',
          ...nestjs,
        ]) {
          expect(
            result.files.some((file) => new RegExp(`jwt-extended/dist/${entry}\\.${extension}$`).test(file)),
            entry,
          ).toBe(true);
        }
        const tolerated = new Set(upstream.diagnostics.map(key));
        expect(result.diagnostics.filter((diagnostic) => !tolerated.has(key(diagnostic)))).toEqual([]);
      },
      8 * MINUTES,
    );
  }
});

/** The programs built once by TypeScript 7 (newest `@types/node`): ESM, CommonJS, and the mixed one. */
let builds: Promise<void> | undefined;
function build(): Promise<void> {
  builds ??= (async () => {
    const dir = project(latest);
    const emit = ['--noEmit', 'false', '--outDir', 'out'];
    await Promise.all([
      check('emit esm', '7.0.2', join(dir, 'esm'), tsconfigName('nodenext'), emit),
      check('emit cjs', '7.0.2', join(dir, 'cjs'), tsconfigName('node16-cjs'), emit),
      check('emit mixed', '7.0.2', join(dir, 'cjs'), 'tsconfig.mixed.json', emit),
      check('emit cjs nestjs', '7.0.2', join(dir, 'cjs'), 'tsconfig.nestjs-node20.json', emit),
    ]);
  })();
  return builds;
}

async function runProgram(dir: string, program: string): Promise<string> {
  const started = Date.now();
  const { stdout } = await execFileAsync(process.execPath, [join(dir, 'out', `${program}.js`)], {
    cwd: dir,
    timeout: 2 * MINUTES,
  });
  timings.push({ name: `run ${program}`, wallMs: Date.now() - started });
  return stdout.trim();
}

// A program prints `ok <name> <exchanges>` once every exchange answered as expected, and exits 1
// with the first difference otherwise (execFile rejects, with its stderr, on a non-zero exit).
const EXCHANGES = { core: 4, express: 4, fastify: 4, fetch: 4, hono: 4, koa: 4, nestjs: 4, mixed: 3 } as const;

describe('the consumer programs run over real HTTP', () => {
  for (const [format, dir] of [
    ['ESM', 'esm'],
    ['CommonJS', 'cjs'],
  ] as const) {
    it.concurrent(
      `built as ${format}: the core and every adapter answer with flask's statuses and the typed values`,
      async ({ expect }) => {
        await build();
        for (const program of PROGRAMS) {
          expect(await runProgram(join(project(latest), dir), program)).toBe(`ok ${program} ${EXCHANGES[program]}`);
        }
      },
      8 * MINUTES,
    );
  }

  it.concurrent(
    'a CommonJS manager with the ESM Express adapter: the adapter reads the state the CommonJS build saved',
    async ({ expect }) => {
      await build();
      expect(await runProgram(join(project(latest), 'cjs'), 'mixed')).toBe(`ok mixed ${EXCHANGES.mixed}`);
    },
    8 * MINUTES,
  );
});

describe('the NestJS program from CommonJS type-checks with module node20', () => {
  // NestJS 12 is ES modules only; node16 refuses the import (see projects.ts), node20 allows it as
  // Node 20.19+ does (require of ES modules). Exactly one file of ours must be the nestjs .d.cts.
  for (const typescript of ['5.9.3', '7.0.2']) {
    it.concurrent(
      `TypeScript ${typescript}, newest @types/node: jwt-extended/nestjs's CommonJS declarations`,
      async ({ expect }) => {
        const { diagnostics, files } = await check(
          `nestjs node20 ${typescript}`,
          typescript,
          join(project(latest), 'cjs'),
          'tsconfig.nestjs-node20.json',
        );
        expect(files.some((file) => /jwt-extended\/dist\/adapters\/nestjs\.d\.cts$/.test(file))).toBe(true);
        const tolerated = new Set((await control(latest)).diagnostics.map(key));
        expect(diagnostics.filter((diagnostic) => !tolerated.has(key(diagnostic)))).toEqual([]);
      },
      8 * MINUTES,
    );
  }
});

describe('the mixed program type-checks', () => {
  it.concurrent(
    'TypeScript 7, newest @types/node: the CommonJS manager is accepted by the ESM adapter',
    async ({ expect }) => {
      const { diagnostics } = await check('mixed', '7.0.2', join(project(latest), 'cjs'), 'tsconfig.mixed.json');
      const tolerated = new Set((await control(latest)).diagnostics.map(key));
      expect(diagnostics.filter((diagnostic) => !tolerated.has(key(diagnostic)))).toEqual([]);
    },
    8 * MINUTES,
  );
});
