/**
 * Hono-specific checks of `jwt-extended/hono`, each run twice: in-process through `app.request()`
 * and over real HTTP through `@hono/node-server` on 127.0.0.1. The shared behaviour suite covers
 * flask's answers; this file covers the glue: the typed slot, cookies next to other cookies,
 * bodies (cached for the handler, chunked, oversized), the request scope, error routing.
 */
import { type Server, request } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { afterAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
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
  type JwtVariables,
} from '../../src/adapters/hono.js';
import * as scope from '../../src/context.js';
import {
  JwtConfigError,
  JwtManager,
  type JwtManagerOptions,
  type JwtState,
  JwtNotVerifiedError,
  isClientError,
} from '../../src/index.js';

const NOW_MS = Date.UTC(2030, 0, 1, 12, 0, 0);
const MIB = 1024 * 1024;

function manager(options: JwtManagerOptions = {}): JwtManager {
  return new JwtManager({ secretKey: 'foobarbaz', clock: () => NOW_MS, ...options });
}

/** How a test reaches an app: in-process, or over a socket. */
interface Transport {
  readonly name: string;
  request(app: Hono, path: string, init?: RequestInit): Promise<Response>;
  closeAll(): Promise<void>;
}

const inProcess: Transport = {
  name: 'app.request()',
  request: async (app, path, init) => app.request(path, init),
  closeAll: async () => undefined,
};

