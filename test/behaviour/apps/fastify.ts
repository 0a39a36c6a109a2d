/**
 * The contract's test app on Fastify 5, listening on 127.0.0.1 (port 0). The protected routes
 * register `jwtRequired` as `onRequest`, or as `preParsing` where the route reads its token (or
 * CSRF value) from the body, as the adapter documents. Fastify's own JSON parser stays in place:
 * the cookie routes use it.
 */
import Fastify, { type FastifyInstance, type HTTPMethods } from 'fastify';
import {
  jwtExtended,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
} from '../../../src/adapters/fastify.js';
import type { JwtManager } from '../../../src/index.js';
import {
  type AppFactory,
  COOKIE_ROUTES,
  PROTECTED_ROUTES,
  type SetBody,
  type TestApp,
  type UnsetBody,
  describeRequest,
} from '../app-contract.js';

/** HEAD is not listed: Fastify derives it from GET, hooks included. */
const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Builds (not started) the Fastify app of the contract; the adapter's own tests also drive it
 * through `app.inject()`.
 *
 * @example
 * ```ts
 * const res = await (await buildFastifyApp(jwt)).inject({ url: '/protected' })
 * ```
 */
export async function buildFastifyApp(jwt: JwtManager): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(jwtExtended, { manager: jwt });
  for (const { path, options } of PROTECTED_ROUTES) {
    const route = jwt.compileRoute(options);
    const stage = route.readsBody ? 'preParsing' : 'onRequest';
    app.route({
      method: METHODS,
      url: path,
      [stage]: jwtRequired(jwt, options),
      handler: async (request) => describeRequest(request),
    });
  }
  app.post(COOKIE_ROUTES.set, async (request, reply) => {
    const body = request.body as SetBody;
    const options = { maxAge: body.maxAge, domain: body.domain };
    if (body.access !== undefined) setAccessCookies(jwt, reply, body.access, options);
    if (body.refresh !== undefined) setRefreshCookies(jwt, reply, body.refresh, options);
    return {};
  });
  app.post(COOKIE_ROUTES.unset, async (request, reply) => {
    const { which = 'all', domain } = request.body as UnsetBody;
    const unset = { all: unsetJwtCookies, access: unsetAccessCookies, refresh: unsetRefreshCookies }[which];
    unset(jwt, reply, { domain });
    return {};
  });
  // Errors that are not a client's (a throwing callback) reach Fastify's error handler: a 500.
  // Fastify's own client errors (an empty JSON body, say) keep their 4xx, as its default does.
  app.setErrorHandler(async (error, _request, reply) => {
    const status = (error as { statusCode?: unknown }).statusCode;
    reply.code(typeof status === 'number' && status >= 400 && status < 500 ? status : 500);
    return { error: error instanceof Error ? error.message : String(error) };
  });
  return app;
}

/** The AppFactory for Fastify 5. */
export const createFastifyApp: AppFactory = async (jwt: JwtManager): Promise<TestApp> => {
  const app = await buildFastifyApp(jwt);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl, close: () => app.close() };
};
