/**
 * The contract's test app on Express, built from a given express module so that one builder
 * serves Express 5 (`express`) and Express 4 (`express4`).
 */
import { createServer } from 'node:http';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import {
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
} from '../../../src/adapters/express.js';
import type { JwtManager } from '../../../src/index.js';
import {
  type AppFactory,
  COOKIE_ROUTES,
  PROTECTED_ROUTES,
  type SetBody,
  type TestApp,
  type UnsetBody,
  describeRequest,
  listenOnLoopback,
} from '../app-contract.js';

/** What the builder needs from an express module (Express 4 and 5 alike). */
export interface ExpressModule {
  (): Express;
  json(): RequestHandler;
}

/**
 * An {@link AppFactory} for one express module.
 *
 * @example
 * ```ts
 * export const createExpress5App = expressAppFactory(express)
 * ```
 */
export function expressAppFactory(express: ExpressModule): AppFactory {
  return async (jwt: JwtManager): Promise<TestApp> => {
    const app = express();
    for (const { path, options } of PROTECTED_ROUTES) {
      app.all(path, jwtRequired(jwt, options), (req, res) => {
        res.json(describeRequest(req));
      });
    }
    app.post(COOKIE_ROUTES.set, express.json(), (req, res) => {
      const body = req.body as SetBody;
      const options = { maxAge: body.maxAge, domain: body.domain };
      if (body.access !== undefined) setAccessCookies(jwt, res, body.access, options);
      if (body.refresh !== undefined) setRefreshCookies(jwt, res, body.refresh, options);
      res.json({});
    });
    app.post(COOKIE_ROUTES.unset, express.json(), (req, res) => {
      const { which = 'all', domain } = req.body as UnsetBody;
      const unset = { all: unsetJwtCookies, access: unsetAccessCookies, refresh: unsetRefreshCookies }[which];
      unset(jwt, res, { domain });
      res.json({});
    });
    // Errors that are not a client's (a throwing callback) reach here through next(err).
    const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
      res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
    };
    app.use(onError);
    return listenOnLoopback(createServer(app));
  };
}
