/**
 * The seed example on Express. The JSON API of the seed page (tokens in the Authorization header)
 * and the web page `npm start` serves (tokens in HttpOnly cookies, CSRF double submit).
 *
 * ```sh
 * npm start   # then open http://127.0.0.1:5000
 * curl -s -X POST localhost:5000/login -H 'content-type: application/json' -d '{"username":"test","password":"..."}'
 * ```
 */
import { createServer } from 'node:http';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import {
  getJwtClaims,
  getJwtIdentity,
  getJwtRequestLocation,
  jwtErrorHandler,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from 'jwt-extended/express';
import {
  type Answer,
  BODY_LIMIT_BYTES,
  NOT_FOUND,
  answerForError,
  clientAddress,
  refuseDeclaredTooLarge,
  refuseProtoKeys,
} from './http-rules.js';
import { loadPage } from './page.js';
import { type Seed, type SeedServer, createSeed, listenSeed } from './shared.js';

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
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set(seed.headers);
    next();
  });
  const send = (res: Response, answer: Answer) => void res.status(answer.status).set(answer.headers).json(answer.body);
  // A declared oversized body, of any type: 413 before anything reads it.
  app.use((req, res, next) => {
    const refused = refuseDeclaredTooLarge(req.headers['content-length']);
    if (refused === null) return next();
    send(res, refused);
  });
  // JSON bodies only, at most BODY_LIMIT_BYTES (413 beyond), no `__proto__` keys; `null` and other
  // JSON values parse, and the routes check the shape themselves. Other content types are never read.
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: false, reviver: refuseProtoKeys }));

  const addressOf = (req: Request) =>
    clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], seed.trustProxy);
  const whoAmI: RequestHandler = (req, res) => {
    res.json({ current_identity: getJwtIdentity(req), current_roles: getJwtClaims(req) });
  };
  const cookies = jwtRequired(jwt, { locations: 'cookies' });

  // The page.
  for (const [path, asset] of loadPage())
    app.get(path, (_req, res) => void res.type(asset.contentType).send(asset.body));
  app.get('/about', (_req, res) => void res.json(seed.about('express')));

  // The seed page's JSON API: tokens in the Authorization header.
  app.post('/login', async (req, res) => {
    const result = await seed.login(req.body, addressOf(req));
    if ('refused' in result) return send(res, result.refused);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    res.json({
      access_token: await jwt.createAccessToken(result.user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(result.user),
    });
  });
  app.get('/protected', jwtRequired(jwt), whoAmI);
  app.get('/fresh-only', jwtRequired(jwt, { fresh: true }), (req, res) => {
    res.json({ current_identity: getJwtIdentity(req), fresh: true });
  });
  // Either token may be revoked: send the access token, then the refresh token.
  app.post('/logout', jwtRequired(jwt, { verifyType: false }), async (req, res) => {
    res.json(await seed.logout(jwt.getJwt(req)));
  });

  // Refresh from the Authorization header (JSON answer) or from the refresh cookie (new cookies).
  app.post('/refresh', jwtRequired(jwt, { refresh: true, locations: ['headers', 'cookies'] }), async (req, res) => {
    // The user lookup loader already read the user (and its current roles) for this request.
    const accessToken = await jwt.createAccessToken(seed.currentUser(req));
    if (getJwtRequestLocation(req) !== 'cookies') return void res.json({ access_token: accessToken });
    setAccessCookies(jwt, res, accessToken);
    res.json({ refresh: true });
  });

  // The page's API: tokens in HttpOnly cookies; the page copies the csrf_access_token cookie
  // (csrf_refresh_token for /refresh) into the X-CSRF-TOKEN header of every POST.
  app.post('/login/cookies', async (req, res) => {
    const result = await seed.login(req.body, addressOf(req));
    if ('refused' in result) return send(res, result.refused);
    setAccessCookies(jwt, res, await jwt.createAccessToken(result.user, { fresh: true }));
    setRefreshCookies(jwt, res, await jwt.createRefreshToken(result.user));
    res.json({ login: true });
  });
  app.get('/me', cookies, (req, res) => void res.json(seed.sessionOf(jwt.getJwt(req), jwt.getCurrentUser(req))));
  app.post('/protected/cookies', cookies, whoAmI);
  // The password again, for a fresh access token (the refresh cookie stays as it is).
  app.post('/login/fresh', cookies, async (req, res) => {
    const result = await seed.confirmPassword(String(getJwtIdentity(req)), req.body, addressOf(req));
    if ('refused' in result) return send(res, result.refused);
    setAccessCookies(jwt, res, await jwt.createAccessToken(result.user, { fresh: true }));
    res.json({ fresh: true });
  });
  app.post('/account/api-key', jwtRequired(jwt, { locations: 'cookies', fresh: true }), (req, res) => {
    res.json({ api_key: seed.users.apiKeyOf(String(getJwtIdentity(req))) });
  });
  app.post('/logout/cookies', cookies, async (req, res) => {
    await seed.endSession(jwt.getJwt(req), req.headers.cookie);
    unsetJwtCookies(jwt, res);
    res.json({ logout: true });
  });
  app.post('/logout/everywhere', cookies, async (req, res) => {
    await jwt.revokeAllTokensFor(String(getJwtIdentity(req)));
    unsetJwtCookies(jwt, res);
    res.json({ logout: true, everywhere: true });
  });

  app.use((_req, res) => send(res, NOT_FOUND));
  app.use(jwtErrorHandler(jwt));
  // Everything else as JSON: Express's own handler would send an HTML page with the stack trace.
  app.use((error: unknown, _req: Request, res: Response, next: (error: unknown) => void) => {
    if (res.headersSent) return next(error);
    const answer = answerForError(error);
    if (answer.status >= 500) console.error(error);
    send(res, answer);
  });
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
export async function startSeedServer(port: number, host = '127.0.0.1', seed = createSeed()): Promise<SeedServer> {
  return listenSeed(createServer(createSeedApp(seed)), seed, port, host);
}
