/**
 * The seed example on Koa: the same routes and answers as the Express one. The JSON API of the
 * seed page (tokens in the Authorization header) and the web page `npm start` serves (tokens in
 * HttpOnly cookies, CSRF double submit).
 *
 * ```sh
 * FRAMEWORK=koa npm start   # then open http://127.0.0.1:5000
 * ```
 */
import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Koa, { type Context, type Middleware } from 'koa';
import {
  getJwtClaims,
  getJwtIdentity,
  getJwtRequestLocation,
  jwtErrorHandler,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from 'jwt-extended/koa';
import {
  type Answer,
  BODY_LIMIT_BYTES,
  NOT_FOUND,
  answerForError,
  clientAddress,
  refuseDeclaredTooLarge,
} from './http-rules.js';
import { loadPage } from './page.js';
import { type Seed, type SeedServer, createSeed, listenSeed } from './shared.js';

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
  // Outermost: the security headers, and every error or unmatched route as JSON (Koa's own
  // answers are plain text, and it logs client errors to stderr).
  app.use(async (ctx, next) => {
    ctx.set(seed.headers);
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) send(ctx, NOT_FOUND);
    } catch (error) {
      const answer = answerForError(error);
      if (answer.status >= 500) console.error(error);
      send(ctx, answer);
    }
  });
  // Answers jwt-extended errors thrown further down (e.g. by jwt.decodeToken) as flask would.
  app.use(jwtErrorHandler(jwt));
  // A declared oversized body, of any type: 413 before anything reads it.
  app.use(async (ctx, next) => {
    const refused = refuseDeclaredTooLarge(ctx.get('content-length') || undefined);
    if (refused === null) return next();
    send(ctx, refused);
  });
  // JSON bodies only, at most BODY_LIMIT_BYTES (413 beyond), no `__proto__` keys (its parser,
  // bourne, refuses them); `null` and other JSON values parse, and the routes check the shape
  // themselves. Other content types are never read.
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT_BYTES, jsonStrict: false }));

  const addressOf = (ctx: Context) =>
    clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for') || undefined, seed.trustProxy);
  const whoAmI: Middleware = (ctx) => {
    ctx.body = { current_identity: getJwtIdentity(ctx), current_roles: getJwtClaims(ctx) };
  };
  const cookies = jwtRequired(jwt, { locations: 'cookies' });
  const { route, routes } = router();

  // The page.
  for (const [path, asset] of loadPage()) {
    route('GET', path, (ctx) => {
      ctx.type = asset.contentType;
      ctx.body = asset.body;
    });
  }
  route('GET', '/about', (ctx) => {
    ctx.body = seed.about('koa');
  });

  // The seed page's JSON API: tokens in the Authorization header.
  route('POST', '/login', async (ctx) => {
    const result = await seed.login(ctx.request.body, addressOf(ctx));
    if ('refused' in result) return send(ctx, result.refused);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    ctx.body = {
      access_token: await jwt.createAccessToken(result.user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(result.user),
    };
  });
  route('GET', '/protected', jwtRequired(jwt), whoAmI);
  route('GET', '/fresh-only', jwtRequired(jwt, { fresh: true }), (ctx) => {
    ctx.body = { current_identity: getJwtIdentity(ctx), fresh: true };
  });
  // Either token may be revoked: send the access token, then the refresh token.
  route('POST', '/logout', jwtRequired(jwt, { verifyType: false }), async (ctx) => {
    ctx.body = await seed.logout(jwt.getJwt(ctx));
  });

  // Refresh from the Authorization header (JSON answer) or from the refresh cookie (new cookies).
  route('POST', '/refresh', jwtRequired(jwt, { refresh: true, locations: ['headers', 'cookies'] }), async (ctx) => {
    // The user lookup loader already read the user (and its current roles) for this request.
    const accessToken = await jwt.createAccessToken(seed.currentUser(ctx));
    if (getJwtRequestLocation(ctx) !== 'cookies') {
      ctx.body = { access_token: accessToken };
      return;
    }
    setAccessCookies(jwt, ctx, accessToken);
    ctx.body = { refresh: true };
  });

  // The page's API: tokens in HttpOnly cookies; the page copies the csrf_access_token cookie
  // (csrf_refresh_token for /refresh) into the X-CSRF-TOKEN header of every POST.
  route('POST', '/login/cookies', async (ctx) => {
    const result = await seed.login(ctx.request.body, addressOf(ctx));
    if ('refused' in result) return send(ctx, result.refused);
    setAccessCookies(jwt, ctx, await jwt.createAccessToken(result.user, { fresh: true }));
    setRefreshCookies(jwt, ctx, await jwt.createRefreshToken(result.user));
    ctx.body = { login: true };
  });
  route('GET', '/me', cookies, (ctx) => {
    ctx.body = seed.sessionOf(jwt.getJwt(ctx), jwt.getCurrentUser(ctx));
  });
  route('POST', '/protected/cookies', cookies, whoAmI);
  // The password again, for a fresh access token (the refresh cookie stays as it is).
  route('POST', '/login/fresh', cookies, async (ctx) => {
    const result = await seed.confirmPassword(String(getJwtIdentity(ctx)), ctx.request.body, addressOf(ctx));
    if ('refused' in result) return send(ctx, result.refused);
    setAccessCookies(jwt, ctx, await jwt.createAccessToken(result.user, { fresh: true }));
    ctx.body = { fresh: true };
  });
  route('POST', '/account/api-key', jwtRequired(jwt, { locations: 'cookies', fresh: true }), (ctx) => {
    ctx.body = { api_key: seed.users.apiKeyOf(String(getJwtIdentity(ctx))) };
  });
  route('POST', '/logout/cookies', cookies, async (ctx) => {
    await seed.endSession(jwt.getJwt(ctx), ctx.get('cookie') || undefined);
    unsetJwtCookies(jwt, ctx);
    ctx.body = { logout: true };
  });
  route('POST', '/logout/everywhere', cookies, async (ctx) => {
    await jwt.revokeAllTokensFor(String(getJwtIdentity(ctx)));
    unsetJwtCookies(jwt, ctx);
    ctx.body = { logout: true, everywhere: true };
  });

  app.use(routes);
  return app;
}

function send(ctx: Context, answer: Answer): void {
  ctx.status = answer.status;
  if (answer.headers !== undefined) ctx.set(answer.headers);
  ctx.body = answer.body;
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
export async function startSeedServer(port: number, host = '127.0.0.1', seed = createSeed()): Promise<SeedServer> {
  return listenSeed(createServer(createSeedApp(seed).callback()), seed, port, host);
}
