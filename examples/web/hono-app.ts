/**
 * The same routes as `app.ts` on Hono and `jwt-extended/hono`, for runtimes where an app is a Hono
 * app (`EXAMPLE_APP=hono` in the Bun, Deno and Worker examples). Hono's `app.fetch` is itself a
 * web-standard handler, so the runtimes serve it the same way.
 */
import { Hono } from 'hono';
import type { AnyJwtManager } from 'jwt-extended';
import {
  type JwtVariables,
  getJwtIdentity,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from 'jwt-extended/hono';
import { readLogin } from './app.js';

/**
 * The Hono app's fetch handler, with the given manager.
 *
 * @example
 * ```ts
 * Deno.serve(createHonoWebApp(managerFromEnv(env), 'deno'))
 * ```
 */
export function createHonoWebApp(jwt: AnyJwtManager, runtime: string): (request: Request) => Promise<Response> {
  const app = new Hono<{ Variables: JwtVariables }>();
  const badLogin = { msg: 'Bad username or password' };
  app.get('/about', (c) =>
    c.json({ runtime, engine: jwt.config.engine.name, algorithm: jwt.config.algorithm, app: 'hono' }),
  );
  app.post('/login', async (c) => {
    const identity = await readLogin(c.req.raw);
    if (identity === undefined) return c.json(badLogin, 401);
    return c.json({
      access_token: await jwt.createAccessToken(identity, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(identity),
    });
  });
  app.get('/protected', jwtRequired(jwt), (c) => c.json({ logged_in_as: getJwtIdentity(c) }));
  app.post('/refresh', jwtRequired(jwt, { refresh: true }), async (c) =>
    c.json({ access_token: await jwt.createAccessToken(getJwtIdentity(c)) }),
  );
  app.post('/login/cookies', async (c) => {
    const identity = await readLogin(c.req.raw);
    if (identity === undefined) return c.json(badLogin, 401);
    setAccessCookies(jwt, c, await jwt.createAccessToken(identity));
    setRefreshCookies(jwt, c, await jwt.createRefreshToken(identity));
    return c.json({ login: true });
  });
  app.post('/transfer', jwtRequired(jwt, { locations: 'cookies' }), (c) =>
    c.json({ transferred_by: getJwtIdentity(c) }),
  );
  app.post('/logout', (c) => {
    unsetJwtCookies(jwt, c);
    return c.json({ logout: true });
  });
  return async (request) => app.fetch(request);
}
