/**
 * The seed example on Hono: the same routes and answers as the Express one. Log in with a user
 * object, read the identity and the roles claim back, refresh, log out (revocation), a route that
 * needs a fresh token, and cookie login with CSRF protection.
 *
 * ```sh
 * FRAMEWORK=hono npm start
 * curl -s -X POST localhost:5000/login -H 'content-type: application/json' -d '{"username":"test","password":"test"}'
 * curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS_TOKEN"
 * ```
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  type JwtVariables,
  getJwt,
  getJwtClaims,
  getJwtIdentity,
  jwtErrorHandler,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from '../../src/adapters/hono.js';
import { isJsonContentType } from '../../src/index.js';
import {
  BAD_CREDENTIALS,
  type Seed,
  type SeedServer,
  authenticate,
  createSeed,
  findUser,
  listenSeed,
} from './shared.js';

/** The seed app's environment: `c.get('jwt')` holds the verified token on protected routes. */
type SeedEnv = { Variables: JwtVariables };

/**
 * The seed app's routes on a new Hono app.
 *
 * @example
 * ```ts
 * const app = createSeedApp(createSeed({ env: { JWT_SECRET_KEY: 'a long random secret' } }))
 * const res = await app.request('/protected', { headers: { authorization: `Bearer ${token}` } })
 * ```
 */
export function createSeedApp(seed: Seed = createSeed()): Hono<SeedEnv> {
  const { jwt } = seed;
  const app = new Hono<SeedEnv>();

  const credentials = async (c: Context<SeedEnv>) => {
    const { username, password } = ((await jsonBody(c)) ?? {}) as { username?: unknown; password?: unknown };
    return authenticate(username, password);
  };
  const whoAmI = (c: Context<SeedEnv>) =>
    c.json({ current_identity: getJwtIdentity(c), current_roles: getJwtClaims(c) });

  app.post('/login', async (c) => {
    const user = await credentials(c);
    if (user === null) return c.json(BAD_CREDENTIALS, 401);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    return c.json({
      access_token: await jwt.createAccessToken(user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(user),
    });
  });

  app.get('/protected', jwtRequired(jwt), whoAmI);

  app.post('/refresh', jwtRequired(jwt, { refresh: true }), async (c) => {
    const user = findUser(getJwtIdentity(c));
    if (user === null) return c.json(BAD_CREDENTIALS, 401);
    return c.json({ access_token: await jwt.createAccessToken(user) });
  });

  // Either token may be revoked: send the access token, then the refresh token.
  app.post('/logout', jwtRequired(jwt, { verifyType: false }), async (c) => c.json(await seed.logout(getJwt(c))));

  app.get('/fresh-only', jwtRequired(jwt, { fresh: true }), (c) =>
    c.json({ current_identity: getJwtIdentity(c), fresh: true }),
  );

  // Browser clients: the tokens live in HttpOnly cookies; scripts copy the csrf_access_token
  // cookie into the X-CSRF-TOKEN header of every POST, PUT, PATCH and DELETE.
  app.post('/login/cookies', async (c) => {
    const user = await credentials(c);
    if (user === null) return c.json(BAD_CREDENTIALS, 401);
    setAccessCookies(jwt, c, await jwt.createAccessToken(user, { fresh: true }));
    setRefreshCookies(jwt, c, await jwt.createRefreshToken(user));
    return c.json({ login: true });
  });

  app.post('/protected/cookies', jwtRequired(jwt, { locations: 'cookies' }), whoAmI);

  app.post('/logout/cookies', jwtRequired(jwt, { locations: 'cookies' }), async (c) => {
    await seed.logout(getJwt(c));
    unsetJwtCookies(jwt, c);
    return c.json({ logout: true });
  });

  // Answers jwt-extended errors thrown from handlers (e.g. jwt.decodeToken) as flask would.
  app.onError(jwtErrorHandler(jwt));
  return app;
}

/** Like `express.json()`: a JSON body when the request says it sends one; invalid JSON is a 400. */
async function jsonBody(c: Context): Promise<unknown> {
  if (!isJsonContentType(c.req.header('content-type'))) return undefined;
  try {
    return await c.req.json<unknown>();
  } catch {
    throw new HTTPException(400, { message: 'Bad Request' });
  }
}

/**
 * Starts the seed app on `@hono/node-server` (what `npm start` runs with `FRAMEWORK=hono`).
 *
 * @example
 * ```ts
 * const server = await startSeedServer(5000)
 * console.log(server.url)
 * ```
 */
export async function startSeedServer(port: number, host = '127.0.0.1'): Promise<SeedServer> {
  const seed = createSeed();
  const app = createSeedApp(seed);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  return listenSeed(server, seed, port, host);
}
