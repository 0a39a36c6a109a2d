/**
 * The seed example on Express: log in with a user object, read the identity and the roles claim
 * back, refresh, log out (revocation), a route that needs a fresh token, and cookie login with
 * CSRF protection.
 *
 * ```sh
 * curl -s -X POST localhost:5000/login -H 'content-type: application/json' -d '{"username":"test","password":"test"}'
 * curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS_TOKEN"
 * ```
 */
import { createServer } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import {
  getJwt,
  getJwtClaims,
  getJwtIdentity,
  jwtErrorHandler,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from '../../src/adapters/express.js';
import {
  BAD_CREDENTIALS,
  type Seed,
  type SeedServer,
  authenticate,
  createSeed,
  findUser,
  listenSeed,
} from './shared.js';

/**
 * The seed app's routes on a new Express app.
 *
 * @example
 * ```ts
 * createSeedApp(createSeed({ env: { JWT_SECRET_KEY: 'a long random secret' } })).listen(5000)
 * ```
 */
export function createSeedApp(seed: Seed = createSeed()): Express {
  const { jwt } = seed;
  const app = express();
  app.use(express.json());

  const credentials = (body: unknown) => {
    const { username, password } = (body ?? {}) as { username?: unknown; password?: unknown };
    return authenticate(username, password);
  };
  const whoAmI: RequestHandler = (req, res) => {
    res.json({ current_identity: getJwtIdentity(req), current_roles: getJwtClaims(req) });
  };

  app.post('/login', async (req, res) => {
    const user = credentials(req.body);
    if (user === null) return void res.status(401).json(BAD_CREDENTIALS);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    res.json({
      access_token: await jwt.createAccessToken(user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(user),
    });
  });

  app.get('/protected', jwtRequired(jwt), whoAmI);

  app.post('/refresh', jwtRequired(jwt, { refresh: true }), async (req, res) => {
    const user = findUser(getJwtIdentity(req));
    if (user === null) return void res.status(401).json(BAD_CREDENTIALS);
    res.json({ access_token: await jwt.createAccessToken(user) });
  });

  // Either token may be revoked: send the access token, then the refresh token.
  app.post('/logout', jwtRequired(jwt, { verifyType: false }), async (req, res) => {
    res.json(await seed.logout(getJwt(req)));
  });

  app.get('/fresh-only', jwtRequired(jwt, { fresh: true }), (req, res) => {
    res.json({ current_identity: getJwtIdentity(req), fresh: true });
  });

  // Browser clients: the tokens live in HttpOnly cookies; scripts copy the csrf_access_token
  // cookie into the X-CSRF-TOKEN header of every POST, PUT, PATCH and DELETE.
  app.post('/login/cookies', async (req, res) => {
    const user = credentials(req.body);
    if (user === null) return void res.status(401).json(BAD_CREDENTIALS);
    setAccessCookies(jwt, res, await jwt.createAccessToken(user, { fresh: true }));
    setRefreshCookies(jwt, res, await jwt.createRefreshToken(user));
    res.json({ login: true });
  });

  app.post('/protected/cookies', jwtRequired(jwt, { locations: 'cookies' }), whoAmI);

  app.post('/logout/cookies', jwtRequired(jwt, { locations: 'cookies' }), async (req, res) => {
    await seed.logout(getJwt(req));
    unsetJwtCookies(jwt, res);
    res.json({ logout: true });
  });

  app.use(jwtErrorHandler(jwt));
  return app;
}

/**
 * Starts the seed app (what `npm start` runs with `FRAMEWORK=express`).
 *
 * @example
 * ```ts
 * const server = await startSeedServer(5000)
 * console.log(server.url)
 * ```
 */
export async function startSeedServer(port: number, host = '127.0.0.1'): Promise<SeedServer> {
  const seed = createSeed();
  const server = createServer(createSeedApp(seed));
  return listenSeed(server, seed, port, host);
}
