/**
 * The contract's test app as one web-standard handler, `(Request) => Response`, protected with
 * `jwt-extended/fetch` and served on 127.0.0.1 (port 0) by `@hono/node-server`'s fetch bridge
 * (used as a plain Node-to-fetch server here: no Hono router is involved).
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import {
  type FetchHandler,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
} from '../../../src/adapters/fetch.js';
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
 * Builds the contract's routes as one fetch handler (exported for the adapter's own tests, which
 * also call it directly with `Request` objects).
 *
 * @example
 * ```ts
 * const res = await buildFetchApp(jwt)(new Request('http://x/protected'))
 * ```
 */
export function buildFetchApp(jwt: JwtManager): (request: Request) => Promise<Response> {
  const routes = new Map<string, FetchHandler>();
  for (const { path, options } of PROTECTED_ROUTES) {
    routes.set(
      path,
      jwtRequired(jwt, options, (request) => Response.json(describeRequest(request))),
    );
  }
  routes.set(COOKIE_ROUTES.set, async (request) => {
    const body = (await request.json()) as SetBody;
    const response = Response.json({});
    const options = { maxAge: body.maxAge, domain: body.domain };
    if (body.access !== undefined) setAccessCookies(jwt, response, body.access, options);
    if (body.refresh !== undefined) setRefreshCookies(jwt, response, body.refresh, options);
    return response;
  });
  routes.set(COOKIE_ROUTES.unset, async (request) => {
    const { which = 'all', domain } = (await request.json()) as UnsetBody;
    const response = Response.json({});
    const unset = { all: unsetJwtCookies, access: unsetAccessCookies, refresh: unsetRefreshCookies }[which];
    unset(jwt, response, { domain });
    return response;
  });
  return async (request) => {
    const handler = routes.get(new URL(request.url).pathname);
    if (handler === undefined) return new Response('Not Found', { status: 404 });
    try {
      const response = await handler(request);
      // HEAD: the runtime's job (a fetch server sends the headers of what the GET would answer).
      return request.method === 'HEAD' ? new Response(null, response) : response;
    } catch (error) {
      // Errors that are not a client's (a throwing callback) reach the app's own error answer.
      return Response.json({ error: (error as Error).message }, { status: 500 });
    }
  };
}

/** The AppFactory for the fetch adapter. */
export const createFetchApp: AppFactory = async (jwt) =>
  listenOnLoopback(createAdaptorServer({ fetch: buildFetchApp(jwt) }) as Server);
