/** Koa 3: bare, koa-jwt, jwt-extended. See common.ts for the protocol. */
import Koa from 'koa';
import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { host, identityOf, loadJwtExtended, ready, secret, subOf, unavailable, variant } from './common.js';

const app = new Koa();

// No router package: one path, matched by hand, the same way in every variant.
const route =
  (body: (ctx: Koa.Context) => Record<string, unknown>): Middleware =>
  async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/p') ctx.body = body(ctx);
  };

if (variant === 'bare') {
  app.use(route(() => ({ ok: true })));
} else if (variant === 'usual') {
  app.use(koaJwt({ secret }));
  app.use(route((ctx) => ({ ok: true, sub: subOf(ctx.state.user) })));
} else {
  const { jwt, adapter } = await loadJwtExtended<{ jwtRequired?: (m: unknown) => Middleware }>('koa');
  if (typeof adapter.jwtRequired !== 'function') unavailable('not built yet (no jwtRequired export)');
  app.use(adapter.jwtRequired(jwt));
  app.use(route((ctx) => ({ ok: true, sub: identityOf(ctx.state.jwt) })));
}

const server = app.listen(0, host, () => ready(server.address()));
