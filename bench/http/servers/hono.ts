/** Hono 4 on @hono/node-server: bare, hono/jwt, jwt-extended. See common.ts for the protocol. */
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { jwt as honoJwt } from 'hono/jwt';
import { serve } from '@hono/node-server';
import { host, identityOf, loadJwtExtended, ready, secret, subOf, unavailable, variant } from './common.js';

const app = new Hono();

if (variant === 'bare') {
  app.get('/p', (c) => c.json({ ok: true }));
} else if (variant === 'usual') {
  app.get('/p', honoJwt({ secret, alg: 'HS256' }), (c) => c.json({ ok: true, sub: subOf(c.get('jwtPayload')) }));
} else {
  const { jwt, adapter } = await loadJwtExtended<{ jwtRequired?: (m: unknown) => MiddlewareHandler }>('hono');
  if (typeof adapter.jwtRequired !== 'function') unavailable('not built yet (no jwtRequired export)');
  app.get('/p', adapter.jwtRequired(jwt), (c) =>
    c.json({ ok: true, sub: identityOf((c.get as (k: string) => unknown)('jwt')) }),
  );
}

const server = serve({ fetch: app.fetch, port: 0, hostname: host }, () => ready(server.address()));
