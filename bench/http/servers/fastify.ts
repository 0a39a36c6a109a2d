/** Fastify 5: bare, floor, @fastify/jwt, jwt-extended. See common.ts for the protocol. */
import Fastify from 'fastify';
import type { FastifyPluginCallback, onRequestHookHandler } from 'fastify';
import fastifyJwt from '@fastify/jwt';
import {
  floorSub,
  host,
  identityOf,
  loadJwtExtended,
  refreshAnswer,
  ready,
  routeOptions,
  secret,
  subOf,
  unavailable,
  variant,
} from './common.js';

const app = Fastify({ logger: false });

if (variant === 'bare') {
  app.get('/p', async () => ({ ok: true }));
} else if (variant === 'floor') {
  // Declared up front so every request object has the same shape (Fastify's advice for decorations).
  app.decorateRequest('sub', null);
  // A callback-style hook: no promise per request, the least Fastify asks of an onRequest hook.
  const floor: onRequestHookHandler = (request, reply, done) => {
    const sub = floorSub(request.headers.authorization);
    if (sub === undefined) {
      void reply.code(401).send({ ok: false });
      return;
    }
    (request as unknown as { sub: unknown }).sub = sub;
    done();
  };
  app.get('/p', { onRequest: floor }, async (request) => ({
    ok: true,
    sub: (request as unknown as { sub: unknown }).sub,
  }));
} else if (variant === 'usual') {
  await app.register(fastifyJwt, { secret });
  app.get(
    '/p',
    {
      onRequest: async (request) => {
        await request.jwtVerify();
      },
    },
    async (request) => ({ ok: true, sub: subOf(request.user) }),
  );
} else {
  const { jwt, adapter } = await loadJwtExtended<{
    jwtExtended?: FastifyPluginCallback<{ manager: unknown }>;
    jwtRequired?: (m: unknown, o: unknown) => onRequestHookHandler;
  }>('fastify');
  if (adapter.jwtExtended === undefined || typeof adapter.jwtRequired !== 'function') {
    unavailable('not built yet (no jwtExtended/jwtRequired export)');
  }
  await app.register(adapter.jwtExtended, { manager: jwt });
  // POST for the cookie + CSRF and refresh rows (CSRF is checked on POST, not GET).
  app.route({
    method: ['GET', 'POST'],
    url: '/p',
    onRequest: adapter.jwtRequired(jwt, routeOptions),
    handler:
      variant === 'jwt-extended-refresh'
        ? async (request) => refreshAnswer(jwt, (request as unknown as { jwt?: unknown }).jwt)
        : async (request) => ({ ok: true, sub: identityOf((request as unknown as { jwt?: unknown }).jwt) }),
  });
}

await app.listen({ port: 0, host });
ready(app.server.address());
