/**
 * What the shared behaviour suite does not cover of `jwt-extended/express`, on Express 5 and 4:
 * verifying by hand, the error middleware, `req.jwt`, zero-argument getters, coexisting with the
 * app's own body parsers and cookies, and errors that are not a client's.
 */
import { createRequire } from 'node:module';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express5, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  getJwtIdentity,
  jwtErrorHandler,
  jwtRequired,
  readJwtState,
  setAccessCookies,
  verifyJwtInRequest,
} from '../../src/adapters/express.js';
import * as context from '../../src/context.js';
import { JwtConfigError, JwtExtendedError, JwtManager, type JwtManagerOptions } from '../../src/index.js';
import { send } from '../behaviour/http.js';

interface ExpressModule {
  (): Express;
  json(): RequestHandler;
  urlencoded(options: { extended: boolean }): RequestHandler;
}

const MODULES: ReadonlyArray<[string, ExpressModule]> = [
  ['express5', express5 as ExpressModule],
  ['express4', createRequire(import.meta.url)('express4') as ExpressModule],
];

const SECRET = 'a-test-secret-for-the-express-adapter';
const servers: Server[] = [];

async function serve(app: Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    ),
  );
});

const manager = (options: JwtManagerOptions = {}) => new JwtManager({ secretKey: SECRET, ...options });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

