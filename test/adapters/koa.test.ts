/**
 * Koa-specific checks of `jwt-extended/koa`, on Koa 3 and Koa 2, over real HTTP on 127.0.0.1.
 * The shared behaviour suite covers flask's answers; this file covers the glue: `ctx.state.jwt`,
 * cookies next to other cookies, bodies with and without `@koa/bodyparser` (before or after the
 * guard, chunked, oversized), the request scope, and errors reaching Koa's error handling.
 */
import { type Server, createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { Middleware } from 'koa';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type KoaJwtState,
  getJwtIdentity,
  jwtErrorHandler,
  jwtRequired,
  readJwtState,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
  verifyJwtInRequest,
} from '../../src/adapters/koa.js';
import * as scope from '../../src/context.js';
import {
  JwtConfigError,
  JwtManager,
  type JwtManagerOptions,
  JwtNotVerifiedError,
  isClientError,
} from '../../src/index.js';
import { type RequestSpec, type ResponseData, send } from '../behaviour/http.js';

const Koa2 = createRequire(import.meta.url)('koa2') as typeof Koa;

const NOW_MS = Date.UTC(2030, 0, 1, 12, 0, 0);
const MIB = 1024 * 1024;
const JSON_TYPE = { 'content-type': 'application/json' };

function manager(options: JwtManagerOptions = {}): JwtManager {
  return new JwtManager({ secretKey: 'foobarbaz', clock: () => NOW_MS, ...options });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Routes by path, without a router: each path gets its own chain. */
function routes(app: Koa, table: Record<string, Middleware[]>): void {
  app.use(async (ctx, next) => {
    const chain = table[ctx.path];
    if (chain === undefined) return next();
    const run = (index: number): Promise<void> => {
      const middleware = chain[index];
      return middleware === undefined ? Promise.resolve() : Promise.resolve(middleware(ctx, () => run(index + 1)));
    };
    return run(0);
  });
}

/** A POST whose body goes out chunked (no Content-Length), in pieces of 64 KiB. */
function sendChunked(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  text: string,
): Promise<ResponseData> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          setCookie: res.headers['set-cookie'] ?? [],
          text: body,
          json: body === '' ? undefined : JSON.parse(body),
        });
      });
    });
    req.on('error', reject);
    for (let offset = 0; offset < text.length; offset += 64 * 1024) req.write(text.slice(offset, offset + 64 * 1024));
    req.end();
  });
}

