/**
 * Which toolchains the consumer matrix type-checks the packed package with, and why not all of
 * them. Versions are exact, so a new upstream release never turns the suite red on its own;
 * `CONSUMER_MATRIX_LATEST=1` swaps the newest `@types/node` the registry serves in for
 * {@link LATEST_NODE_TYPES} (bump the pin when it passes).
 *
 * Cost, measured on the 2-core CI machine class (user CPU of one `tsc -p` over the six consumer
 * programs before the NestJS one was added, with `skipLibCheck: false`): TypeScript 5.9 and 6.0 about 9 s, TypeScript 7 (native)
 * about 2 s. The full cross product (3 TypeScript x 4 `@types/node` x 4 module settings = 48
 * checks) would cost some five CPU minutes, so:
 *
 * - TypeScript 7 runs the full cross product (16 checks, cheap);
 * - the newest `@types/node` runs on every TypeScript version with every module setting: that is
 *   where consumers broke before (issue 10: `JsonWebKey` vanished from `@types/node` 25);
 * - TypeScript 5.9 and 6.0 with the older `@types/node` majors run a diagonal: each of those
 *   majors once, alternating the TypeScript version and the module setting (what older
 *   `@types/node` could break, an old lib declaration against a newer compiler, does not depend
 *   on the module setting, and TypeScript 7 sees every one of those majors with every setting).
 *
 * @module
 */

/** TypeScript releases a consumer may compile with: the last 5.x, 6.0 and the native 7.0. */
export const TYPESCRIPT_VERSIONS = ['5.9.3', '6.0.3', '7.0.2'] as const;

/** The newest `@types/node` when this was written (26 is the major that dropped `JsonWebKey`'s export). */
export const LATEST_NODE_TYPES = '26.6.11';

/** `@types/node` for each supported Node major, then the newest. */
export const NODE_TYPES_VERSIONS = ['20.19.43', '22.20.7', '24.19.4', LATEST_NODE_TYPES] as const;

/**
 * Module settings a consumer project may use. `dir` says which project the programs sit in: `esm`
 * has `"type": "module"`, `cjs` has `"type": "commonjs"`.
 *
 * - `nodenext`: Node's own ESM resolution (the `import` conditions);
 * - `node16-cjs`: Node's resolution from a CommonJS package (the `require` conditions);
 * - `bundler`: `module: preserve` with bundler resolution, as Vite or esbuild users set it;
 * - `commonjs`: the classic `module: commonjs` with its default resolution, which is `node10`
 *   on TypeScript 5 (where only `typesVersions` finds the subpaths) and `bundler` from 6.0 on
 *   (6.0 deprecates `node10` and 7.0 removes it).
 */
export const MODULE_SETTINGS = {
  nodenext: { dir: 'esm', compilerOptions: { module: 'nodenext' } },
  'node16-cjs': { dir: 'cjs', compilerOptions: { module: 'node16' } },
  bundler: { dir: 'esm', compilerOptions: { module: 'preserve', moduleResolution: 'bundler' } },
  commonjs: { dir: 'cjs', compilerOptions: { module: 'commonjs', esModuleInterop: true } },
} as const;

/** A module setting's name. */
export type ModuleSetting = keyof typeof MODULE_SETTINGS;

/** One type-check of the consumer programs. */
export interface MatrixRun {
  typescript: string;
  nodeTypes: string;
  setting: ModuleSetting;
}

const SETTINGS = Object.keys(MODULE_SETTINGS) as ModuleSetting[];

/** The older `@types/node` on TypeScript 5.9 and 6.0: one module setting each (see the module comment). */
const DIAGONAL: MatrixRun[] = [
  { typescript: '5.9.3', nodeTypes: '20.19.43', setting: 'commonjs' },
  { typescript: '6.0.3', nodeTypes: '22.20.7', setting: 'nodenext' },
  { typescript: '5.9.3', nodeTypes: '24.19.4', setting: 'node16-cjs' },
];

/** Every run of the matrix, newest `@types/node` first (the likeliest to fail). */
export function matrixRuns(latestNodeTypes: string = LATEST_NODE_TYPES): MatrixRun[] {
  const runs: MatrixRun[] = [];
  for (const typescript of TYPESCRIPT_VERSIONS) {
    for (const setting of SETTINGS) runs.push({ typescript, nodeTypes: latestNodeTypes, setting });
  }
  for (const nodeTypes of NODE_TYPES_VERSIONS.filter((version) => version !== LATEST_NODE_TYPES)) {
    for (const setting of SETTINGS) runs.push({ typescript: '7.0.2', nodeTypes, setting });
  }
  return [...runs, ...DIAGONAL];
}

/**
 * The packages of the consumer project, besides the tarball: every framework at its newest
 * version when this was written, with the type packages a user installs for it.
 */
export const CONSUMER_DEPENDENCIES = {
  express: '5.3.0',
  '@types/express': '5.0.6',
  fastify: '5.12.8',
  hono: '4.13.23',
  '@hono/node-server': '2.1.11',
  koa: '3.3.0',
  '@types/koa': '3.0.3',
  '@nestjs/common': '12.6.3',
  '@nestjs/core': '12.6.3',
  '@nestjs/platform-express': '12.6.3',
  'reflect-metadata': '0.2.2',
  rxjs: '7.8.2',
} as const;
