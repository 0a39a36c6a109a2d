/**
 * The seed example on Fastify: the same routes and answers as the Express one. Log in with a user
 * object, read the identity and the roles claim back, refresh, log out (revocation), a route that
 * needs a fresh token, and cookie login with CSRF protection.
 *
 * ```sh
 * FRAMEWORK=fastify npm start
 * curl -s -X POST localhost:5000/login -H 'content-type: application/json' -d '{"username":"test","password":"test"}'
 * curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS_TOKEN"
 * ```
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  getJwt,
  getJwtClaims,
  getJwtIdentity,
  jwtErrorHandler,
  jwtExtended,
  jwtRequired,
} from '../../src/adapters/fastify.js';
import { BAD_CREDENTIALS, type Seed, type SeedServer, authenticate, createSeed, findUser } from './shared.js';

/**
 * The seed app's routes on a new Fastify app (not listening yet).
 *
 * @example
 * ```ts
 * const app = await createSeedApp(createSeed({ env: { JWT_SECRET_KEY: 'a long random secret' } }))
 * await app.listen({ port: 5000 })
 * ```
 */
export async function createSeedApp(seed: Seed = createSeed()): Promise<FastifyInstance> {
  const { jwt } = seed;
  const app = Fastify();
  // request.jwt, and reply.setAccessCookies() & co. bound to this manager, on every route.
  await app.register(jwtExtended, { manager: jwt });
  // Answers jwt-extended errors thrown from handlers (e.g. jwt.decodeToken) as flask would.
  app.setErrorHandler(jwtErrorHandler(jwt));

  const credentials = (body: unknown) => {
    const { username, password } = (body ?? {}) as { username?: unknown; password?: unknown };
    return authenticate(username, password);
  };
  const whoAmI = async (request: FastifyRequest) => ({
    current_identity: getJwtIdentity(request),
    current_roles: getJwtClaims(request),
  });

  app.post('/login', async (request, reply) => {
    const user = credentials(request.body);
    if (user === null) return reply.code(401).send(BAD_CREDENTIALS);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    return {
      access_token: await jwt.createAccessToken(user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(user),
    };
  });

  app.get('/protected', { onRequest: jwtRequired(jwt) }, whoAmI);

  app.post('/refresh', { onRequest: jwtRequired(jwt, { refresh: true }) }, async (request, reply) => {
    const user = findUser(getJwtIdentity(request));
    if (user === null) return reply.code(401).send(BAD_CREDENTIALS);
    return { access_token: await jwt.createAccessToken(user) };
  });

  // Either token may be revoked: send the access token, then the refresh token.
  app.post('/logout', { onRequest: jwtRequired(jwt, { verifyType: false }) }, async (request) =>
    seed.logout(getJwt(request)),
  );

  app.get('/fresh-only', { onRequest: jwtRequired(jwt, { fresh: true }) }, async (request) => ({
    current_identity: getJwtIdentity(request),
    fresh: true,
  }));

  // Browser clients: the tokens live in HttpOnly cookies; scripts copy the csrf_access_token
  // cookie into the X-CSRF-TOKEN header of every POST, PUT, PATCH and DELETE.
  app.post('/login/cookies', async (request, reply) => {
    const user = credentials(request.body);
    if (user === null) return reply.code(401).send(BAD_CREDENTIALS);
    reply.setAccessCookies(await jwt.createAccessToken(user, { fresh: true }));
    reply.setRefreshCookies(await jwt.createRefreshToken(user));
    return { login: true };
  });

  app.post('/protected/cookies', { onRequest: jwtRequired(jwt, { locations: 'cookies' }) }, whoAmI);

  app.post('/logout/cookies', { onRequest: jwtRequired(jwt, { locations: 'cookies' }) }, async (request, reply) => {
    await seed.logout(getJwt(request));
    reply.unsetJwtCookies();
    return { logout: true };
  });

  return app;
}

/**
 * Starts the seed app (what `npm start` runs with `FRAMEWORK=fastify`).
 *
 * @example
 * ```ts
 * const server = await startSeedServer(5000)
 * console.log(server.url)
 * ```
 */
export async function startSeedServer(port: number, host = '127.0.0.1'): Promise<SeedServer> {
  const seed = createSeed();
  const app = await createSeedApp(seed);
  app.addHook('onClose', () => seed.close());
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = address !== null && typeof address === 'object' ? address.port : port;
  return { url: `http://${host}:${actualPort}`, close: () => app.close() };
}
