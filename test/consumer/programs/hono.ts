/**
 * Hono 4 on @hono/node-server: a protected route reading identity, claims and user through the
 * adapter's typed getters and `c.get('jwt')`; cookies set by the adapter's helper.
 */
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { getCurrentUser, getJwtClaims, getJwtIdentity, jwtRequired, setAccessCookies } from 'jwt-extended/hono';
import type { Server } from 'node:http';
import { type Equal, assertType, checkServer, protectedRouteExchanges, run } from './harness.js';
import { type AppUser, jwt, testUser } from './manager.js';

const app = new Hono();
app.get('/protected', jwtRequired(jwt), (c) => {
  const identity = getJwtIdentity(c);
  const claims = getJwtClaims(c);
  const user = getCurrentUser(c);
  assertType<Equal<typeof identity, string | null>>();
  assertType<Equal<typeof claims, { roles: string[] } | Record<string, never>>>();
  assertType<Equal<typeof user, AppUser | null>>();
  // @ts-expect-error `admin` was never declared by the manager's claims loader
  void claims.admin;
  // Compiled, never called: a getter refuses the response object.
  void (() =>
    // @ts-expect-error Hono's Response is not its Context
    getJwtIdentity(c.res));
  return c.json({ identity, roles: claims.roles, user: user?.username, slot: c.get('jwt')?.identity });
});
app.get('/login-cookie', async (c) => {
  setAccessCookies(jwt, c, await jwt.createAccessToken(testUser));
  return c.body(null, 204);
});

run(async () => {
  const token = await jwt.createAccessToken(testUser);
  await checkServer('hono', createAdaptorServer({ fetch: app.fetch }) as Server, [
    ...protectedRouteExchanges(token),
    {
      path: '/login-cookie',
      status: 204,
      setCookie: /^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\//i,
    },
  ]);
});
