/**
 * The seed example on Koa: the same routes and answers as the Express one. Log in with a user
 * object, read the identity and the roles claim back, refresh, log out (revocation), a route that
 * needs a fresh token, and cookie login with CSRF protection.
 *
 * ```sh
 * FRAMEWORK=koa npm start
 * curl -s -X POST localhost:5000/login -H 'content-type: application/json' -d '{"username":"test","password":"test"}'
 * curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS_TOKEN"
 * ```
 */
import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Koa, { type Context, type Middleware } from 'koa';
import {
  getJwt,
  getJwtClaims,
  getJwtIdentity,
  jwtErrorHandler,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from '../../src/adapters/koa.js';
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
 * The seed app's routes on a new Koa app.
 *
 * @example
 * ```ts
 * createSeedApp(createSeed({ env: { JWT_SECRET_KEY: 'a long random secret' } })).listen(5000)
 * ```
 */
export function createSeedApp(seed: Seed = createSeed()): Koa {
  const { jwt } = seed;
  const app = new Koa();
  // Answers jwt-extended errors thrown further down (e.g. by jwt.decodeToken) as flask would.
  app.use(jwtErrorHandler(jwt));
  // Like express.json(): JSON bodies only. The seed reads no token from a body, so a global parser
  // is fine here (with the `json` location, see jwt-extended/koa on invalid JSON).
  app.use(bodyParser({ enableTypes: ['json'] }));

  const credentials = (ctx: Context) => {
    const { username, password } = (ctx.request.body ?? {}) as { username?: unknown; password?: unknown };
    return authenticate(username, password);
  };
  const whoAmI: Middleware = (ctx) => {
    ctx.body = { current_identity: getJwtIdentity(ctx), current_roles: getJwtClaims(ctx) };
  };
  const { route, routes } = router();

  route('POST', '/login', async (ctx) => {
    const user = credentials(ctx);
    if (user === null) return badCredentials(ctx);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    ctx.body = {
      access_token: await jwt.createAccessToken(user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(user),
    };
  });

  route('GET', '/protected', jwtRequired(jwt), whoAmI);

  route('POST', '/refresh', jwtRequired(jwt, { refresh: true }), async (ctx) => {
    const user = findUser(getJwtIdentity(ctx));
    if (user === null) return badCredentials(ctx);
    ctx.body = { access_token: await jwt.createAccessToken(user) };
  });

  // Either token may be revoked: send the access token, then the refresh token.
  route('POST', '/logout', jwtRequired(jwt, { verifyType: false }), async (ctx) => {
    ctx.body = await seed.logout(getJwt(ctx));
  });

  route('GET', '/fresh-only', jwtRequired(jwt, { fresh: true }), (ctx) => {
    ctx.body = { current_identity: getJwtIdentity(ctx), fresh: true };
  });

  // Browser clients: the tokens live in HttpOnly cookies; scripts copy the csrf_access_token
  // cookie into the X-CSRF-TOKEN header of every POST, PUT, PATCH and DELETE.
  route('POST', '/login/cookies', async (ctx) => {
    const user = credentials(ctx);
    if (user === null) return badCredentials(ctx);
    setAccessCookies(jwt, ctx, await jwt.createAccessToken(user, { fresh: true }));
    setRefreshCookies(jwt, ctx, await jwt.createRefreshToken(user));
    ctx.body = { login: true };
  });

  route('POST', '/protected/cookies', jwtRequired(jwt, { locations: 'cookies' }), whoAmI);

  route('POST', '/logout/cookies', jwtRequired(jwt, { locations: 'cookies' }), async (ctx) => {
    await seed.logout(getJwt(ctx));
    unsetJwtCookies(jwt, ctx);
    ctx.body = { logout: true };
  });

  app.use(routes);
  return app;
}

function badCredentials(ctx: Context): void {
  ctx.status = 401;
  ctx.body = BAD_CREDENTIALS;
}

/**
 * A few lines of routing so the example needs nothing beyond Koa; a real app would use
 * `@koa/router` (`router.get('/protected', jwtRequired(jwt), handler)` works the same way).
 */
function router(): { route(method: string, path: string, ...chain: Middleware[]): void; routes: Middleware } {
  const table = new Map<string, readonly Middleware[]>();
  return {
    route: (method, path, ...chain) => void table.set(`${method} ${path}`, chain),
    routes: (ctx, next) => {
      // As in Express, a GET route also answers HEAD.
      const chain = table.get(`${ctx.method === 'HEAD' ? 'GET' : ctx.method} ${ctx.path}`);
      if (chain === undefined) return next();
      const run = async (index: number): Promise<void> => {
        const middleware = chain[index];
        if (middleware !== undefined) await middleware(ctx, () => run(index + 1));
      };
      return run(0);
    },
  };
}

/**
 * Starts the seed app (what `npm start` runs with `FRAMEWORK=koa`).
 *
 * @example
 * ```ts
 * const server = await startSeedServer(5000)
 * console.log(server.url)
 * ```
 */
export async function startSeedServer(port: number, host = '127.0.0.1'): Promise<SeedServer> {
  const seed = createSeed();
  const server = createServer(createSeedApp(seed).callback());
  return listenSeed(server, seed, port, host);
}
