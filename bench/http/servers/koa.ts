/** Koa 3: bare, floor, koa-jwt, jwt-extended. See common.ts for the protocol. */
import Koa from 'koa';
import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import {
  floorSub,
  host,
  identityOf,
  loadJwtExtended,
  ready,
  refreshAnswer,
  routeOptions,
  secret,
  subOf,
  unavailable,
  variant,
} from './common.js';

const app = new Koa();

// No router package: one path, matched by hand, the same way in every variant.
const route =
  (body: (ctx: Koa.Context) => Record<string, unknown>): Middleware =>
  async (ctx) => {
    // POST for the cookie + CSRF row (CSRF is checked on POST, not GET).
    if ((ctx.method === 'GET' || ctx.method === 'POST') && ctx.path === '/p') ctx.body = body(ctx);
  };

if (variant === 'bare') {
  app.use(route(() => ({ ok: true })));
} else if (variant === 'floor') {
  // Koa's own idiom: middleware before the route, 401 set on ctx, `sub` handed on in ctx.state.
  app.use((ctx, next) => {
    const sub = floorSub(ctx.headers.authorization);
    if (sub === undefined) {
      ctx.status = 401;
      ctx.body = { ok: false };
      return Promise.resolve();
    }
    ctx.state.sub = sub;
    return next();
  });
  app.use(route((ctx) => ({ ok: true, sub: ctx.state.sub as unknown })));
} else if (variant === 'usual') {
  app.use(koaJwt({ secret }));
  app.use(route((ctx) => ({ ok: true, sub: subOf(ctx.state.user) })));
} else {
  const { jwt, adapter } = await loadJwtExtended<{ jwtRequired?: (m: unknown, o: unknown) => Middleware }>('koa');
  if (typeof adapter.jwtRequired !== 'function') unavailable('not built yet (no jwtRequired export)');
  app.use(adapter.jwtRequired(jwt, routeOptions));
  if (variant === 'jwt-extended-refresh') {
    app.use(async (ctx) => {
      if (ctx.method === 'POST' && ctx.path === '/p') ctx.body = await refreshAnswer(jwt, ctx.state.jwt);
    });
  } else {
    app.use(route((ctx) => ({ ok: true, sub: identityOf(ctx.state.jwt) })));
  }
}

const server = app.listen(0, host, () => ready(server.address()));
