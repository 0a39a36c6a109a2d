/** Hono 4 on @hono/node-server: bare, floor, hono/jwt, jwt-extended. See common.ts for the protocol. */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { jwt as honoJwt } from 'hono/jwt';
import { serve } from '@hono/node-server';
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

const app = new Hono();

if (variant === 'bare') {
  app.get('/p', (c) => c.json({ ok: true }));
} else if (variant === 'floor') {
  // Hono's own idiom: the middleware answers 401 itself or hands `sub` on through c.set.
  const floor: MiddlewareHandler<{ Variables: { sub: unknown } }> = (c, next) => {
    const sub = floorSub(c.req.header('authorization'));
    if (sub === undefined) return Promise.resolve(c.json({ ok: false }, 401));
    c.set('sub', sub);
    return next();
  };
  app.get('/p', floor, (c) => c.json({ ok: true, sub: c.get('sub') }));
} else if (variant === 'usual') {
  app.get('/p', honoJwt({ secret, alg: 'HS256' }), (c) => c.json({ ok: true, sub: subOf(c.get('jwtPayload')) }));
} else {
  const { jwt, adapter } = await loadJwtExtended<{ jwtRequired?: (m: unknown, o: unknown) => MiddlewareHandler }>(
    'hono',
  );
  if (typeof adapter.jwtRequired !== 'function') unavailable('not built yet (no jwtRequired export)');
  // POST for the cookie + CSRF and refresh rows (CSRF is checked on POST, not GET).
  const state = (c: Context) => (c.get as (k: string) => unknown)('jwt');
  app.on(
    ['GET', 'POST'],
    '/p',
    adapter.jwtRequired(jwt, routeOptions),
    variant === 'jwt-extended-refresh'
      ? async (c) => c.json(await refreshAnswer(jwt, state(c)))
      : (c) => c.json({ ok: true, sub: identityOf(state(c)) }),
  );
}

const server = serve({ fetch: app.fetch, port: 0, hostname: host }, () => ready(server.address()));