function overNodeServer(): Transport & { baseUrl(app: Hono): Promise<string> } {
  const servers = new Map<Hono, Promise<{ server: Server; base: string }>>();
  const start = (app: Hono) => {
    let started = servers.get(app);
    if (started === undefined) {
      const server = createAdaptorServer({ fetch: app.fetch }) as Server;
      started = new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          if (address === null || typeof address === 'string') return reject(new Error('no TCP address'));
          resolve({ server, base: `http://127.0.0.1:${address.port}` });
        });
      });
      servers.set(app, started);
    }
    return started;
  };
  return {
    name: '@hono/node-server',
    baseUrl: async (app) => (await start(app)).base,
    request: async (app, path, init) => fetch(`${(await start(app)).base}${path}`, init),
    closeAll: async () => {
      for (const started of servers.values()) {
        const { server } = await started;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/** A body sent without Content-Length (chunked over HTTP), in pieces of 64 KiB. */
function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const transport of [inProcess, overNodeServer()]) {
  describe(`jwt-extended/hono through ${transport.name}`, () => {
    afterAll(() => transport.closeAll());
    const send = (app: Hono, path: string, init?: RequestInit) => transport.request(app, path, init);

    describe('the typed slot', () => {
      it('fills c.get("jwt") with the saved state, typed through the variable map', async () => {
        const jwt = manager();
        const app = new Hono<{ Variables: JwtVariables }>();
        app.get('/p', jwtRequired(jwt), (c) => {
          const state = c.get('jwt');
          expectTypeOf(state).toEqualTypeOf<JwtVariables['jwt']>();
          expectTypeOf(state).not.toBeAny();
          return c.json({ identity: state?.identity, location: state?.location, same: state === readJwtState(c) });
        });
        const res = await send(app as unknown as Hono, '/p', { headers: bearer(await jwt.createAccessToken('alice')) });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ identity: 'alice', location: 'headers', same: true });
      });

      it('types c.get("jwt") in the next handler even on a plain new Hono()', async () => {
        const jwt = manager();
        const app = new Hono();
        app.get('/p', jwtRequired(jwt), (c) => {
          expectTypeOf(c.get('jwt')).not.toBeAny();
          expectTypeOf(c.get('jwt')).toExtend<JwtState | undefined>();
          return c.json({ identity: c.get('jwt')?.identity ?? null });
        });
        const res = await send(app, '/p', { headers: bearer(await jwt.createAccessToken('bob')) });
        expect(await res.json()).toEqual({ identity: 'bob' });
      });

      it('fills the slot with the anonymous state on OPTIONS, which reads no token', async () => {
        const jwt = manager();
        const app = new Hono();
        app.options('/p', jwtRequired(jwt), (c) =>
          c.json({ slot: c.get('jwt') ?? 'empty', state: readJwtState(c) ?? 'none' }),
        );
        const res = await send(app, '/p', { method: 'OPTIONS' });
        expect(res.status).toBe(200);
        const anonymous = {
          header: {},
          payload: {},
          identityClaim: 'sub',
          identity: null,
          user: null,
          userLoaded: false,
          location: null,
        };
        expect(await res.json()).toEqual({ slot: anonymous, state: anonymous });
      });

      it('refuses a bad route option when the middleware is created', () => {
        expect(() => jwtRequired(manager(), { locations: 'nowhere' as never })).toThrow(JwtConfigError);
      });
    });

    describe('cookie helpers', () => {
      it('append the exact lines after the cookies already set', async () => {
        const jwt = manager({ tokenLocation: ['cookies'] });
        const access = await jwt.createAccessToken('alice');
        const refresh = await jwt.createRefreshToken('alice');
        const app = new Hono();
        app.post('/login', (c) => {
          c.header('Set-Cookie', 'theme=dark; Path=/', { append: true });
          setAccessCookies(jwt, c, access);
          setRefreshCookies(jwt, c, refresh, { maxAge: 60, domain: 'example.com' });
          c.header('Set-Cookie', 'lang=en; Path=/', { append: true });
          return c.json({ ok: true });
        });
        const res = await send(app, '/login', { method: 'POST' });
        expect(res.status).toBe(200);
        expect(res.headers.getSetCookie()).toEqual([
          'theme=dark; Path=/',
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
        const app = new Hono();
        app.post('/logout/:which', (c) => {
          c.header('Set-Cookie', 'theme=; Path=/', { append: true });
          const which = c.req.param('which');
          if (which === 'all') unsetJwtCookies(jwt, c);
          if (which === 'access') unsetAccessCookies(jwt, c);
          if (which === 'refresh') unsetRefreshCookies(jwt, c, { domain: 'example.com' });
          return c.json({});
        });
        const lines = async (which: string) =>
          (await send(app, `/logout/${which}`, { method: 'POST' })).headers.getSetCookie();
        expect(await lines('all')).toEqual([
          'theme=; Path=/',
          ...jwt.unsetCookieLines('access'),
          ...jwt.unsetCookieLines('refresh'),
        ]);
        expect(await lines('access')).toEqual(['theme=; Path=/', ...jwt.unsetCookieLines('access')]);
        expect(await lines('refresh')).toEqual([
          'theme=; Path=/',
          ...jwt.unsetCookieLines('refresh', { domain: 'example.com' }),
        ]);
        expect(jwt.unsetCookieLines('access')).toEqual([
          'access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/',
          'csrf_access_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
        ]);
      });
    });

    describe('JSON bodies', () => {
      const jwt = manager({ tokenLocation: ['json'] });
      const app = new Hono();
      app.post('/echo', jwtRequired(jwt), async (c) =>
        c.json({ identity: getJwtIdentity(c), body: await c.req.json<unknown>() }),
      );
      app.post(
        '/validated',
        validator('json', (value) => value as Record<string, unknown>),
        jwtRequired(jwt),
        async (c) =>
          c.json({ identity: getJwtIdentity(c), valid: c.req.valid('json'), body: await c.req.json<unknown>() }),
      );
      app.post('/optional', jwtRequired(jwt, { optional: true }), async (c) =>
        c.json({ identity: getJwtIdentity(c), length: (await c.req.text()).length }),
      );
      const json = { 'content-type': 'application/json' };

      it('reads the token from the body and leaves the body for c.req.json()', async () => {
        const access = await jwt.createAccessToken('alice');
        const body = { access_token: access, note: 'kept' };
        const res = await send(app, '/echo', { method: 'POST', headers: json, body: JSON.stringify(body) });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ identity: 'alice', body });
      });

      it('uses a body a validator read before it', async () => {
        const access = await jwt.createAccessToken('alice');
        const body = { access_token: access, n: 1 };
        const res = await send(app, '/validated', { method: 'POST', headers: json, body: JSON.stringify(body) });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ identity: 'alice', valid: body, body });
      });

      it('answers invalid JSON as flask does (401), never a framework 400', async () => {
        const res = await send(app, '/echo', { method: 'POST', headers: json, body: '{"access_token": ' });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ msg: 'Missing "access_token" key in json data.' });
      });

      it('reads a chunked body (no Content-Length)', async () => {
        const access = await jwt.createAccessToken('carol');
        const body = { access_token: access, padding: 'p'.repeat(200_000) };
        const res = await send(app, '/echo', {
          method: 'POST',
          headers: json,
          body: streamOf(JSON.stringify(body)),
          duplex: 'half',
        } as RequestInit);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ identity: 'carol', body });
      });

      it('treats a chunked body over 1 MiB as absent, and hands it whole to the handler', async () => {
        const access = await jwt.createAccessToken('dave');
        const text = JSON.stringify({ access_token: access, padding: 'x'.repeat(MIB) });
        const res = await send(app, '/optional', {
          method: 'POST',
          headers: json,
          body: streamOf(text),
          duplex: 'half',
        } as RequestInit);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ identity: null, length: text.length });
      });

      it('treats a declared body over 1 MiB as absent without reading it', async () => {
        const access = await jwt.createAccessToken('erin');
        const text = JSON.stringify({ access_token: access, padding: 'x'.repeat(MIB) });
        const res = await send(app, '/optional', { method: 'POST', headers: json, body: text });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ identity: null, length: text.length });
        const refused = await send(app, '/echo', { method: 'POST', headers: json, body: text });
        expect(refused.status).toBe(401);
        expect(await refused.json()).toEqual({ msg: 'Missing "access_token" key in json data.' });
      });
    });

    describe('CSRF in a form body', () => {
      const jwt = manager({ tokenLocation: ['cookies'], csrfCheckForm: true });
      const app = new Hono();
      app.post('/form', jwtRequired(jwt), async (c) =>
        c.json({ identity: getJwtIdentity(c), form: await c.req.parseBody() }),
      );
      const cookie = (token: string) => ({ cookie: `access_token_cookie=${token}` });

      it('reads csrf_token from a urlencoded form and leaves the form for c.req.parseBody()', async () => {
        const access = await jwt.createAccessToken('alice');
        const csrf = jwt.getCsrfToken(access);
        const res = await send(app, '/form', {
          method: 'POST',
          headers: { ...cookie(access), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf_token: csrf, note: 'a b' }).toString(),
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ identity: 'alice', form: { csrf_token: csrf, note: 'a b' } });
      });

      it('reads csrf_token from a multipart form', async () => {
        const access = await jwt.createAccessToken('alice');
        const form = new FormData();
        form.set('csrf_token', jwt.getCsrfToken(access));
        form.set('note', 'multi');
        const res = await send(app, '/form', { method: 'POST', headers: cookie(access), body: form });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({
          identity: 'alice',
          form: { csrf_token: jwt.getCsrfToken(access), note: 'multi' },
        });
      });

      it('compares the form value with the token', async () => {
        const access = await jwt.createAccessToken('alice');
        const res = await send(app, '/form', {
          method: 'POST',
          headers: { ...cookie(access), 'content-type': 'application/x-www-form-urlencoded' },
          body: 'csrf_token=wrong',
        });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ msg: 'CSRF double submit tokens do not match' });
      });
    });

    describe('zero-argument getters (jwt-extended/context)', () => {
      const jwt = manager();
      const app = new Hono();
      app.get('/scoped', jwtRequired(jwt), async (c) => {
        const before = scope.getJwtIdentity();
        await sleep(Number(c.req.query('wait') ?? 0));
        await Promise.resolve();
        return c.json({
          before,
          after: scope.getJwtIdentity(),
          roles: scope.getJwtClaims(),
          location: scope.getJwtRequestLocation(),
          current: scope.currentRequest() === c,
        });
      });
      app.get('/open', (c) => {
        try {
          return c.json({ identity: scope.getJwtIdentity() });
        } catch (error) {
          return c.json({ thrown: error instanceof JwtNotVerifiedError, location: scope.getJwtRequestLocation() });
        }
      });

      it('work in the handler, after an await, for concurrent requests each their own', async () => {
        const alice = await jwt.createAccessToken('alice', { additionalClaims: { roles: ['a'] } });
        const bob = await jwt.createAccessToken('bob', { additionalClaims: { roles: ['b'] } });
        const [a, b] = await Promise.all([
          send(app, '/scoped?wait=30', { headers: bearer(alice) }),
          send(app, '/scoped?wait=5', { headers: bearer(bob) }),
        ]);
        expect(await a.json()).toEqual({
          before: 'alice',
          after: 'alice',
          roles: { roles: ['a'] },
          location: 'headers',
          current: true,
        });
        expect(await b.json()).toEqual({
          before: 'bob',
          after: 'bob',
          roles: { roles: ['b'] },
          location: 'headers',
          current: true,
        });
      });

      it('throw outside a protected route (and the location is null)', async () => {
        const res = await send(app, '/open');
        expect(await res.json()).toEqual({ thrown: true, location: null });
        expect(() => scope.getJwtIdentity()).toThrow(JwtNotVerifiedError);
      });
    });

    describe('errors', () => {
      it('sends a callback response with its headers, and no body when it has none', async () => {
        const jwt = manager({
          unauthorizedLoader: () => ({ status: 401, body: undefined, headers: { 'www-authenticate': 'Bearer' } }),
        });
        const app = new Hono();
        app.get('/p', jwtRequired(jwt), (c) => c.json({}));
        const res = await send(app, '/p');
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(await res.text()).toBe('');
      });

      it('passes a non-client error (a throwing callback) to app.onError, and a client error never', async () => {
        const seen: unknown[] = [];
        const jwt = manager({
          userLookupLoader: () => {
            throw new Error('lookup bug');
          },
        });
        const app = new Hono();
        app.get('/p', jwtRequired(jwt), (c) => c.json({ reached: true }));
        app.onError((error, c) => {
          seen.push(error);
          return c.json({ caught: error.message }, 500);
        });
        const res = await send(app, '/p', { headers: bearer(await jwt.createAccessToken('alice')) });
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ caught: 'lookup bug' });
        const anonymous = await send(app, '/p');
        expect(anonymous.status).toBe(401);
        expect(seen).toHaveLength(1);
      });

      it("answers Hono's default 500 without an onError (which logs the error)", async () => {
        const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
        const jwt = manager({ tokenVerificationLoader: () => Promise.reject(new Error('async bug')) });
        const app = new Hono();
        app.get('/p', jwtRequired(jwt), (c) => c.json({ reached: true }));
        const res = await send(app, '/p', { headers: bearer(await jwt.createAccessToken('alice')) });
        expect(res.status).toBe(500);
        expect(await res.text()).toBe('Internal Server Error');
        expect(logged).toHaveBeenCalledWith(expect.objectContaining({ message: 'async bug' }));
        logged.mockRestore();
      });
    });

    describe('jwtErrorHandler', () => {
      const jwt = manager();
      const app = new Hono();
      app.get('/decode', async (c) => c.json(await jwt.decodeToken(c.req.query('token') ?? '')));
      app.get('/teapot', () => {
        throw new HTTPException(418, { message: 'short and stout' });
      });
      app.get('/bug', () => {
        throw new Error('handler bug');
      });
      app.onError(jwtErrorHandler(jwt));

      it("answers a client error thrown by a handler with flask's response", async () => {
        const res = await send(app, '/decode?token=xxx');
        expect(res.status).toBe(422);
        expect(await res.json()).toEqual({ msg: 'Not enough segments' });
        const ok = await send(app, `/decode?token=${await jwt.createAccessToken('alice')}`);
        expect(await ok.json()).toMatchObject({ sub: 'alice', type: 'access' });
      });

      it("answers anything else as Hono would: an HTTPException's response, or a logged 500", async () => {
        const teapot = await send(app, '/teapot');
        expect([teapot.status, await teapot.text()]).toEqual([418, 'short and stout']);
        const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
        const bug = await send(app, '/bug');
        expect([bug.status, await bug.text()]).toEqual([500, 'Internal Server Error']);
        expect(logged).toHaveBeenCalledWith(expect.objectContaining({ message: 'handler bug' }));
        logged.mockRestore();
      });

      it('hands non-client errors to the given fallback', async () => {
        const custom = new Hono();
        custom.get('/bug', () => {
          throw new Error('handler bug');
        });
        custom.onError(jwtErrorHandler(jwt, (error, c) => c.json({ fallback: error.message }, 503)));
        const res = await send(custom, '/bug');
        expect([res.status, await res.json()]).toEqual([503, { fallback: 'handler bug' }]);
      });
    });

    describe('verifyJwtInRequest', () => {
      const jwt = manager();
      const app = new Hono<{ Variables: JwtVariables }>();
      app.all('/by-hand', async (c) => {
        try {
          const state = await verifyJwtInRequest(jwt, c, { optional: true });
          return c.json({
            state: state === null ? null : { identity: state.identity },
            slot: c.get('jwt') === undefined ? 'empty' : c.get('jwt')?.identity,
          });
        } catch (error) {
          if (!isClientError(error)) throw error;
          const response = await jwt.errorResponse(error);
          return c.json(response.body, response.status as 422);
        }
      });

      it('resolves to the state and fills the slot', async () => {
        const res = await send(app as unknown as Hono, '/by-hand', {
          headers: bearer(await jwt.createAccessToken('alice')),
        });
        expect(await res.json()).toEqual({ state: { identity: 'alice' }, slot: 'alice' });
      });

      it('resolves to an anonymous state on an optional route and on OPTIONS', async () => {
        expect(await (await send(app as unknown as Hono, '/by-hand')).json()).toEqual({
          state: { identity: null },
          slot: null,
        });
        const options = await send(app as unknown as Hono, '/by-hand', { method: 'OPTIONS' });
        expect(await options.json()).toEqual({ state: { identity: null }, slot: null });
      });

      it('rejects with the client error, for the handler to answer', async () => {
        const res = await send(app as unknown as Hono, '/by-hand', { headers: bearer('xxx') });
        expect(res.status).toBe(422);
        expect(await res.json()).toEqual({ msg: 'Not enough segments' });
      });
    });
  });
}

