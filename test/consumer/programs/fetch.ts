/**
 * The web-standard adapter: a `(request: Request) => Response` handler (Next.js, Bun, Deno,
 * Workers shape), served here on Node through @hono/node-server, reading identity, claims and
 * user through the adapter's typed getters; cookies set on the `Response` by its helper.
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { getCurrentUser, getJwtClaims, getJwtIdentity, jwtRequired, setAccessCookies } from 'jwt-extended/fetch';
import { type Equal, assertType, checkServer, protectedRouteExchanges, run } from './harness.js';
import { type AppUser, jwt, testUser } from './manager.js';

const protectedRoute = jwtRequired(jwt, (request: Request) => {
  const identity = getJwtIdentity(request);
  const claims = getJwtClaims(request);
  const user = getCurrentUser(request);
  assertType<Equal<typeof identity, string | null>>();
  assertType<Equal<typeof claims, { roles: string[] } | Record<string, never>>>();
  assertType<Equal<typeof user, AppUser | null>>();
  // @ts-expect-error `admin` was never declared by the manager's claims loader
  void claims.admin;
  // Compiled, never called: a getter refuses a Response.
  void (() =>
    // @ts-expect-error a Response is not a Request
    getJwtIdentity(new Response()));
  return Response.json({ identity, roles: claims.roles, user: user?.username, slot: identity });
});

async function handle(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === '/protected') return protectedRoute(request);
  if (pathname !== '/login-cookie') return new Response(null, { status: 404 });
  const response = new Response(null, { status: 204 });
  setAccessCookies(jwt, response, await jwt.createAccessToken(testUser));
  return response;
}

run(async () => {
  const token = await jwt.createAccessToken(testUser);
  await checkServer('fetch', createAdaptorServer({ fetch: handle }) as Server, [
    ...protectedRouteExchanges(token),
    {
      path: '/login-cookie',
      status: 204,
      setCookie: /^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\//i,
    },
  ]);
});
