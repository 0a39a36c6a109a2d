/**
 * The web example as a Cloudflare Worker, with no Node compatibility flag: no `node:crypto`, so
 * the manager signs and verifies on the WebCrypto engine (`engine: 'auto'` picks it).
 *
 *   npx wrangler dev examples/worker/worker.ts   # secrets: npx wrangler secret put JWT_SECRET_KEY
 *
 * The manager is made on the first request: a Worker's settings arrive in `env` with each request.
 */
import type { AnyJwtManager } from 'jwt-extended';
import { type ExampleEnv, createWebApp, managerFromEnv } from '../web/app.js';
import { createHonoWebApp } from '../web/hono-app.js';

let app: ((request: Request) => Promise<Response>) | undefined;
let jwt: AnyJwtManager | undefined;

/** The Worker's module export. */
export default {
  fetch(request: Request, env: ExampleEnv & { EXAMPLE_APP?: string }): Promise<Response> {
    jwt ??= managerFromEnv(env);
    // EXAMPLE_APP=hono serves the same routes through Hono and jwt-extended/hono.
    app ??= (env.EXAMPLE_APP === 'hono' ? createHonoWebApp : createWebApp)(jwt, 'workerd');
    return app(request);
  },
};
