/**
 * Fastify 5: the plugin (which declares `request.jwt` and the reply cookie decorators) and a
 * protected route reading identity, claims and user through the adapter's typed getters.
 */
import Fastify, { type FastifyReply } from 'fastify';
import { getCurrentUser, getJwtClaims, getJwtIdentity, jwtExtended, jwtRequired } from 'jwt-extended/fastify';
import { type Equal, assertType, checkServer, protectedRouteExchanges, run } from './harness.js';
import { type AppUser, jwt, testUser } from './manager.js';

run(async () => {
  const app = Fastify();
  await app.register(jwtExtended, { manager: jwt });
  app.get('/protected', { onRequest: jwtRequired(jwt) }, async (request, reply) => {
    const identity = getJwtIdentity(request);
    const claims = getJwtClaims(request);
    const user = getCurrentUser(request);
    assertType<Equal<typeof identity, string | null>>();
    assertType<Equal<typeof claims, { roles: string[] } | Record<string, never>>>();
    assertType<Equal<typeof user, AppUser | null>>();
    // @ts-expect-error `admin` was never declared by the manager's claims loader
    void claims.admin;
    // Compiled, never called: a getter refuses the response object.
    void (() =>
      // @ts-expect-error a reply is not a request
      getJwtIdentity(reply as FastifyReply));
    return { identity, roles: claims.roles, user: user?.username, slot: request.jwt?.identity };
  });
  app.get('/login-cookie', async (_request, reply) => {
    reply.setAccessCookies(await jwt.createAccessToken(testUser)).code(204);
  });
  await app.ready();
  const token = await jwt.createAccessToken(testUser);
  await checkServer('fastify', app.server, [
    ...protectedRouteExchanges(token),
    {
      path: '/login-cookie',
      status: 204,
      setCookie: /^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\//i,
    },
  ]);
});
