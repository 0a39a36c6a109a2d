/**
 * Koa 3 without a router: a protected path reading identity, claims and user through the
 * adapter's typed getters and `ctx.state.jwt`; cookies set by the adapter's helper.
 */
import { createServer } from 'node:http';
import Koa from 'koa';
import { getCurrentUser, getJwtClaims, getJwtIdentity, jwtRequired, setAccessCookies } from 'jwt-extended/koa';
import { type Equal, assertType, checkServer, protectedRouteExchanges, run } from './harness.js';
import { type AppUser, jwt, testUser } from './manager.js';

const app = new Koa();
const protect = jwtRequired(jwt);
app.use(async (ctx, next) => {
  if (ctx.path === '/login-cookie') {
    setAccessCookies(jwt, ctx, await jwt.createAccessToken(testUser));
    ctx.status = 204;
    return;
  }
  if (ctx.path !== '/protected') return next();
  await protect(ctx, async () => {
    const identity = getJwtIdentity(ctx);
    const claims = getJwtClaims(ctx);
    const user = getCurrentUser(ctx);
    assertType<Equal<typeof identity, string | null>>();
    assertType<Equal<typeof claims, { roles: string[] } | Record<string, never>>>();
    assertType<Equal<typeof user, AppUser | null>>();
    // @ts-expect-error `admin` was never declared by the manager's claims loader
    void claims.admin;
    // Compiled, never called: a getter refuses the response object.
    void (() =>
      // @ts-expect-error Koa's ctx.response is not the context
      getJwtIdentity(ctx.response));
    ctx.body = { identity, roles: claims.roles, user: user?.username, slot: ctx.state.jwt?.identity };
  });
});

run(async () => {
  const token = await jwt.createAccessToken(testUser);
  await checkServer('koa', createServer(app.callback()), [
    ...protectedRouteExchanges(token),
    {
      path: '/login-cookie',
      status: 204,
      setCookie: /^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\//i,
    },
  ]);
});
