/**
 * The frameworks the behaviour suite runs against: one line per framework. Adding a framework is
 * adding its `apps/<file>.ts` (exporting an `AppFactory`) and one line here. scenarios.test.ts
 * fails while an app file exists that is not listed, so a framework cannot be left out silently;
 * a builder shared by several versions is named `<name>-app.ts` (e.g. `express-app.ts`).
 */
import type { JwtManagerOptions } from '../../src/index.js';
import type { AppFactory } from './app-contract.js';
import { createExpress4App } from './apps/express4.js';
import { createExpress5App } from './apps/express5.js';
import { createFastifyApp } from './apps/fastify.js';
import { createFetchApp } from './apps/fetch.js';
import { createHonoApp } from './apps/hono.js';
import { createHonoWebCryptoApp } from './apps/hono-webcrypto.js';
import { createKoaApp } from './apps/koa.js';
import { createKoa2App } from './apps/koa2.js';
import { type RowOverride, WEB_STANDARD_OVERRIDES } from './web-standard.js';
import { createNestExpressApp } from './apps/nestjs-express.js';
import { createNestFastifyApp } from './apps/nestjs-fastify.js';

/** One framework under test. */
export interface Framework {
  /** Shown in test names. */
  readonly name: string;
  /** Its app file in `apps/`. */
  readonly file: string;
  readonly factory: AppFactory;
  /** Options every manager of this entry adds to the row's (e.g. the signing engine). */
  readonly managerOptions?: Partial<JwtManagerOptions>;
  /** Rows answered differently by this entry, each with its reason (see web-standard.ts). */
  readonly overrides?: Readonly<Record<string, RowOverride>>;
}

/** Every framework the suite runs against. */
export const FRAMEWORKS: readonly Framework[] = [
  { name: 'express5', file: 'express5.ts', factory: createExpress5App },
  { name: 'express4', file: 'express4.ts', factory: createExpress4App },
  { name: 'fastify', file: 'fastify.ts', factory: createFastifyApp },
  { name: 'hono', file: 'hono.ts', factory: createHonoApp },
  // A web-standard handler (Request) => Response: the platform's two differences in web-standard.ts.
  { name: 'fetch', file: 'fetch.ts', factory: createFetchApp, overrides: WEB_STANDARD_OVERRIDES },
  // The same Hono app on the asynchronous WebCrypto engine: every row, through the async path.
  {
    name: 'hono (WebCrypto engine)',
    file: 'hono-webcrypto.ts',
    factory: createHonoWebCryptoApp,
    managerOptions: { engine: 'webcrypto' },
  },
  { name: 'koa', file: 'koa.ts', factory: createKoaApp },
  { name: 'koa2', file: 'koa2.ts', factory: createKoa2App },
  { name: 'nestjs (express)', file: 'nestjs-express.ts', factory: createNestExpressApp },
  { name: 'nestjs (fastify)', file: 'nestjs-fastify.ts', factory: createNestFastifyApp },
];

/**
 * Whether a file of `apps/` is a framework's app (which must be listed above) rather than a
 * builder shared by several (named `<something>-app.ts`, e.g. `express-app.ts`).
 *
 * @example
 * ```ts
 * isFrameworkAppFile('koa2.ts') // true
 * ```
 */
export function isFrameworkAppFile(file: string): boolean {
  return file.endsWith('.ts') && !file.endsWith('-app.ts') && !file.endsWith('.d.ts');
}
