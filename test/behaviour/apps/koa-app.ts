/**
 * The contract's test app on Koa, built from a given Koa class so that one builder serves Koa 3
 * (`koa`) and Koa 2 (`koa2`). No router: a small dispatcher maps each path to its middleware.
 */
import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import {
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
} from '../../../src/adapters/koa.js';
import type { JwtManager } from '../../../src/index.js';
import {
  type AppFactory,
  COOKIE_ROUTES,
  PROTECTED_ROUTES,
  type SetBody,
  type UnsetBody,
  describeRequest,
  listenOnLoopback,
} from '../app-contract.js';

/** The Koa class (Koa 2 and 3 share the API the app uses). */
export type KoaClass = typeof Koa;

/**
 * Builds the Koa app of the contract.
 *
 * @example
 * ```ts
 * const server = createServer(buildKoaApp(Koa, jwt).callback())
 * ```
 */
export function buildKoaApp(KoaCtor: KoaClass, jwt: JwtManager): Koa {
  const app = new KoaCtor();
  // Errors that are not a client's (a throwing callback) are thrown by the adapter to here.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      ctx.status = 500;
      ctx.body = { error: error instanceof Error ? error.message : String(error) };
    }
  });
  const routes = new Map<string, Middleware>();
  for (const { path, options } of PROTECTED_ROUTES) {
    const guard = jwtRequired(jwt, options);
    routes.set(path, (ctx) =>
      guard(ctx, async () => {
        ctx.body = describeRequest(ctx);
      }),
    );
  }
  // The framework's usual JSON parser, on the cookie routes only (the contract).
  const json = bodyParser({ enableTypes: ['json'] });
  routes.set(COOKIE_ROUTES.set, (ctx) =>
    json(ctx, async () => {
      const body = ctx.request.body as SetBody;
      const options = { maxAge: body.maxAge, domain: body.domain };
      if (body.access !== undefined) setAccessCookies(jwt, ctx, body.access, options);
      if (body.refresh !== undefined) setRefreshCookies(jwt, ctx, body.refresh, options);
      ctx.body = {};
    }),
  );
  routes.set(COOKIE_ROUTES.unset, (ctx) =>
    json(ctx, async () => {
      const { which = 'all', domain } = ctx.request.body as UnsetBody;
      const unset = { all: unsetJwtCookies, access: unsetAccessCookies, refresh: unsetRefreshCookies }[which];
      unset(jwt, ctx, { domain });
      ctx.body = {};
    }),
  );
  app.use(async (ctx, next) => {
    const route = routes.get(ctx.path);
    const isCookieRoute = ctx.path === COOKIE_ROUTES.set || ctx.path === COOKIE_ROUTES.unset;
    if (route === undefined || (isCookieRoute && ctx.method !== 'POST')) return next();
    return route(ctx, next);
  });
  return app;
}

/**
 * An {@link AppFactory} for one Koa class.
 *
 * @example
 * ```ts
 * export const createKoaApp = koaAppFactory(Koa)
 * ```
 */
export function koaAppFactory(KoaCtor: KoaClass): AppFactory {
  return async (jwt) => listenOnLoopback(createServer(buildKoaApp(KoaCtor, jwt).callback()));
}
