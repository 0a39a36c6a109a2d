/**
 * The seed example on Hono: the same routes and answers as the Express one. The JSON API of the
 * seed page (tokens in the Authorization header) and the web page `npm start` serves (tokens in
 * HttpOnly cookies, CSRF double submit).
 *
 * ```sh
 * FRAMEWORK=hono npm start   # then open http://127.0.0.1:5000
 * ```
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isJsonContentType } from 'jwt-extended';
import {
  type JwtVariables,
  getJwtClaims,
  getJwtIdentity,
  getJwtRequestLocation,
  jwtErrorHandler,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from 'jwt-extended/hono';
import {
  type Answer,
  BODY_LIMIT_BYTES,
  BODY_TOO_LARGE,
  NOT_FOUND,
  answerForError,
  clientAddress,
  parseJsonText,
  refuseDeclaredTooLarge,
} from './http-rules.js';
import { loadPage } from './page.js';
import { type Seed, type SeedServer, createSeed, listenSeed } from './shared.js';

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
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(seed.headers)) c.res.headers.set(name, value);
  });
  // A declared oversized body, of any type: 413 before anything reads it.
  app.use(async (c, next) => {
    const refused = refuseDeclaredTooLarge(c.req.header('content-length'));
    return refused === null ? next() : send(c, refused);
  });
  // Hono reads no body by itself: without this, a handler's c.req.text() reads any size (413 once a
  // streamed body passes the limit). Only JSON bodies are ever read.
  const limit = bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: (c) => send(c, BODY_TOO_LARGE) });
  app.use((c, next) => (isJsonContentType(c.req.header('content-type')) ? limit(c, next) : next()));

  const send = (c: Context, answer: Answer) =>
    c.json(answer.body, answer.status as ContentfulStatusCode, answer.headers);
  /** The JSON body as express.json() gives it: `undefined` unless the request says it sends JSON. */
  const jsonBody = async (c: Context): Promise<unknown> =>
    isJsonContentType(c.req.header('content-type')) ? parseJsonText(await c.req.text()) : undefined;
  const addressOf = (c: Context) => clientAddress(socketAddress(c), c.req.header('x-forwarded-for'), seed.trustProxy);
  const whoAmI = (c: Context<SeedEnv>) =>
    c.json({ current_identity: getJwtIdentity(c), current_roles: getJwtClaims(c) });
  const cookies = jwtRequired(jwt, { locations: 'cookies' });

  // The page.
  for (const [path, asset] of loadPage()) {
    app.get(path, (c) => c.body(new Uint8Array(asset.body), 200, { 'content-type': asset.contentType }));
  }
  app.get('/about', (c) => c.json(seed.about('hono')));

  // The seed page's JSON API: tokens in the Authorization header.
  app.post('/login', async (c) => {
    const result = await seed.login(await jsonBody(c), addressOf(c));
    if ('refused' in result) return send(c, result.refused);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    return c.json({
      access_token: await jwt.createAccessToken(result.user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(result.user),
    });
  });
  app.get('/protected', jwtRequired(jwt), whoAmI);
  app.get('/fresh-only', jwtRequired(jwt, { fresh: true }), (c) =>
    c.json({ current_identity: getJwtIdentity(c), fresh: true }),
  );
  // Either token may be revoked: send the access token, then the refresh token.
  app.post('/logout', jwtRequired(jwt, { verifyType: false }), async (c) => c.json(await seed.logout(jwt.getJwt(c))));

  // Refresh from the Authorization header (JSON answer) or from the refresh cookie (new cookies).
  app.post('/refresh', jwtRequired(jwt, { refresh: true, locations: ['headers', 'cookies'] }), async (c) => {
    // The user lookup loader already read the user (and its current roles) for this request.
    const accessToken = await jwt.createAccessToken(seed.currentUser(c));
    if (getJwtRequestLocation(c) !== 'cookies') return c.json({ access_token: accessToken });
    setAccessCookies(jwt, c, accessToken);
    return c.json({ refresh: true });
  });

  // The page's API: tokens in HttpOnly cookies; the page copies the csrf_access_token cookie
  // (csrf_refresh_token for /refresh) into the X-CSRF-TOKEN header of every POST.
  app.post('/login/cookies', async (c) => {
    const result = await seed.login(await jsonBody(c), addressOf(c));
    if ('refused' in result) return send(c, result.refused);
    setAccessCookies(jwt, c, await jwt.createAccessToken(result.user, { fresh: true }));
    setRefreshCookies(jwt, c, await jwt.createRefreshToken(result.user));
    return c.json({ login: true });
  });
  app.get('/me', cookies, (c) => c.json(seed.sessionOf(jwt.getJwt(c), jwt.getCurrentUser(c))));
  app.post('/protected/cookies', cookies, whoAmI);
  // The password again, for a fresh access token (the refresh cookie stays as it is).
  app.post('/login/fresh', cookies, async (c) => {
    const result = await seed.confirmPassword(String(getJwtIdentity(c)), await jsonBody(c), addressOf(c));
    if ('refused' in result) return send(c, result.refused);
    setAccessCookies(jwt, c, await jwt.createAccessToken(result.user, { fresh: true }));
    return c.json({ fresh: true });
  });
  app.post('/account/api-key', jwtRequired(jwt, { locations: 'cookies', fresh: true }), (c) =>
    c.json({ api_key: seed.users.apiKeyOf(String(getJwtIdentity(c))) }),
  );
  app.post('/logout/cookies', cookies, async (c) => {
    await seed.endSession(jwt.getJwt(c), c.req.header('cookie'));
    unsetJwtCookies(jwt, c);
    return c.json({ logout: true });
  });
  app.post('/logout/everywhere', cookies, async (c) => {
    await jwt.revokeAllTokensFor(String(getJwtIdentity(c)));
    unsetJwtCookies(jwt, c);
    return c.json({ logout: true, everywhere: true });
  });

  app.notFound((c) => send(c, NOT_FOUND));
  // jwt-extended's errors as flask answers them; everything else as JSON, never a stack trace.
  app.onError(
    jwtErrorHandler(jwt, (error, c) => {
      const answer = answerForError(error);
      if (answer.status >= 500) console.error(error);
      return send(c, answer);
    }),
  );
  return app;
}

/** The peer address on @hono/node-server; none in-process (`app.request()`), where no socket exists. */
function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
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
export async function startSeedServer(port: number, host = '127.0.0.1', seed = createSeed()): Promise<SeedServer> {
  const server = createAdaptorServer({ fetch: createSeedApp(seed).fetch }) as Server;
  return listenSeed(server, seed, port, host);
}