describe('jwt-extended/hono on @hono/node-server: what fetch cannot send', () => {
  const node = overNodeServer();
  afterAll(() => node.closeAll());
  const jwt = manager({ tokenLocation: ['headers', 'json'] });
  const app = new Hono();
  app.get('/p', jwtRequired(jwt), async (c) => c.json({ identity: getJwtIdentity(c), body: await c.req.text() }));

  /** A raw HTTP/1.1 exchange on node:http, which can repeat a header and send a GET body. */
  async function raw(
    headers: Record<string, string | string[]>,
    body?: string,
  ): Promise<{ status: number; json: unknown }> {
    const base = new URL('/p', await node.baseUrl(app));
    return new Promise((resolve, reject) => {
      const req = request(base, { method: 'GET', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses an Authorization header on two lines (from rawHeaders), as Express and Koa do', async () => {
    const token = await jwt.createAccessToken('alice');
    const bad = { status: 422, json: { msg: "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'" } };
    expect(await raw({ authorization: [`Bearer ${token}`, 'Bearer other'] })).toEqual(bad);
    expect(await raw({ authorization: ['Bearer xxx', `Bearer ${token}`] })).toEqual(bad);
    expect(await raw({ authorization: `Bearer ${token}` })).toEqual({
      status: 200,
      json: { identity: 'alice', body: '' },
    });
  });

  it('reads a GET JSON body (which a fetch Request drops) and leaves it for c.req.text()', async () => {
    const body = JSON.stringify({ access_token: await jwt.createAccessToken('bob') });
    const res = await raw({ 'content-type': 'application/json', 'content-length': String(body.length) }, body);
    expect(res).toEqual({ status: 200, json: { identity: 'bob', body } });
  });
});
