/**
 * The seed example on Fastify: the same routes and answers as the Express one. The JSON API of the
 * seed page (tokens in the Authorization header) and the web page `npm start` serves (tokens in
 * HttpOnly cookies, CSRF double submit).
 *
 * ```sh
 * FRAMEWORK=fastify npm start   # then open http://127.0.0.1:5000
 * ```
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isClientError } from 'jwt-extended';
import {
  getJwtClaims,
  getJwtIdentity,
  getJwtRequestLocation,
  jwtErrorHandler,
  jwtExtended,
  jwtRequired,
} from 'jwt-extended/fastify';
import {
  type Answer,
  BODY_LIMIT_BYTES,
  NOT_FOUND,
  answerForError,
  clientAddress,
  parseJsonText,
  refuseDeclaredTooLarge,
} from './http-rules.js';
import { loadPage } from './page.js';
import { type Seed, type SeedServer, createSeed } from './shared.js';

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
  // bodyLimit: a larger body is refused with 413 before it is parsed.
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES });
  const send = (reply: FastifyReply, answer: Answer) =>
    reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .send(answer.body);
  // request.jwt, and reply.setAccessCookies() & co. bound to this manager, on every route.
  await app.register(jwtExtended, { manager: jwt });
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(seed.headers);
    // Fastify parses bodies after the onRequest hooks (jwtRequired is one): a declared oversized
    // body, of any type, is refused in the first one, before anything reads it.
    const refused = refuseDeclaredTooLarge(request.headers['content-length']);
    if (refused !== null) return send(reply, refused);
  });
  // JSON as the other frameworks read it: an empty body is no body, a `__proto__` key is refused.
  // Other content types are never read (Fastify's own text/plain parser would read them).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, parseJsonText(text as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  const answerJwtError = jwtErrorHandler(jwt);
  app.setErrorHandler(async (error, request, reply) => {
    if (isClientError(error)) return answerJwtError(error, request, reply);
    const answer = answerForError(error);
    if (answer.status >= 500) console.error(error);
    return send(reply, answer);
  });
  app.setNotFoundHandler((_request, reply) => send(reply, NOT_FOUND));

  const addressOf = (request: FastifyRequest) =>
    clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], seed.trustProxy);
  const whoAmI = async (request: FastifyRequest) => ({
    current_identity: getJwtIdentity(request),
    current_roles: getJwtClaims(request),
  });
  const cookies = { onRequest: jwtRequired(jwt, { locations: 'cookies' }) };

  // The page.
  for (const [path, asset] of loadPage()) {
    app.get(path, (_request, reply) => reply.type(asset.contentType).send(asset.body));
  }
  app.get('/about', async () => seed.about('fastify'));

  // The seed page's JSON API: tokens in the Authorization header.
  app.post('/login', async (request, reply) => {
    const result = await seed.login(request.body, addressOf(request));
    if ('refused' in result) return send(reply, result.refused);
    // Credentials were just checked: the access token is fresh; the refresh route's are not.
    return {
      access_token: await jwt.createAccessToken(result.user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(result.user),
    };
  });
  app.get('/protected', { onRequest: jwtRequired(jwt) }, whoAmI);
  app.get('/fresh-only', { onRequest: jwtRequired(jwt, { fresh: true }) }, async (request) => ({
    current_identity: getJwtIdentity(request),
    fresh: true,
  }));
  // Either token may be revoked: send the access token, then the refresh token.
  app.post('/logout', { onRequest: jwtRequired(jwt, { verifyType: false }) }, async (request) =>
    seed.logout(jwt.getJwt(request)),
  );

  // Refresh from the Authorization header (JSON answer) or from the refresh cookie (new cookies).
  app.post(
    '/refresh',
    { onRequest: jwtRequired(jwt, { refresh: true, locations: ['headers', 'cookies'] }) },
    async (request, reply) => {
      // The user lookup loader already read the user (and its current roles) for this request.
      const accessToken = await jwt.createAccessToken(seed.currentUser(request));
      if (getJwtRequestLocation(request) !== 'cookies') return { access_token: accessToken };
      reply.setAccessCookies(accessToken);
      return { refresh: true };
    },
  );

  // The page's API: tokens in HttpOnly cookies; the page copies the csrf_access_token cookie
  // (csrf_refresh_token for /refresh) into the X-CSRF-TOKEN header of every POST.
  app.post('/login/cookies', async (request, reply) => {
    const result = await seed.login(request.body, addressOf(request));
    if ('refused' in result) return send(reply, result.refused);
    reply.setAccessCookies(await jwt.createAccessToken(result.user, { fresh: true }));
    reply.setRefreshCookies(await jwt.createRefreshToken(result.user));
    return { login: true };
  });
  app.get('/me', cookies, async (request) => seed.sessionOf(jwt.getJwt(request), jwt.getCurrentUser(request)));
  app.post('/protected/cookies', cookies, whoAmI);
  // The password again, for a fresh access token (the refresh cookie stays as it is).
  app.post('/login/fresh', cookies, async (request, reply) => {
    const result = await seed.confirmPassword(String(getJwtIdentity(request)), request.body, addressOf(request));
    if ('refused' in result) return send(reply, result.refused);
    reply.setAccessCookies(await jwt.createAccessToken(result.user, { fresh: true }));
    return { fresh: true };
  });
  app.post(
    '/account/api-key',
    { onRequest: jwtRequired(jwt, { locations: 'cookies', fresh: true }) },
    async (request) => ({
      api_key: seed.users.apiKeyOf(String(getJwtIdentity(request))),
    }),
  );
  app.post('/logout/cookies', cookies, async (request, reply) => {
    await seed.endSession(jwt.getJwt(request), request.headers.cookie);
    reply.unsetJwtCookies();
    return { logout: true };
  });
  app.post('/logout/everywhere', cookies, async (request, reply) => {
    await jwt.revokeAllTokensFor(String(getJwtIdentity(request)));
    reply.unsetJwtCookies();
    return { logout: true, everywhere: true };
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
export async function startSeedServer(port: number, host = '127.0.0.1', seed = createSeed()): Promise<SeedServer> {
  const app = await createSeedApp(seed);
  app.addHook('onClose', () => seed.close());
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = address !== null && typeof address === 'object' ? address.port : port;
  return { url: `http://${host}:${actualPort}`, seed, close: () => app.close() };
}
