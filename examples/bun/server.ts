/**
 * The web example on Bun: `Bun.serve` takes the fetch handler as it is.
 *
 *   bun examples/bun/server.ts          # PORT (default 3000), JWT_SECRET_KEY, JWT_ALGORITHM, ...
 */
import { createWebApp, managerFromEnv } from '../web/app.js';
import { createHonoWebApp } from '../web/hono-app.js';

// Bun's global, declared here so this file type-checks without bun-types.
declare const Bun: {
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Promise<Response> }): { port: number };
  readonly version: string;
};

// EXAMPLE_APP=hono serves the same routes through Hono and jwt-extended/hono.
const build = process.env.EXAMPLE_APP === 'hono' ? createHonoWebApp : createWebApp;
const server = Bun.serve({
  hostname: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
  fetch: build(managerFromEnv(process.env), `bun ${Bun.version}`),
});
console.log(`listening on http://127.0.0.1:${server.port}`);