for (const [name, express] of MODULES) {
  describe(name, () => {
    it('verifyJwtInRequest resolves to the state and fills req.jwt; jwtErrorHandler answers its errors', async () => {
      const jwt = manager();
      const codes: unknown[] = [];
      const app = express();
      app.all('/by-hand', async (req, res, next) => {
        try {
          const state = await verifyJwtInRequest(jwt, req, { optional: true });
          res.json({ state: state?.identity ?? null, slot: req.jwt?.identity ?? null, getter: getJwtIdentity(req) });
        } catch (error) {
          codes.push(error instanceof JwtExtendedError ? error.code : error);
          next(error);
        }
      });
      app.use(jwtErrorHandler(jwt));
      const url = await serve(app);
      const token = await jwt.createAccessToken('alice');
      expect((await send(url, { path: '/by-hand', headers: bearer(token) })).json).toEqual({
        state: 'alice',
        slot: 'alice',
        getter: 'alice',
      });
      expect((await send(url, { path: '/by-hand' })).json).toEqual({ state: null, slot: null, getter: null });
      const bad = await send(url, { path: '/by-hand', headers: bearer('xxx') });
      expect([bad.status, bad.json]).toEqual([422, { msg: 'Not enough segments' }]);
      expect(codes).toEqual(['ERR_JWT_DECODE']);
      const options = await send(url, { method: 'OPTIONS', path: '/by-hand', headers: bearer('xxx') });
      // OPTIONS: no token is read (as in flask), and the getters answer as on an optional route
      // without one (flask's raise there, a 500).
      expect([options.status, options.json]).toEqual([200, { state: null, slot: null, getter: null }]);
    });

    it('keeps the state off the request: req.jwt and the getters read it, also after a sub-app, and req.jwt can be assigned', async () => {
      // Express moves each request onto its app's prototype; adding properties to it is slow, so
      // the state lives aside (kit keepJwtStateAside) and `req.jwt` is an accessor (see the adapter).
      const jwt = manager();
      const app = express();
      const api = express();
      const seen: unknown[] = [];
      api.get('/p', jwtRequired(jwt), (req, _res, next) => {
        seen.push({
          own: Object.hasOwn(req, 'jwt') || Object.hasOwn(req, Symbol.for('jwt-extended.state')),
          slot: req.jwt?.identity,
          getter: getJwtIdentity(req),
        });
        next();
      });
      app.use('/api', api);
      // Back in the parent app (another `request` prototype) after the sub-app passed the request on.
      app.use((req, res) => {
        const before = req.jwt?.identity;
        req.jwt = undefined; // an app may still assign it: it becomes the request's own property
        res.json({ before, getter: getJwtIdentity(req), after: req.jwt ?? null, own: Object.hasOwn(req, 'jwt') });
      });
      const url = await serve(app);
      const response = await send(url, { path: '/api/p', headers: bearer(await jwt.createAccessToken('alice')) });
      expect(response.json).toEqual({ before: 'alice', getter: 'alice', after: null, own: true });
      expect(seen).toEqual([{ own: false, slot: 'alice', getter: 'alice' }]);
      // A request that no middleware verified has no state, on the accessor either.
      const anonymous = express();
      anonymous.get('/q', (req, res) => void res.json({ slot: req.jwt ?? null, state: readJwtState(req) ?? null }));
      expect((await send(await serve(anonymous), { path: '/q' })).json).toEqual({ slot: null, state: null });
    });

    it('overwrites a req.jwt the app assigned before the middleware', async () => {
      const jwt = manager();
      const app = express();
      app.get(
        '/p',
        (req, _res, next) => {
          (req as { jwt?: unknown }).jwt = 'set by the app';
          next();
        },
        jwtRequired(jwt),
        (req, res) => void res.json({ slot: req.jwt?.identity }),
      );
      const response = await send(await serve(app), {
        path: '/p',
        headers: bearer(await jwt.createAccessToken('bob')),
      });
      expect(response.json).toEqual({ slot: 'bob' });
    });

    it('jwtErrorHandler leaves other errors to the next error handler', async () => {
      const jwt = manager();
      const app = express();
      app.get('/boom', () => {
        throw new Error('not a JWT error');
      });
      app.use(jwtErrorHandler(jwt));
      const last: ErrorRequestHandler = (error: Error, _req, res, _next) =>
        void res.status(599).json({ seen: error.message });
      app.use(last);
      const response = await send(await serve(app), { path: '/boom' });
      expect([response.status, response.json]).toEqual([599, { seen: 'not a JWT error' }]);
    });

    it('passes a callback bug to next(err) with the original error, sync or async', async () => {
      const bug = new Error('lookup bug');
      const jwt = manager({ userLookupLoader: () => Promise.reject(bug) });
      const app = express();
      app.get('/p', jwtRequired(jwt), (_req, res) => void res.json({}));
      const seen: unknown[] = [];
      const last: ErrorRequestHandler = (error, _req, res, _next) => {
        seen.push(error);
        res.status(500).end();
      };
      app.use(last);
      const response = await send(await serve(app), { path: '/p', headers: bearer(await jwt.createAccessToken('a')) });
      expect(response.status).toBe(500);
      expect(seen).toEqual([bug]);
      expect(seen[0]).toBe(bug);
    });

    it('refuses an unknown route location when the middleware is created', () => {
      const jwt = manager();
      expect(() => jwtRequired(jwt, { locations: ['body' as 'json'] })).toThrow(JwtConfigError);
    });

    it('makes the zero-argument getters of jwt-extended/context work in async handlers', async () => {
      const jwt = manager();
      const app = express();
      app.get('/ctx', jwtRequired(jwt), async (_req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        res.json({ identity: context.getJwtIdentity(), location: context.getJwtRequestLocation() });
      });
      const url = await serve(app);
      const response = await send(url, { path: '/ctx', headers: bearer(await jwt.createAccessToken('carol')) });
      expect(response.json).toEqual({ identity: 'carol', location: 'headers' });
      expect(context.currentRequest()).toBeUndefined();
    });

    describe('JSON body', () => {
      const echo: RequestHandler = (req, res) =>
        void res.json({ identity: getJwtIdentity(req), body: req.body as unknown });

      it('is read by the adapter without a parser, and left on req.body for the handler', async () => {
        const jwt = manager({ tokenLocation: 'json' });
        const app = express();
        app.post('/j', jwtRequired(jwt), echo);
        const token = await jwt.createAccessToken('dave');
        const response = await send(await serve(app), {
          method: 'POST',
          path: '/j',
          json: { access_token: token, n: 1 },
        });
        expect(response.json).toEqual({ identity: 'dave', body: { access_token: token, n: 1 } });
      });

      it("is express.json()'s when it ran first", async () => {
        const jwt = manager({ tokenLocation: 'json' });
        const app = express();
        app.use(express.json());
        app.post('/j', jwtRequired(jwt), echo);
        const token = await jwt.createAccessToken('erin');
        const response = await send(await serve(app), { method: 'POST', path: '/j', json: { access_token: token } });
        expect(response.json).toEqual({ identity: 'erin', body: { access_token: token } });
      });

      it('still reaches the handler when express.json() runs after the adapter', async () => {
        const jwt = manager({ tokenLocation: 'json' });
        const app = express();
        app.post('/j', jwtRequired(jwt), express.json(), echo);
        const token = await jwt.createAccessToken('frank');
        const response = await send(await serve(app), { method: 'POST', path: '/j', json: { access_token: token } });
        expect([response.status, response.json]).toEqual([200, { identity: 'frank', body: { access_token: token } }]);
      });

      it('is read when only express.urlencoded() ran (it leaves a JSON body unread)', async () => {
        const jwt = manager({ tokenLocation: 'json' });
        const app = express();
        app.use(express.urlencoded({ extended: false }));
        app.post('/j', jwtRequired(jwt), echo);
        const token = await jwt.createAccessToken('gina');
        const response = await send(await serve(app), { method: 'POST', path: '/j', json: { access_token: token } });
        expect((response.json as { identity: unknown }).identity).toBe('gina');
      });
    });

    it("reads the CSRF form field from express.urlencoded()'s body too", async () => {
      const jwt = manager({ tokenLocation: 'cookies', csrfCheckForm: true });
      const app = express();
      app.use(express.urlencoded({ extended: false }));
      app.post('/f', jwtRequired(jwt), (req, res) => void res.json({ identity: getJwtIdentity(req) }));
      const token = await jwt.createAccessToken('hank');
      const csrf = jwt.getCsrfToken(token);
      const response = await send(await serve(app), {
        method: 'POST',
        path: '/f',
        cookies: { access_token_cookie: token },
        form: { csrf_token: csrf },
      });
      expect(response.json).toEqual({ identity: 'hank' });
    });

    it("appends its cookie lines after the app's own, unmerged", async () => {
      const jwt = manager();
      const app = express();
      app.get('/login', async (_req, res) => {
        res.append('Set-Cookie', 'theme=dark; Path=/');
        setAccessCookies(jwt, res, await jwt.createAccessToken('ivy'));
        res.json({});
      });
      const response = await send(await serve(app), { path: '/login' });
      expect(response.setCookie).toHaveLength(3);
      expect(response.setCookie[0]).toBe('theme=dark; Path=/');
      expect(response.setCookie[1]).toMatch(/^access_token_cookie=.+; HttpOnly; Path=\/$/);
      expect(response.setCookie[2]).toMatch(/^csrf_access_token=[0-9a-f-]{36}; Path=\/$/);
    });

    it('writes a callback response with its headers and an empty body when it has none', async () => {
      const jwt = manager({
        unauthorizedLoader: () => ({ status: 401, body: undefined, headers: { 'WWW-Authenticate': 'Bearer' } }),
      });
      const app = express();
      app.get('/p', jwtRequired(jwt), (_req, res) => void res.json({}));
      const response = await send(await serve(app), { path: '/p' });
      expect([response.status, response.text, response.headers['www-authenticate']]).toEqual([401, '', 'Bearer']);
    });

    it('never lets a rejection escape: an error after the response goes to next(err)', async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      try {
        const jwt = manager({ invalidTokenLoader: () => Promise.reject(new Error('callback bug')) });
        const app = express();
        app.get('/p', jwtRequired(jwt), (_req, res) => void res.json({}));
        const last: ErrorRequestHandler = (error: Error, _req, res, _next) =>
          void res.status(500).json({ error: error.message });
        app.use(last);
        const response = await send(await serve(app), { path: '/p', headers: bearer('xxx') });
        expect([response.status, response.json]).toEqual([500, { error: 'callback bug' }]);
        await new Promise((resolve) => setTimeout(resolve, 10));
        expect(rejections).toEqual([]);
      } finally {
        process.off('unhandledRejection', onRejection);
      }
    });
  });
}
