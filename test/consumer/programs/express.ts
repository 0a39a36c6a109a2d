/**
 * Express 5: a protected route reading identity, claims and user through the adapter's getters
 * and `req.jwt`, all typed by the registered manager; cookies set by the adapter's helper.
 */
import { createServer } from 'node:http';
import express, { type Response } from 'express';
import type { JwtPayload } from 'jwt-extended';
import {
  getCurrentUser,
  getJwt,
  getJwtClaims,
  getJwtIdentity,
  jwtRequired,
  setAccessCookies,
} from 'jwt-extended/express';
import { type Equal, assertType, checkServer, protectedRouteExchanges, run } from './harness.js';
import { type AppUser, jwt, testUser } from './manager.js';

const app = express();
app.get('/protected', jwtRequired(jwt), (req, res) => {
  const identity = getJwtIdentity(req);
  const claims = getJwtClaims(req);
  const user = getCurrentUser(req);
  assertType<Equal<typeof identity, string | null>>();
  assertType<Equal<typeof claims, { roles: string[] } | Record<string, never>>>();
  assertType<Equal<typeof user, AppUser | null>>();
  const payload = getJwt(req);
  assertType<Equal<typeof payload, (JwtPayload & { roles: string[] }) | Record<string, never>>>();
  // @ts-expect-error `admin` was never declared by the manager's claims loader
  void claims.admin;
  // Compiled, never called: a getter refuses the response object.
  void (() =>
    // @ts-expect-error a response is not a request
    getJwtIdentity(res as Response));
  if (payload.sub !== identity) throw new Error('the payload and the identity getter disagree');
  res.json({ identity, roles: claims.roles, user: user?.username, slot: req.jwt?.identity });
});
app.get('/login-cookie', (_req, res) => {
  setAccessCookies(jwt, res, jwt.createAccessTokenSync(testUser));
  res.status(204).end();
});

run(async () => {
  const token = await jwt.createAccessToken(testUser);
  await checkServer('express', createServer(app), [
    ...protectedRouteExchanges(token),
    {
      path: '/login-cookie',
      status: 204,
      setCookie: /^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\//i,
    },
  ]);
});
