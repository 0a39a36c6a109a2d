/**
 * Type-checks and emits the docs' programs inside the consumer project, as a user's `tsc` would
 * with strict settings under `module: nodenext` and `skipLibCheck: false` (so the declarations of
 * the tarball are checked too). Each program is its own compilation: a program's
 * `declare module 'jwt-extended' { interface Register ... }` is global to a compilation, and two
 * pages' registrations must not meet. Parsed declaration files are shared between compilations,
 * so the libraries are read once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { DocProgram } from './extract.js';

/** The strict settings a careful user's project has. */
export const STRICT_NODENEXT: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ['lib.es2022.d.ts'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: false,
  allowJs: true,
  checkJs: true,
};

/** Where each program's source and emitted JavaScript are. */
export interface CompiledPrograms {
  /** `name` -> absolute path of the emitted `.js`. */
  outputs: Map<string, string>;
  /** `name` -> the compiler's errors, formatted (empty when it compiled). */
  errors: Map<string, string>;
}

/** The name under which errors of the package's own declarations are reported. */
export const DECLARATIONS = 'package-declarations';

/**
 * Writes the programs under `dir` (inside the consumer project), checks and emits them. The ones
 * that augment a module (`declare module`, `declare global`) are compiled each alone; the rest
 * together with a file importing each of `subpaths`, so that one compilation checks every
 * declaration file of the tarball (`skipLibCheck: false`, errors under {@link DECLARATIONS});
 * the lone ones skip that repeat (`skipLibCheck: true`), which is most of a compilation's time.
 * With no `subpaths` nothing is lib-checked (a test that only needs a program emitted).
 */
export function compilePrograms(dir: string, programs: DocProgram[], subpaths: string[]): CompiledPrograms {
  const srcDir = join(dir, 'src');
  const outDir = join(dir, 'out');
  mkdirSync(srcDir, { recursive: true });
  const options: ts.CompilerOptions = { ...STRICT_NODENEXT, rootDir: srcDir, outDir };
  const host = cachingHost(options);
  const result: CompiledPrograms = { outputs: new Map(), errors: new Map() };
  const files = new Map<string, string>();
  const write = (name: string, ext: string, code: string) => {
    const file = join(srcDir, `${name}.${ext}`);
    writeFileSync(file, code);
    files.set(name, file);
    result.outputs.set(name, join(outDir, `${name}.js`));
  };
  for (const program of programs) write(program.name, program.lang, program.code);
  if (subpaths.length > 0) {
    write(DECLARATIONS, 'ts', subpaths.map((s, i) => `export type * as m${i} from '${s}';\n`).join(''));
  }

  const augments = (program: DocProgram) => /\bdeclare\s+(module|global)\b/.test(program.code);
  const shared = [
    ...(subpaths.length > 0 ? [DECLARATIONS] : []),
    ...programs.filter((p) => !augments(p)).map((p) => p.name),
  ];
  const groups = [
    { names: shared, options: { ...options, skipLibCheck: subpaths.length === 0 } },
    ...programs.filter(augments).map((p) => ({ names: [p.name], options: { ...options, skipLibCheck: true } })),
  ];
  for (const group of groups.filter((g) => g.names.length > 0)) {
    const rootNames = group.names.map((name) => files.get(name) as string);
    const compilation = ts.createProgram({ rootNames, options: group.options, host });
    const emitted = compilation.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(compilation), ...emitted.diagnostics].filter(ours);
    for (const name of group.names) {
      // A program's own errors, and errors of no program (the package's declarations, options).
      const own = diagnostics.filter((d) =>
        d.file === undefined || !rootNames.includes(d.file.fileName)
          ? name === group.names[0]
          : d.file.fileName === files.get(name),
      );
      result.errors.set(name, ts.formatDiagnostics(own, host));
    }
  }
  return result;
}

/**
 * Whether a diagnostic is the docs' or the package's business. With `skipLibCheck: false` the
 * compiler also reports the frameworks' own declarations against this repository's pinned
 * `@types/node` and `lib` (`@types/koa` against content-disposition's types, Hono's WebSocket
 * helper wanting the DOM lib): not ours to fix, and the consumer matrix covers that ground. The
 * tarball's declarations and the programs are checked in full.
 */
function ours(diagnostic: ts.Diagnostic): boolean {
  const file = diagnostic.file?.fileName;
  return file === undefined || !file.includes('/node_modules/') || file.includes('/node_modules/jwt-extended/');
}

/** A compiler host that parses each library declaration file once for all compilations. */
function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const cache = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!fileName.includes('/node_modules/')) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    const key = `${fileName}|${JSON.stringify(languageVersion)}`;
    if (!cache.has(key)) cache.set(key, getSourceFile(fileName, languageVersion, onError, shouldCreate));
    return cache.get(key);
  };
  return host;
}
