/**
 * The web example on Deno: `Deno.serve` takes the fetch handler as it is.
 *
 *   deno run --sloppy-imports --allow-net --allow-env --allow-read examples/deno/server.ts
 *
 * (`--sloppy-imports` lets Deno read this repository's `./app.js` imports, written for Node's
 * TypeScript resolution, as the `.ts` files they are; an app written for Deno imports `./app.ts`.)
 */
import { createWebApp, managerFromEnv } from '../web/app.js';
import { createHonoWebApp } from '../web/hono-app.js';

// Deno's global, declared here so this file type-checks without Deno's types.
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
  env: { toObject(): Record<string, string> };
  readonly version: { readonly deno: string };
};

const env = Deno.env.toObject();
// EXAMPLE_APP=hono serves the same routes through Hono and jwt-extended/hono.
const build = env.EXAMPLE_APP === 'hono' ? createHonoWebApp : createWebApp;
Deno.serve(
  {
    hostname: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  build(managerFromEnv(env), `deno ${Deno.version.deno}`),
);
