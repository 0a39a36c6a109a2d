/**
 * Consumer projects for the matrix, built outside the work tree: one `npm install` of the packed
 * tarball, the frameworks and every toolchain (TypeScript and `@types/node` versions under alias
 * names), then one small project per `@types/node` version whose `node_modules` links to that
 * install. Each project sees exactly one `@types/node`, as a user's project does once npm
 * deduplicates the `"*"` range the framework type packages ask for.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CONSUMER_DEPENDENCIES, MODULE_SETTINGS, type ModuleSetting, TYPESCRIPT_VERSIONS } from './plan.js';

const execFileAsync = promisify(execFile);

/** The consumer programs, copied into each project. */
export const programsDir = new URL('./programs/', import.meta.url);

/** The programs every project holds; `mixed` only in the CommonJS one (it is CommonJS by design). */
export const PROGRAMS = ['core', 'express', 'fastify', 'fetch', 'hono', 'koa', 'nestjs'] as const;

const typescriptAlias = (version: string) => `typescript-${version}`;
const nodeTypesAlias = (version: string) => `types-node-${version}`;

/**
 * The environment for a nested npm: `npm test` exports its own settings (`npm_config_local_prefix`
 * is the work tree), which would make the install land there. Only the cache, registry and
 * certificate settings carry over.
 */
export function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_cafile']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_') || keep.has(name)),
  );
}

/**
 * Installs the tarball, the frameworks, every TypeScript and every `@types/node` of the matrix into
 * `root/base` with one `npm install` (the npm cache is the user's, shared with `npm ci`). The
 * `@types/node` npm adds for the framework type packages is removed: each project links its own
 * version in its place.
 */
export async function installBase(root: string, tarball: string, nodeTypes: readonly string[]): Promise<string> {
  const base = join(root, 'base');
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, 'package.json'), JSON.stringify({ name: 'consumer-base', private: true }));
  const specs = [
    tarball,
    ...Object.entries(CONSUMER_DEPENDENCIES).map(([name, version]) => `${name}@${version}`),
    ...TYPESCRIPT_VERSIONS.map((version) => `${typescriptAlias(version)}@npm:typescript@${version}`),
    ...nodeTypes.map((version) => `${nodeTypesAlias(version)}@npm:@types/node@${version}`),
  ];
  const flags = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '-E'];
  await execFileAsync('npm', ['install', '--prefix', base, ...flags, ...specs], {
    cwd: base,
    env: npmEnvironment(),
    maxBuffer: 16 * 1024 * 1024,
  });
  rmSync(join(base, 'node_modules/@types/node'), { recursive: true, force: true });
  return base;
}

/** Path of a TypeScript version's `tsc` launcher inside the base install. */
export function tscPath(base: string, typescript: string): string {
  return join(base, 'node_modules', typescriptAlias(typescript), 'bin/tsc');
}

/**
 * The project for one `@types/node` version (every TypeScript version checks it, by its own
 * launcher): `node_modules` links every package of the base install but the toolchains,
 * `@types/node` links this version, and two folders hold the programs: `esm` (`"type": "module"`)
 * and `cjs` (`"type": "commonjs"`, with `mixed.ts`), each with one tsconfig per module setting.
 */
export function createProject(root: string, base: string, nodeTypes: string): string {
  const project = join(root, `node-types-${nodeTypes}`);
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  const toolchain = /^(typescript-|types-node-|\.)/;
  for (const entry of readdirSync(join(base, 'node_modules'))) {
    if (entry === '@types' || toolchain.test(entry)) continue;
    symlinkSync(join(base, 'node_modules', entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(base, 'node_modules/@types'))) {
    symlinkSync(join(base, 'node_modules/@types', entry), join(modules, '@types', entry));
  }
  symlinkSync(join(base, 'node_modules', nodeTypesAlias(nodeTypes)), join(modules, '@types/node'));
  for (const [dir, type] of [
    ['esm', 'module'],
    ['cjs', 'commonjs'],
  ] as const) {
    cpSync(programsDir, join(project, dir), {
      recursive: true,
      filter: (src) => dir === 'cjs' || !/mixed\.ts$/.test(src),
    });
    writeFileSync(join(project, dir, 'package.json'), JSON.stringify({ type }));
  }
  writeTsconfigs(project);
  return project;
}

/**
 * A strict consumer configuration that checks every declaration file (`skipLibCheck: false`): the
 * settings a careful user has, on which issue 10's consumers failed.
 */
const COMMON_OPTIONS = {
  strict: true,
  skipLibCheck: false,
  target: 'ES2022',
  lib: ['ES2022'],
  types: ['node'],
  noEmit: true,
  // Nest's decorators are TypeScript's legacy ones (the NestJS program; the others have none).
  experimentalDecorators: true,
};

/** The frameworks the programs use, without jwt-extended. */
const CONTROL_PROGRAM = `import { createAdaptorServer } from '@hono/node-server';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
const hono = new Hono();
export const servers = [express(), Fastify().server, createAdaptorServer({ fetch: hono.fetch }), new Koa().callback()];
@Module({})
class AppModule {}
export const nest = NestFactory.create(AppModule);
`;

function writeTsconfigs(project: string): void {
  for (const [setting, { dir, compilerOptions }] of Object.entries(MODULE_SETTINGS)) {
    // NestJS 12 ships ES modules only, which `module: node16` forbids a CommonJS file to import
    // (TS1479, in the program and in our nestjs .d.cts alike); a CommonJS NestJS app compiles
    // with `module: node20` instead (require of ES modules, Node 20.19+): tsconfig.nestjs-node20.json.
    const programs = setting === 'node16-cjs' ? PROGRAMS.filter((name) => name !== 'nestjs') : PROGRAMS;
    const config = {
      compilerOptions: { ...COMMON_OPTIONS, ...compilerOptions },
      files: programs.map((name) => `${name}.ts`),
    };
    writeFileSync(join(project, dir, tsconfigName(setting as ModuleSetting)), JSON.stringify(config, null, 2));
  }
  // The mixed program alone (CommonJS manager, ESM adapter), and the upstream control: every
  // framework and its types with nothing of ours, to tell their errors from ours.
  const node16 = { ...COMMON_OPTIONS, ...MODULE_SETTINGS['node16-cjs'].compilerOptions };
  writeFileSync(
    join(project, 'cjs/tsconfig.mixed.json'),
    JSON.stringify({ compilerOptions: node16, files: ['mixed.ts'] }),
  );
  writeFileSync(
    join(project, 'cjs/tsconfig.nestjs-node20.json'),
    JSON.stringify({ compilerOptions: { ...COMMON_OPTIONS, module: 'node20' }, files: ['nestjs.ts'] }),
  );
  mkdirSync(join(project, 'control'));
  writeFileSync(join(project, 'control/package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(project, 'control/apps.ts'), CONTROL_PROGRAM);
  const nodenext = { ...COMMON_OPTIONS, ...MODULE_SETTINGS.nodenext.compilerOptions };
  writeFileSync(
    join(project, 'control/tsconfig.json'),
    JSON.stringify({ compilerOptions: nodenext, files: ['apps.ts'] }),
  );
}

/** The tsconfig file of a module setting, inside its program folder. */
export function tsconfigName(setting: ModuleSetting): string {
  return `tsconfig.${setting}.json`;
}
