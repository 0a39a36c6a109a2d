// @ts-check
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';

/**
 * `npm run docs`: the API reference, generated from the TSDoc of every public entry point into
 * docs/api/ (git-ignored). The entry points are read from package.json's exports map (each
 * `dist/<name>.d.mts` is built from `src/<name>.ts`), so a new subpath is documented without
 * touching this file. Warnings fail the build; test/docs/api-reference.test.ts runs it.
 */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** `./dist/adapters/express.d.mts` -> `src/adapters/express.ts` for every subpath but package.json. */
const entryPoints = Object.values(pkg.exports)
  .filter((entry) => typeof entry === 'object')
  .map((entry) => entry.import.types.replace(/^\.\/dist\/(.+)\.d\.mts$/, 'src/$1.ts'));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  name: 'jwt-extended',
  entryPoints,
  // Only the sources: the repository's tsconfig.json also holds the tests and examples.
  tsconfig: 'tsconfig.docs.json',
  out: 'docs/api',
  readme: 'none',
  treatWarningsAsErrors: true,
  // Source links point at the repository named in package.json without asking git ({path} is
  // relative to src/, the entry points' common folder), so the build is the same in a clone with
  // another remote, none at all, or no .git (TypeDoc warns otherwise, and warnings are errors).
  disableGit: true,
  gitRevision: 'main',
  sourceLinkTemplate: `${pkg.homepage.replace(/#.*$/, '')}/blob/{gitRevision}/src/{path}#L{line}`,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, unusedMergeModuleWith: true },
  // Helper types that public signatures name but that are not entry-point exports on purpose
  // (the getter and cookie-helper families each adapter re-types for its carrier, the carriers'
  // any-state aliases, the pipeline's internals, the engine's contract): TypeDoc shows them
  // inline instead of linking to a page. Exporting them would widen the API for no caller.
  intentionallyNotExported: [
    'src/adapters/express-helpers.ts:Getters',
    'src/adapters/express-helpers.ts:Cookies',
    'src/adapters/fastify-helpers.ts:Getters',
    'src/adapters/fetch-helpers.ts:Getters',
    'src/adapters/fetch-helpers.ts:Cookies',
    'src/adapters/fastify-helpers.ts:ReplyCookieHelpers',
    'src/adapters/hono-helpers.ts:Getters',
    'src/adapters/hono-helpers.ts:Cookies',
    'src/adapters/hono-helpers.ts:AnyContext',
    'src/adapters/koa-helpers.ts:Getters',
    'src/adapters/koa-helpers.ts:Cookies',
    'src/adapters/koa-helpers.ts:AnyContext',
    'src/adapters/nestjs-params.ts:NestCookieHelpers',
    'src/duration.ts:DurationUnit',
    'src/responses.ts:ResponseRule',
    'src/jws/engine.ts:EngineChoice',
    'src/jwks/publish.ts:JwksHttpResponse',
    'src/locations/types.ts:Locator',
    'src/verify.ts:Step',
  ],
  excludePrivate: true,
  excludeInternal: true,
  // `npm run typecheck` checks the program; TypeDoc only reads it.
  skipErrorChecking: true,
};

export default config;