for (const [name, KoaClass] of [
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
] as const) {
  describe(`jwt-extended/koa on ${name}`, () => {
    const servers: Server[] = [];
    afterAll(async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    /** Starts an app; errors Koa would log are collected instead. */
    async function start(app: Koa): Promise<{ base: string; errors: unknown[] }> {
      const errors: unknown[] = [];
      app.on('error', (error: unknown) => errors.push(error));
      const server = createServer(app.callback());
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      return { base: `http://127.0.0.1:${address.port}`, errors };
    }
    const call = (base: string, spec: RequestSpec) => send(base, spec);

    describe('the typed slot', () => {
      it('fills ctx.state.jwt with the saved state, typed through DefaultState', async () => {
        const jwt = manager();
        const app = new KoaClass();
        app.use(jwtRequired(jwt));
        app.use((ctx) => {
          expectTypeOf(ctx.state.jwt).toEqualTypeOf<KoaJwtState | undefined>();
          expectTypeOf(ctx.state.jwt).not.toBeAny();
          ctx.body = { identity: ctx.state.jwt?.identity, same: ctx.state.jwt === readJwtState(ctx) };
        });
        const { base } = await start(app);
        const res = await call(base, { path: '/', headers: bearer(await jwt.createAccessToken('alice')) });
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ identity: 'alice', same: true });
      });

      it('fills the slot with the anonymous state on OPTIONS, which reads no token', async () => {
        const jwt = manager();
        const app = new KoaClass();
        app.use(jwtRequired(jwt));
        app.use((ctx) => {
          ctx.body = { slot: 'jwt' in ctx.state ? 'set' : 'empty', state: readJwtState(ctx) ?? 'none' };
        });
        const { base } = await start(app);
        const res = await call(base, { method: 'OPTIONS', path: '/' });
        expect(res.status).toBe(200);
        expect(res.json).toEqual({
          slot: 'set',
          state: {
            header: {},
            payload: {},
            identityClaim: 'sub',
            identity: null,
            user: null,
            userLoaded: false,
            location: null,
          },
        });
      });

      it('refuses a bad route option when the middleware is created', () => {
        expect(() => jwtRequired(manager(), { locations: 'nowhere' as never })).toThrow(JwtConfigError);
      });
    });

    describe('cookie helpers', () => {
      it('append the exact lines after the cookies already set (ctx.cookies included)', async () => {
        const jwt = manager({ tokenLocation: ['cookies'] });
        const access = await jwt.createAccessToken('alice');
        const refresh = await jwt.createRefreshToken('alice');
        const app = new KoaClass();
        app.use((ctx) => {
          ctx.cookies.set('theme', 'dark');
          setAccessCookies(jwt, ctx, access);
          setRefreshCookies(jwt, ctx, refresh, { maxAge: 60, domain: 'example.com' });
          ctx.append('Set-Cookie', 'lang=en; Path=/');
          ctx.body = { ok: true };
        });
        const { base } = await start(app);
        const res = await call(base, { method: 'POST', path: '/login' });
        expect(res.status).toBe(200);
        expect(res.setCookie).toEqual([
          'theme=dark; path=/; httponly',
          ...jwt.setCookieLines('access', access),
          ...jwt.setCookieLines('refresh', refresh, { maxAge: 60, domain: 'example.com' }),
          'lang=en; Path=/',
        ]);
        expect(jwt.setCookieLines('access', access)).toEqual([
          `access_token_cookie=${access}; HttpOnly; Path=/`,
          `csrf_access_token=${jwt.getCsrfToken(access)}; Path=/`,
        ]);
      });

      it('unset the access pair, the refresh pair, or both', async () => {
        const jwt = manager({ tokenLocation: ['cookies'] });
        const app = new KoaClass();
        app.use((ctx) => {
          ctx.append('Set-Cookie', 'theme=; Path=/');
          if (ctx.path === '/all') unsetJwtCookies(jwt, ctx);
          if (ctx.path === '/access') unsetAccessCookies(jwt, ctx);
          if (ctx.path === '/refresh') unsetRefreshCookies(jwt, ctx, { domain: 'example.com' });
          ctx.body = {};
        });
        const { base } = await start(app);
        const lines = async (path: string) => (await call(base, { method: 'POST', path })).setCookie;
        expect(await lines('/all')).toEqual([
          'theme=; Path=/',
          ...jwt.unsetCookieLines('access'),
          ...jwt.unsetCookieLines('refresh'),
        ]);
        expect(await lines('/access')).toEqual(['theme=; Path=/', ...jwt.unsetCookieLines('access')]);
        expect(await lines('/refresh')).toEqual([
          'theme=; Path=/',
          ...jwt.unsetCookieLines('refresh', { domain: 'example.com' }),
        ]);
      });
    });

    describe('JSON bodies', () => {
      const jwt = manager({ tokenLocation: ['json'] });
      const echo: Middleware = (ctx) => {
        const request = ctx.request as { body?: unknown; rawBody?: string };
        ctx.body = { identity: getJwtIdentity(ctx), body: request.body, raw: request.rawBody ?? null };
      };
      const readRest: Middleware = async (ctx) => {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        ctx.body = { identity: getJwtIdentity(ctx), length: Buffer.concat(chunks).length };
      };
      const guard = jwtRequired(jwt);
      const optional = jwtRequired(jwt, { optional: true });
      const app = new KoaClass();
      routes(app, {
        '/plain': [guard, echo],
        '/parser-before': [bodyParser(), guard, echo],
        '/lenient-parser-before': [bodyParser({ onError: () => undefined }), guard, echo],
        '/parser-after': [optional, bodyParser({ jsonLimit: '2mb' }), echo],
        '/rest': [optional, readRest],
      });
      const started = start(app);
      const post = async (path: string, body: string, headers: Record<string, string> = JSON_TYPE) =>
        call((await started).base, { method: 'POST', path, headers, body });

      it('without a parser: reads the body and leaves it in ctx.request.body and rawBody', async () => {
        const text = JSON.stringify({ access_token: await jwt.createAccessToken('alice'), note: 'kept' });
        const res = await post('/plain', text);
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ identity: 'alice', body: JSON.parse(text), raw: text });
      });

      it('without a parser: answers invalid JSON as flask does (401)', async () => {
        const res = await post('/plain', '{"access_token": ');
        expect(res.status).toBe(401);
        expect(res.json).toEqual({ msg: 'Missing "access_token" key in json data.' });
      });

      it('with @koa/bodyparser before it: uses the parsed body', async () => {
        const text = JSON.stringify({ access_token: await jwt.createAccessToken('bob'), n: 1 });
        const res = await post('/parser-before', text);
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ identity: 'bob', body: JSON.parse(text), raw: text });
      });

      it("with @koa/bodyparser before it: invalid JSON is the parser's 400, unless given an onError", async () => {
        const strict = await post('/parser-before', '{"access_token": ');
        expect(strict.status).toBe(400);
        const lenient = await post('/lenient-parser-before', '{"access_token": ');
        expect(lenient.status).toBe(401);
        expect(lenient.json).toEqual({ msg: 'Missing "access_token" key in json data.' });
      });

      it('with @koa/bodyparser after it: the parser finds the body already parsed', async () => {
        const text = JSON.stringify({ access_token: await jwt.createAccessToken('carol') });
        const ok = await post('/parser-after', text);
        expect(ok.json).toEqual({ identity: 'carol', body: JSON.parse(text), raw: text });
        // Invalid JSON: no token (anonymous on this optional route), and the parser does not wait
        // for bytes already read.
        const invalid = await post('/parser-after', '{"access_token": ');
        expect(invalid.status).toBe(200);
        expect(invalid.json).toEqual({ identity: null, body: {}, raw: '{"access_token": ' });
      });

      it('reads a chunked body (no Content-Length)', async () => {
        const text = JSON.stringify({
          access_token: await jwt.createAccessToken('dave'),
          padding: 'p'.repeat(200_000),
        });
        const res = await sendChunked((await started).base, '/plain', JSON_TYPE, text);
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ identity: 'dave', body: JSON.parse(text), raw: text });
      });

      it('treats a chunked body over 1 MiB as absent and pushes back what it read', async () => {
        const text = JSON.stringify({ access_token: await jwt.createAccessToken('erin'), padding: 'x'.repeat(MIB) });
        const rest = await sendChunked((await started).base, '/rest', JSON_TYPE, text);
        expect(rest.json).toEqual({ identity: null, length: text.length });
        const parsedLater = await sendChunked((await started).base, '/parser-after', JSON_TYPE, text);
        expect(parsedLater.json).toEqual({ identity: null, body: JSON.parse(text), raw: text });
        const refused = await sendChunked((await started).base, '/plain', JSON_TYPE, text);
        expect(refused.status).toBe(401);
        expect(refused.json).toEqual({ msg: 'Missing "access_token" key in json data.' });
      });

      it('treats a declared body over 1 MiB as absent without reading it', async () => {
        const text = JSON.stringify({ access_token: await jwt.createAccessToken('fred'), padding: 'x'.repeat(MIB) });
        const rest = await post('/rest', text);
        expect(rest.json).toEqual({ identity: null, length: text.length });
      });
    });

    describe('CSRF in a form body', () => {
      const jwt = manager({ tokenLocation: ['cookies'], csrfCheckForm: true });
      const echo: Middleware = (ctx) => {
        ctx.body = { identity: getJwtIdentity(ctx), form: (ctx.request as { body?: unknown }).body };
      };
      const app = new KoaClass();
      routes(app, {
        '/plain': [jwtRequired(jwt), echo],
        '/parser-before': [bodyParser(), jwtRequired(jwt), echo],
      });
      const started = start(app);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };

      for (const path of ['/plain', '/parser-before']) {
        it(`${path}: reads csrf_token from a urlencoded form, left in ctx.request.body`, async () => {
          const access = await jwt.createAccessToken('alice');
          const csrf = jwt.getCsrfToken(access);
          const res = await call((await started).base, {
            method: 'POST',
            path,
            cookies: { access_token_cookie: access },
            form: { csrf_token: csrf, note: 'a b' },
          });
          expect(res.status).toBe(200);
          expect(res.json).toEqual({ identity: 'alice', form: { csrf_token: csrf, note: 'a b' } });
        });

        it(`${path}: compares the form value with the token`, async () => {
          const access = await jwt.createAccessToken('alice');
          const res = await call((await started).base, {
            method: 'POST',
            path,
            headers: form,
            cookies: { access_token_cookie: access },
            body: 'csrf_token=wrong',
          });
          expect(res.status).toBe(401);
          expect(res.json).toEqual({ msg: 'CSRF double submit tokens do not match' });
        });
      }

      it('reads the first of a repeated field, and keeps them all in ctx.request.body', async () => {
        const access = await jwt.createAccessToken('alice');
        const csrf = jwt.getCsrfToken(access);
        const res = await call((await started).base, {
          method: 'POST',
          path: '/plain',
          headers: form,
          cookies: { access_token_cookie: access },
          body: `csrf_token=${csrf}&csrf_token=wrong&__proto__=x`,
        });
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ identity: 'alice', form: { csrf_token: [csrf, 'wrong'], ['__proto__']: 'x' } });
      });
    });

    describe('zero-argument getters (jwt-extended/context)', () => {
      const jwt = manager();
      const app = new KoaClass();
      routes(app, {
        '/scoped': [
          jwtRequired(jwt),
          async (ctx) => {
            const before = scope.getJwtIdentity();
            await sleep(Number(ctx.query.wait ?? 0));
            await Promise.resolve();
            ctx.body = {
              before,
              after: scope.getJwtIdentity(),
              claims: scope.getJwtClaims(),
              location: scope.getJwtRequestLocation(),
              current: scope.currentRequest() === ctx,
            };
          },
        ],
        '/open': [
          (ctx) => {
            try {
              ctx.body = { identity: scope.getJwtIdentity() };
            } catch (error) {
              ctx.body = { thrown: error instanceof JwtNotVerifiedError, location: scope.getJwtRequestLocation() };
            }
          },
        ],
      });
      const started = start(app);

      it('work in the handler, after an await, for concurrent requests each their own', async () => {
        const { base } = await started;
        const alice = await jwt.createAccessToken('alice', { additionalClaims: { roles: ['a'] } });
        const bob = await jwt.createAccessToken('bob', { additionalClaims: { roles: ['b'] } });
        const [a, b] = await Promise.all([
          call(base, { path: '/scoped?wait=30', headers: bearer(alice) }),
          call(base, { path: '/scoped?wait=5', headers: bearer(bob) }),
        ]);
        expect(a.json).toEqual({
          before: 'alice',
          after: 'alice',
          claims: { roles: ['a'] },
          location: 'headers',
          current: true,
        });
        expect(b.json).toEqual({
          before: 'bob',
          after: 'bob',
          claims: { roles: ['b'] },
          location: 'headers',
          current: true,
        });
      });

      it('throw outside a protected route (and the location is null)', async () => {
        const res = await call((await started).base, { path: '/open' });
        expect(res.json).toEqual({ thrown: true, location: null });
        expect(() => scope.getJwtIdentity()).toThrow(JwtNotVerifiedError);
      });
    });

    describe('errors', () => {
      it('writes a callback response with its headers, and no body when it has none', async () => {
        const jwt = manager({
          unauthorizedLoader: () => ({ status: 401, body: undefined, headers: { 'www-authenticate': 'Bearer' } }),
        });
        const app = new KoaClass();
        app.use(jwtRequired(jwt));
        const { base } = await start(app);
        const res = await call(base, { path: '/' });
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        expect(res.text).toBe('');
      });

      it("throws a non-client error (a throwing callback) to Koa's error handling", async () => {
        const jwt = manager({
          userLookupLoader: () => {
            throw new Error('lookup bug');
          },
        });
        const app = new KoaClass();
        app.use(jwtRequired(jwt));
        app.use((ctx) => {
          ctx.body = { reached: true };
        });
        const { base, errors } = await start(app);
        const res = await call(base, { path: '/', headers: bearer(await jwt.createAccessToken('alice')) });
        expect(res.status).toBe(500);
        expect(res.text).toBe('Internal Server Error');
        expect(errors).toEqual([expect.objectContaining({ message: 'lookup bug' })]);
        const anonymous = await call(base, { path: '/' });
        expect(anonymous.status).toBe(401);
        expect(errors).toHaveLength(1);
      });

      it('lets an upstream middleware catch it', async () => {
        const jwt = manager({ tokenVerificationLoader: () => Promise.reject(new Error('async bug')) });
        const app = new KoaClass();
        app.use(async (ctx, next) => {
          try {
            await next();
          } catch (error) {
            ctx.status = 503;
            ctx.body = { caught: (error as Error).message };
          }
        });
        app.use(jwtRequired(jwt));
        const { base } = await start(app);
        const res = await call(base, { path: '/', headers: bearer(await jwt.createAccessToken('alice')) });
        expect(res.status).toBe(503);
        expect(res.json).toEqual({ caught: 'async bug' });
      });
    });

    describe('jwtErrorHandler', () => {
      const jwt = manager();
      const app = new KoaClass();
      app.use(jwtErrorHandler(jwt));
      routes(app, {
        '/decode': [
          async (ctx) => {
            ctx.body = await jwt.decodeToken(String(ctx.query.token));
          },
        ],
        '/bug': [
          () => {
            throw new Error('handler bug');
          },
        ],
      });
      const started = start(app);

      it("answers a client error thrown downstream with flask's response", async () => {
        const { base } = await started;
        const res = await call(base, { path: '/decode?token=xxx' });
        expect([res.status, res.json]).toEqual([422, { msg: 'Not enough segments' }]);
        const ok = await call(base, { path: `/decode?token=${await jwt.createAccessToken('alice')}` });
        expect(ok.json).toMatchObject({ sub: 'alice', type: 'access' });
      });

      it("passes any other error on to Koa's error handling", async () => {
        const { base, errors } = await started;
        const res = await call(base, { path: '/bug' });
        expect([res.status, res.text]).toEqual([500, 'Internal Server Error']);
        expect(errors).toEqual([expect.objectContaining({ message: 'handler bug' })]);
      });
    });

    describe('verifyJwtInRequest', () => {
      const jwt = manager();
      const app = new KoaClass();
      app.use(async (ctx) => {
        try {
          const state = await verifyJwtInRequest(jwt, ctx, { optional: true });
          ctx.body = {
            state: state === null ? null : { identity: state.identity },
            slot: ctx.state.jwt === undefined ? 'empty' : ctx.state.jwt.identity,
          };
        } catch (error) {
          if (!isClientError(error)) throw error;
          const response = await jwt.errorResponse(error);
          ctx.status = response.status;
          ctx.body = response.body;
        }
      });
      const started = start(app);

      it('resolves to the state and fills the slot', async () => {
        const res = await call((await started).base, {
          path: '/',
          headers: bearer(await jwt.createAccessToken('alice')),
        });
        expect(res.json).toEqual({ state: { identity: 'alice' }, slot: 'alice' });
      });

      it('resolves to an anonymous state on an optional route and on OPTIONS', async () => {
        const { base } = await started;
        expect((await call(base, { path: '/' })).json).toEqual({ state: { identity: null }, slot: null });
        expect((await call(base, { method: 'OPTIONS', path: '/' })).json).toEqual({
          state: { identity: null },
          slot: null,
        });
      });

      it('rejects with the client error, for the handler to answer', async () => {
        const res = await call((await started).base, { path: '/', headers: bearer('xxx') });
        expect(res.status).toBe(422);
        expect(res.json).toEqual({ msg: 'Not enough segments' });
      });
    });
  });
}
