/**
 * The web example on Bun: `Bun.serve` takes the fetch handler as it is.
 *
 *   bun examples/bun/server.ts          # PORT (default 3000), JWT_SECRET_KEY, JWT_ALGORITHM, ...
 */
import { createWebApp, managerFromEnv } from '../web/app.js';

// Bun's global, declared here so this file type-checks without bun-types.
declare const Bun: {
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Promise<Response> }): { port: number };
  readonly version: string;
};

const server = Bun.serve({
  hostname: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
  fetch: createWebApp(managerFromEnv(process.env), `bun ${Bun.version}`),
});
console.log(`listening on http://127.0.0.1:${server.port}`);
