/**
 * The contract's test app on Hono 4, served by `@hono/node-server` on 127.0.0.1 (port 0).
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import {
  type JwtVariables,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
} from '../../../src/adapters/hono.js';
import type { JwtManager } from '../../../src/index.js';
import {
  type AppFactory,
  COOKIE_ROUTES,
  PROTECTED_ROUTES,
  type SetBody,
  type UnsetBody,
  describeRequest,
  listenOnLoopback,
} from '../app-contract.js';

/**
 * Builds the Hono app of the contract (exported for the adapter's own tests, which also drive it
 * through `app.request()`).
 *
 * @example
 * ```ts
 * const res = await buildHonoApp(jwt).request('/protected')
 * ```
 */
export function buildHonoApp(jwt: JwtManager): Hono<{ Variables: JwtVariables }> {
  const app = new Hono<{ Variables: JwtVariables }>();
  for (const { path, options } of PROTECTED_ROUTES) {
    // `all` covers every method; Hono answers HEAD through the GET route, with HEAD as the method.
    app.all(path, jwtRequired(jwt, options), (c) => c.json(describeRequest(c)));
  }
  app.post(COOKIE_ROUTES.set, async (c) => {
    const body = await c.req.json<SetBody>();
    const options = { maxAge: body.maxAge, domain: body.domain };
    if (body.access !== undefined) setAccessCookies(jwt, c, body.access, options);
    if (body.refresh !== undefined) setRefreshCookies(jwt, c, body.refresh, options);
    return c.json({});
  });
  app.post(COOKIE_ROUTES.unset, async (c) => {
    const { which = 'all', domain } = await c.req.json<UnsetBody>();
    const unset = { all: unsetJwtCookies, access: unsetAccessCookies, refresh: unsetRefreshCookies }[which];
    unset(jwt, c, { domain });
    return c.json({});
  });
  // Errors that are not a client's (a throwing callback) reach Hono's error handler.
  app.onError((error, c) => c.json({ error: error.message }, 500));
  return app;
}

/** The AppFactory for Hono. */
export const createHonoApp: AppFactory = async (jwt) => {
  const app = buildHonoApp(jwt);
  return listenOnLoopback(createAdaptorServer({ fetch: app.fetch }) as Server);
};
