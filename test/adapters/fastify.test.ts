/**
 * The Fastify adapter on its own terms: the plugin and encapsulation, `request.jwt`, the reply
 * cookie helpers next to @fastify/cookie, the hook at each stage, the body it reads itself for the
 * json location, the zero-argument getters of `jwt-extended/context` inside handlers, and errors
 * reaching Fastify's error handler. Driven through `app.inject()` and through a real listening
 * server on 127.0.0.1.
 */
import { Agent, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createGunzip } from 'node:zlib';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type JwtState,
  type RegisteredJwtState,
  getJwtIdentity as getIdentityOf,
  jwtErrorHandler,
  jwtExtended,
  jwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
  verifyJwtInRequest,
} from '../../src/adapters/fastify.js';
import { getJwtIdentity } from '../../src/context.js';
import { JwtConfigError, JwtManager, JwtNotVerifiedError, type JwtManagerOptions } from '../../src/index.js';

const SECRET = 'fastify-adapter-test-secret-0123456789';
const NOT_VERIFIED =
  'You must protect this route with jwtRequired() or call verifyJwtInRequest() before using this method';
const MISSING_JSON_KEY = 'Missing "access_token" key in json data.';
const NOT_JSON = 'Invalid content-type. Must be application/json.';
const ALL_MISSING = (json: string) =>
  `Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie "access_token_cookie"; Missing 'jwt' query paramater; ${json})`;

function manager(options: JwtManagerOptions = {}): JwtManager {
  return new JwtManager({ secretKey: SECRET, ...options });
}

const jwt = manager();
let alice: string;
let bob: string;
let refresh: string;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  alice = await jwt.createAccessToken('alice');
  bob = await jwt.createAccessToken('bob');
  refresh = await jwt.createRefreshToken('alice');
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => {
  // Every error must reach Fastify, never float away as an unhandled rejection.
  expect(unhandled).toEqual([]);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An app with the plugin registered; `routes` adds what a test needs. */
async function appWith(routes: (app: FastifyInstance) => void, jwtManager: JwtManager = jwt): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(jwtExtended, { manager: jwtManager });
  routes(app);
  await app.ready();
  return app;
}

/** Starts `app` on 127.0.0.1 and returns its base URL; the app is closed after the file. */
const started: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(started.map((app) => app.close()));
});
async function listen(app: FastifyInstance): Promise<string> {
  started.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

// ---------------------------------------------------------------------------------------------

describe('the jwtExtended plugin', () => {
  it('is marked like fastify-plugin output: no encapsulation of its own, a display name', () => {
    const plugin = jwtExtended as unknown as Record<symbol, unknown>;
    expect(plugin[Symbol.for('skip-override')]).toBe(true);
    expect(plugin[Symbol.for('fastify.display-name')]).toBe('jwt-extended');
  });

  it('registered on the root, decorates the root and every child context', async () => {
    const app = Fastify();
    await app.register(jwtExtended, { manager: jwt });
    await app.register(async (child) => {
      child.get('/child', { onRequest: jwtRequired(jwt) }, async (request, reply) => {
        reply.setAccessCookies(alice);
        return { identity: request.jwt?.identity, childHasDecorator: child.hasReplyDecorator('unsetJwtCookies') };
      });
    });
    await app.ready();
    expect(app.hasRequestDecorator('jwt')).toBe(true);
    expect(app.hasReplyDecorator('setAccessCookies')).toBe(true);
    const res = await app.inject({ url: '/child', headers: bearer(alice) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ identity: 'alice', childHasDecorator: true });
    expect(res.headers['set-cookie']).toEqual(jwt.setCookieLines('access', alice));
  });

  it('registered from inside an app plugin that skips encapsulation, still decorates the root', async () => {
    // How apps usually wire auth: a plugins/auth.ts wrapped with fastify-plugin (skip-override).
    const authPlugin: FastifyPluginCallback = (instance, _options, done) => {
      instance.register(jwtExtended, { manager: jwt });
      done();
    };
    (authPlugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
    const app = Fastify();
    await app.register(authPlugin);
    app.get('/root', { onRequest: jwtRequired(jwt) }, async (request) => ({ identity: request.jwt?.identity }));
    await app.ready();
    expect(app.hasRequestDecorator('jwt')).toBe(true);
    expect(app.hasReplyDecorator('setRefreshCookies')).toBe(true);
    expect((await app.inject({ url: '/root', headers: bearer(bob) })).json()).toEqual({ identity: 'bob' });
  });

  it('registered inside a child context, serves that context', async () => {
    const app = Fastify();
    await app.register(async (child) => {
      await child.register(jwtExtended, { manager: jwt });
      child.get('/inside', { onRequest: jwtRequired(jwt) }, async (request, reply) => {
        reply.unsetAccessCookies();
        return { identity: request.jwt?.identity };
      });
    });
    await app.ready();
    const res = await app.inject({ url: '/inside', headers: bearer(alice) });
    expect(res.json()).toEqual({ identity: 'alice' });
    expect(res.headers['set-cookie']).toEqual(jwt.unsetCookieLines('access'));
  });

  it('is optional: the hook and the free cookie helpers work on an app without it', async () => {
    const app = Fastify();
    app.get('/bare', { onRequest: jwtRequired(jwt) }, async (request, reply) => {
      setAccessCookies(jwt, reply, alice);
      return { identity: request.jwt?.identity, decorated: app.hasRequestDecorator('jwt') };
    });
    const res = await app.inject({ url: '/bare', headers: bearer(alice) });
    expect(res.json()).toEqual({ identity: 'alice', decorated: false });
    expect(res.headers['set-cookie']).toEqual(jwt.setCookieLines('access', alice));
    expect((await app.inject({ url: '/bare' })).statusCode).toBe(401);
  });

  it('refuses options without a manager', async () => {
    const app = Fastify();
    await expect(app.register(jwtExtended, {} as never)).rejects.toThrow(JwtConfigError);
    await expect(Fastify().register(jwtExtended, {} as never)).rejects.toThrow(
      'jwtExtended: pass the JwtManager as { manager: jwt }',
    );
  });

  it('types request.jwt and fills it: the state when verified (anonymous on OPTIONS), null elsewhere', async () => {
    const app = await appWith((a) => {
      a.route({
        method: ['GET', 'OPTIONS'],
        url: '/typed',
        onRequest: jwtRequired(jwt),
        handler: async (request) => {
          expectTypeOf(request.jwt).toEqualTypeOf<RegisteredJwtState | null>();
          return { jwt: request.jwt };
        },
      });
      a.get('/open', async (request) => ({ jwt: request.jwt }));
    });
    const verified = (await app.inject({ url: '/typed', headers: bearer(alice) })).json().jwt as JwtState;
    expect(verified).toMatchObject({ identity: 'alice', location: 'headers', user: null, userLoaded: false });
    expect(verified.payload).toMatchObject({ sub: 'alice', type: 'access', fresh: false });
    expect(verified.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect((await app.inject({ url: '/open', headers: bearer(alice) })).json()).toEqual({ jwt: null });
    const options = await app.inject({ method: 'OPTIONS', url: '/typed' });
    expect(options.statusCode).toBe(200);
    expect(options.json()).toEqual({
      jwt: {
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

  it('lets routes with their own generics use the hook (type check)', async () => {
    const app = await appWith((a) => {
      a.post<{ Body: { n: number }; Querystring: { q?: string } }>(
        '/generic',
        { preHandler: jwtRequired(jwt) },
        async (request) => ({ n: request.body.n + 1, identity: request.jwt?.identity }),
      );
    });
    const res = await app.inject({ method: 'POST', url: '/generic', headers: bearer(alice), payload: { n: 1 } });
    expect(res.json()).toEqual({ n: 2, identity: 'alice' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('cookie helpers', () => {
  const accessLines = () => jwt.setCookieLines('access', alice);
  const refreshLines = () => jwt.setCookieLines('refresh', refresh);

  it('free functions and reply decorators write the manager lines, each its own Set-Cookie', async () => {
    const app = await appWith((a) => {
      a.get('/free', async (_request, reply) => {
        setAccessCookies(jwt, reply, alice);
        setRefreshCookies(jwt, reply, refresh);
        return {};
      });
      a.get('/decorated', async (_request, reply) => {
        reply.setAccessCookies(alice).setRefreshCookies(refresh);
        return {};
      });
      a.get('/unset-free', async (_request, reply) => {
        unsetJwtCookies(jwt, reply, { domain: 'example.com' });
        unsetAccessCookies(jwt, reply);
        unsetRefreshCookies(jwt, reply);
        return {};
      });
      a.get('/unset-decorated', async (_request, reply) => {
        reply.unsetJwtCookies({ domain: 'example.com' }).unsetAccessCookies().unsetRefreshCookies();
        return {};
      });
    });
    const both = [...accessLines(), ...refreshLines()];
    expect((await app.inject({ url: '/free' })).headers['set-cookie']).toEqual(both);
    expect((await app.inject({ url: '/decorated' })).headers['set-cookie']).toEqual(both);
    const unset = [
      ...jwt.unsetCookieLines('access', { domain: 'example.com' }),
      ...jwt.unsetCookieLines('refresh', { domain: 'example.com' }),
      ...jwt.unsetCookieLines('access'),
      ...jwt.unsetCookieLines('refresh'),
    ];
    expect(unset).toHaveLength(8);
    expect((await app.inject({ url: '/unset-free' })).headers['set-cookie']).toEqual(unset);
    expect((await app.inject({ url: '/unset-decorated' })).headers['set-cookie']).toEqual(unset);
  });

  it('keeps Set-Cookie lines written before and after them (no @fastify/cookie)', async () => {
    const app = await appWith((a) => {
      a.get('/mixed', async (_request, reply) => {
        reply.header('set-cookie', 'before=1; Path=/');
        reply.setAccessCookies(alice, { maxAge: 60 });
        reply.header('set-cookie', ['after=2', 'after=3']);
        return {};
      });
    });
    const lines = (await app.inject({ url: '/mixed' })).headers['set-cookie'];
    expect(lines).toEqual([
      'before=1; Path=/',
      ...jwt.setCookieLines('access', alice, { maxAge: 60 }),
      'after=2',
      'after=3',
    ]);
  });

  it('lives with @fastify/cookie: both keep each other’s cookies, through inject and a real server', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await app.register(jwtExtended, { manager: jwt });
    app.get('/both', { onRequest: jwtRequired(jwt, { locations: 'cookies' }) }, async (request, reply) => {
      reply.setCookie('theme', 'dark');
      reply.setRefreshCookies(refresh);
      reply.clearCookie('old');
      return { identity: request.jwt?.identity, cookies: request.cookies };
    });
    app.get('/only-plugin', async (_request, reply) => {
      reply.setCookie('solo', '1');
      setAccessCookies(jwt, reply, alice);
      return {};
    });
    const cookie = `access_token_cookie=${alice}; theme=light`;
    // @fastify/cookie serialises its own cookies in onSend, after ours, and appends to them.
    const expected = [
      ...refreshLines(),
      'theme=dark; SameSite=Lax',
      'old=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax',
    ];
    const injected = await app.inject({ url: '/both', headers: { cookie } });
    expect(injected.json()).toEqual({
      identity: 'alice',
      cookies: { access_token_cookie: alice, theme: 'light' },
    });
    expect(injected.headers['set-cookie']).toEqual(expected);
    expect((await app.inject({ url: '/only-plugin' })).headers['set-cookie']).toEqual([
      ...accessLines(),
      'solo=1; SameSite=Lax',
    ]);

    const base = await listen(app);
    const res = await fetch(`${base}/both`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the hook at each stage', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWith((a) => {
      const echo = async (request: { jwt: JwtState | null; body: unknown }) => ({
        identity: request.jwt?.identity ?? null,
        body: request.body ?? null,
      });
      a.post('/on-request', { onRequest: jwtRequired(jwt) }, echo);
      a.post('/pre-parsing', { preParsing: jwtRequired(jwt) }, echo);
      a.post('/pre-validation', { preValidation: jwtRequired(jwt) }, echo);
      a.post('/pre-handler', { preHandler: jwtRequired(jwt) }, echo);
      a.get('/head-too', { onRequest: jwtRequired(jwt) }, async () => ({ ok: true }));
    });
  });

  it('protects at onRequest, preParsing, preValidation and preHandler alike', async () => {
    for (const url of ['/on-request', '/pre-parsing', '/pre-validation', '/pre-handler']) {
      const ok = await app.inject({ method: 'POST', url, headers: bearer(alice), payload: { a: 1 } });
      expect([url, ok.statusCode, ok.json()]).toEqual([url, 200, { identity: 'alice', body: { a: 1 } }]);
      const refused = await app.inject({ method: 'POST', url, payload: { a: 1 } });
      expect([url, refused.statusCode, refused.json()]).toEqual([url, 401, { msg: 'Missing Authorization Header' }]);
      expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('onRequest refuses before Fastify reads the body; preHandler only after Fastify parsed it', async () => {
    const invalid = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, payload: '{"a":' };
    const early = await app.inject({ ...invalid, url: '/on-request' });
    expect([early.statusCode, early.json()]).toEqual([401, { msg: 'Missing Authorization Header' }]);
    const late = await app.inject({ ...invalid, url: '/pre-handler' });
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
  });

  it('leaves the app’s parser alone on routes that do not read the body', async () => {
    // Authenticated, so the request reaches Fastify's own JSON parser, which answers as usual.
    const res = await app.inject({
      method: 'POST',
      url: '/on-request',
      headers: { ...bearer(alice), 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    const plus = await app.inject({
      method: 'POST',
      url: '/on-request',
      headers: { ...bearer(alice), 'content-type': 'application/vnd.api+json' },
      payload: '{}',
    });
    expect(plus.statusCode).toBe(415);
  });

  it('runs for the HEAD route Fastify derives from GET', async () => {
    const refused = await app.inject({ method: 'HEAD', url: '/head-too' });
    expect([refused.statusCode, refused.body]).toEqual([401, '']);
    const ok = await app.inject({ method: 'HEAD', url: '/head-too', headers: bearer(alice) });
    expect([ok.statusCode, ok.body]).toEqual([200, '']);
    const wrongType = await app.inject({ method: 'HEAD', url: '/head-too', headers: bearer(refresh) });
    expect([wrongType.statusCode, wrongType.body]).toEqual([422, '']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the json location (hook at preParsing)', () => {
  let app: FastifyInstance;
  let base: string;
  const echo = async (request: { jwt: JwtState | null; body: unknown; headers: Record<string, unknown> }) => ({
    identity: request.jwt?.identity ?? null,
    location: request.jwt?.location ?? null,
    body: request.body === undefined ? '<undefined>' : request.body,
    contentType: request.headers['content-type'] ?? null,
  });
  beforeAll(async () => {
    app = await appWith((a) => {
      a.route({
        method: ['GET', 'POST'],
        url: '/json',
        preParsing: jwtRequired(jwt, { locations: 'json' }),
        handler: echo,
      });
      a.post('/json-refresh', { preParsing: jwtRequired(jwt, { refresh: true, locations: ['json'] }) }, echo);
      a.post(
        '/all',
        { preParsing: jwtRequired(jwt, { locations: ['headers', 'cookies', 'query_string', 'json'] }) },
        echo,
      );
      a.post('/json-small', { bodyLimit: 64, preParsing: jwtRequired(jwt, { locations: ['headers', 'json'] }) }, echo);
    });
    base = await listen(app);
  });

  const post = (url: string, contentType: string | undefined, payload: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: contentType === undefined ? headers : { 'content-type': contentType, ...headers },
      payload,
    });

  it('reads the token and leaves the parsed body and the real headers to the handler', async () => {
    const res = await post('/json', 'application/json', JSON.stringify({ access_token: alice, note: 'hi' }));
    expect([res.statusCode, res.json()]).toEqual([
      200,
      {
        identity: 'alice',
        location: 'json',
        body: { access_token: alice, note: 'hi' },
        contentType: 'application/json',
      },
    ]);
  });

  it('answers like flask where Fastify would answer 400 or 415', async () => {
    const cases: [string | undefined, string, number, unknown][] = [
      ['application/json', '{"access_token": ', 401, { msg: MISSING_JSON_KEY }], // invalid JSON
      ['application/json', '', 401, { msg: MISSING_JSON_KEY }], // empty body
      ['application/json', '[1,2]', 401, { msg: MISSING_JSON_KEY }], // array (flask: 500, an upstream bug)
      ['application/json', '{"other":1}', 401, { msg: MISSING_JSON_KEY }], // missing key
      ['application/json', '{"access_token":""}', 401, { msg: MISSING_JSON_KEY }], // falsy value
      ['application/json', '"just a string"', 401, { msg: MISSING_JSON_KEY }],
      ['application/x-www-form-urlencoded', `access_token=${alice}`, 401, { msg: NOT_JSON }],
      ['text/plain', JSON.stringify({ access_token: alice }), 401, { msg: NOT_JSON }],
      [undefined, '', 401, { msg: NOT_JSON }],
    ];
    for (const [type, payload, status, body] of cases) {
      const res = await post('/json', type, payload);
      expect([type, payload, res.statusCode, res.json()]).toEqual([type, payload, status, body]);
    }
  });

  it('accepts application/*+json and a charset', async () => {
    for (const type of ['application/vnd.api+json', 'application/json;charset=UTF-8', 'APPLICATION/JSON']) {
      const res = await post('/json', type, JSON.stringify({ access_token: bob }));
      expect([type, res.statusCode, res.json().identity, res.json().contentType]).toEqual([type, 200, 'bob', type]);
    }
  });

  it('reads a GET body (Fastify never does) and answers a GET without one', async () => {
    const withBody = await app.inject({
      method: 'GET',
      url: '/json',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ access_token: alice }),
    });
    expect([withBody.statusCode, withBody.json().identity]).toEqual([200, 'alice']);
    const without = await app.inject({ url: '/json' });
    expect([without.statusCode, without.json()]).toEqual([401, { msg: NOT_JSON }]);
  });

  it('uses refresh_token on refresh routes', async () => {
    const wrongKey = await post('/json-refresh', 'application/json', JSON.stringify({ access_token: refresh }));
    expect([wrongKey.statusCode, wrongKey.json()]).toEqual([401, { msg: 'Missing "refresh_token" key in json data.' }]);
    const ok = await post('/json-refresh', 'application/json', JSON.stringify({ refresh_token: refresh }));
    expect([ok.statusCode, ok.json().identity]).toEqual([200, 'alice']);
  });

  it('with the token elsewhere, a body Fastify would refuse reaches the handler as flask would', async () => {
    const invalid = await post('/all', 'application/json', '{"a":', bearer(alice));
    expect([invalid.statusCode, invalid.json()]).toEqual([
      200,
      { identity: 'alice', location: 'headers', body: '<undefined>', contentType: 'application/json' },
    ]);
    const plus = await post('/all', 'application/vnd.api+json', '{"a":1}', bearer(alice));
    expect([plus.statusCode, plus.json().body]).toEqual([200, { a: 1 }]);
    const missing = await post('/all', 'application/json', '{"a":1}');
    expect([missing.statusCode, missing.json()]).toEqual([401, { msg: ALL_MISSING(MISSING_JSON_KEY) }]);
  });

  it('treats a body over the route’s bodyLimit as absent', async () => {
    const big = JSON.stringify({ access_token: alice, padding: 'x'.repeat(100) });
    const refused = await post('/json-small', 'application/json', big);
    expect([refused.statusCode, refused.json()]).toEqual([
      401,
      { msg: `Missing JWT in headers or json (Missing Authorization Header; ${MISSING_JSON_KEY})` },
    ]);
    // Authenticated by header: the unread body is Fastify's business again (its own 413).
    const tooLarge = await post('/json-small', 'application/json', big, bearer(bob));
    expect(tooLarge.statusCode).toBe(413);
  });

  it('works the same over a real socket, chunked bodies included', async () => {
    const send = (type: string, body: string | ReadableStream) =>
      fetch(`${base}/json`, { method: 'POST', headers: { 'content-type': type }, body, duplex: 'half' } as RequestInit);
    const invalid = await send('application/json', '{"access_token": ');
    expect([invalid.status, await invalid.json()]).toEqual([401, { msg: MISSING_JSON_KEY }]);
    const empty = await send('application/json', '');
    expect([empty.status, await empty.json()]).toEqual([401, { msg: MISSING_JSON_KEY }]);
    const plus = await send('application/vnd.api+json', JSON.stringify({ access_token: alice }));
    expect([plus.status, ((await plus.json()) as { identity: string }).identity]).toEqual([200, 'alice']);
    const chunks = [`{"access_token":"${bob.slice(0, 20)}`, `${bob.slice(20)}"}`];
    const chunked = await send('application/json', Readable.toWeb(Readable.from(chunks)) as ReadableStream);
    expect([chunked.status, ((await chunked.json()) as { identity: string }).identity]).toEqual([200, 'bob']);
  });

  it('reads the payload as earlier preParsing hooks left it (e.g. decompressed)', async () => {
    const gz = await appWith((a) => {
      a.post(
        '/gz',
        {
          preParsing: [
            (request, _reply, payload, done) => {
              if (request.headers['content-encoding'] !== 'gzip') return done(null, payload);
              const gunzip = createGunzip();
              done(null, payload.pipe(gunzip));
            },
            jwtRequired(jwt, { locations: 'json' }),
          ],
        },
        echo,
      );
    });
    const res = await gz.inject({
      method: 'POST',
      url: '/gz',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ access_token: alice })),
    });
    expect([res.statusCode, res.json().identity, res.json().body]).toEqual([200, 'alice', { access_token: alice }]);
  });

  it('falls back to Fastify’s parser, never hangs, when a later hook looks at the headers first', async () => {
    const peek = await appWith((a) => {
      a.post(
        '/peek',
        {
          preParsing: [
            jwtRequired(jwt, { locations: ['headers', 'json'] }),
            (request, _reply, payload, done) => {
              void request.headers; // spends the one look the adapter arranged for Fastify
              done(null, payload);
            },
          ],
        },
        echo,
      );
    });
    const valid = await peek.inject({
      method: 'POST',
      url: '/peek',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ access_token: alice }),
    });
    expect([valid.statusCode, valid.json().body]).toEqual([200, { access_token: alice }]);
    const invalid = await peek.inject({
      method: 'POST',
      url: '/peek',
      headers: { ...bearer(alice), 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(invalid.statusCode).toBe(400); // Fastify's own answer: the documented cost of that order
  });

  it('registered at onRequest on a body route, says so through the error handler', async () => {
    const errors: unknown[] = [];
    const wrong = await appWith((a) => {
      a.setErrorHandler(async (error, _request, reply) => {
        errors.push(error);
        return reply.code(500).send({ code: (error as { code?: string }).code });
      });
      a.post('/wrong', { onRequest: jwtRequired(jwt, { locations: 'json' }) }, echo);
    });
    const res = await wrong.inject({
      method: 'POST',
      url: '/wrong',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ access_token: alice }),
    });
    expect([res.statusCode, res.json()]).toEqual([500, { code: 'ERR_JWT_CONFIG' }]);
    expect(errors[0]).toBeInstanceOf(JwtConfigError);
    expect((errors[0] as Error).message).toContain("register the hook as the route's preParsing hook");
  });
});

describe('csrfCheckForm (form body, hook at preParsing)', () => {
  it('reads the CSRF field of a urlencoded body, which Fastify has no parser for', async () => {
    const formJwt = manager({ tokenLocation: ['cookies'], csrfCheckForm: true });
    const token = await formJwt.createAccessToken('carol');
    const csrf = formJwt.getCsrfToken(token);
    const app = await appWith((a) => {
      a.post('/form', { preParsing: jwtRequired(formJwt) }, async (request) => ({
        identity: request.jwt?.identity,
        body: { ...(request.body as object) },
      }));
    }, formJwt);
    const send = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/form',
        headers: { cookie: `access_token_cookie=${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      });
    const ok = await send(`csrf_token=${csrf}&tag=a&tag=b`);
    expect([ok.statusCode, ok.json()]).toEqual([
      200,
      { identity: 'carol', body: { csrf_token: csrf, tag: ['a', 'b'] } },
    ]);
    const wrong = await send('csrf_token=nope');
    expect([wrong.statusCode, wrong.json()]).toEqual([401, { msg: 'CSRF double submit tokens do not match' }]);
    const none = await send('tag=a');
    expect([none.statusCode, none.json()]).toEqual([401, { msg: 'Missing CSRF token' }]);
  });
});

describe('csrfCheckForm leaves multipart bodies to the app’s parser', () => {
  it('does not read a multipart body: the CSRF value then comes from the header', async () => {
    const formJwt = manager({ tokenLocation: ['cookies'], csrfCheckForm: true });
    const token = await formJwt.createAccessToken('erin');
    const app = await appWith((a) => {
      // Stands in for @fastify/multipart: it must still receive the untouched stream.
      a.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (_request, body, done) =>
        done(null, { raw: body }),
      );
      a.post('/upload', { preParsing: jwtRequired(formJwt) }, async (request) => ({
        identity: request.jwt?.identity,
        body: request.body,
      }));
    }, formJwt);
    const payload = '--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nx\r\n--b--\r\n';
    const res = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: {
        cookie: `access_token_cookie=${token}`,
        'x-csrf-token': formJwt.getCsrfToken(token),
        'content-type': 'multipart/form-data; boundary=b',
      },
      payload,
    });
    expect([res.statusCode, res.json()]).toEqual([200, { identity: 'erin', body: { raw: payload } }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('jwt-extended/context in Fastify handlers', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = await appWith((a) => {
      const handler = async () => {
        const before = getJwtIdentity();
        await sleep(5);
        const after = getJwtIdentity();
        await Promise.resolve();
        return { before, after };
      };
      a.get('/ctx', { onRequest: jwtRequired(jwt) }, handler);
      a.post('/ctx-body', { onRequest: jwtRequired(jwt) }, handler); // Fastify's async body parser in between
      a.get('/ctx-pre-handler', { preHandler: jwtRequired(jwt) }, handler);
      a.post('/ctx-json', { preParsing: jwtRequired(jwt, { locations: 'json' }) }, handler);
      a.post('/ctx-pre-parsing', { preParsing: jwtRequired(jwt) }, handler);
      a.get('/ctx-callback', { onRequest: jwtRequired(jwt) }, (_request, reply) => {
        setTimeout(() => void reply.send({ later: getJwtIdentity() }), 5);
      });
      a.get('/open', async () => {
        try {
          return { identity: getJwtIdentity() };
        } catch (error) {
          return { error: (error as Error).constructor.name, message: (error as Error).message };
        }
      });
      a.get('/explicit', { onRequest: jwtRequired(jwt) }, async (request) => ({ identity: getIdentityOf(request) }));
    });
    base = await listen(app);
  });

  it('sees the request in the handler, after an await, whatever the stage and body', async () => {
    const expected = { before: 'alice', after: 'alice' };
    expect((await app.inject({ url: '/ctx', headers: bearer(alice) })).json()).toEqual(expected);
    expect(
      (await app.inject({ method: 'POST', url: '/ctx-body', headers: bearer(alice), payload: { x: 1 } })).json(),
    ).toEqual(expected);
    expect((await app.inject({ url: '/ctx-pre-handler', headers: bearer(alice) })).json()).toEqual(expected);
    expect((await app.inject({ method: 'POST', url: '/ctx-json', payload: { access_token: alice } })).json()).toEqual(
      expected,
    );
    expect(
      (await app.inject({ method: 'POST', url: '/ctx-pre-parsing', headers: bearer(alice), payload: { x: 1 } })).json(),
    ).toEqual(expected);
    expect((await app.inject({ url: '/ctx-callback', headers: bearer(alice) })).json()).toEqual({ later: 'alice' });
    expect((await app.inject({ url: '/explicit', headers: bearer(alice) })).json()).toEqual({ identity: 'alice' });
  });

  it('throws the documented error outside a protected route', async () => {
    expect(() => getJwtIdentity()).toThrow(JwtNotVerifiedError);
    expect((await app.inject({ url: '/open', headers: bearer(alice) })).json()).toEqual({
      error: 'JwtNotVerifiedError',
      message: NOT_VERIFIED,
    });
  });

  it('keeps concurrent requests apart over real sockets, and nothing leaks to the next request on a kept-alive one', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<unknown>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { agent, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(JSON.parse(text)));
        });
        req.on('error', reject).end();
      });
    try {
      expect(await get('/ctx', bearer(alice))).toEqual({ before: 'alice', after: 'alice' });
      expect(await get('/open')).toEqual({ error: 'JwtNotVerifiedError', message: NOT_VERIFIED });
      expect(await get('/ctx', bearer(bob))).toEqual({ before: 'bob', after: 'bob' });
      expect(await get('/open')).toEqual({ error: 'JwtNotVerifiedError', message: NOT_VERIFIED });
    } finally {
      agent.destroy();
    }
    const parallel = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${base}/ctx`, { headers: bearer(i % 2 === 0 ? alice : bob) }).then((r) => r.json()),
      ),
    );
    expect(parallel).toEqual(
      Array.from({ length: 10 }, (_, i) => {
        const who = i % 2 === 0 ? 'alice' : 'bob';
        return { before: who, after: who };
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('errors', () => {
  const failing = (error: Error) =>
    manager({
      userLookupLoader: () => {
        throw error;
      },
    });

  it('a bug in a callback reaches the app’s error handler as thrown (sync and async)', async () => {
    for (const [label, jwtManager, error] of [
      ['sync', failing(new Error('db down')), 'db down'],
      [
        'async',
        manager({ tokenVerificationLoader: () => Promise.reject(new Error('async db down')) }),
        'async db down',
      ],
    ] as const) {
      const seen: unknown[] = [];
      const app = await appWith((a) => {
        a.setErrorHandler(async (err, _request, reply) => {
          seen.push(err);
          return reply.code(503).send({ handled: (err as Error).message });
        });
        a.get('/p', { onRequest: jwtRequired(jwtManager) }, async () => ({ ok: true }));
      }, jwtManager);
      const token = await jwtManager.createAccessToken('alice');
      const res = await app.inject({ url: '/p', headers: bearer(token) });
      expect([label, res.statusCode, res.json()]).toEqual([label, 503, { handled: error }]);
      expect(seen).toHaveLength(1);
      // A client error on the same app still answers normally.
      expect((await app.inject({ url: '/p' })).statusCode).toBe(401);
    }
  });

  it('without an error handler of the app, Fastify’s default answers 500, also over a real socket', async () => {
    const jwtManager = failing(new Error('db down'));
    const app = await appWith((a) => {
      a.get('/p', { preHandler: jwtRequired(jwtManager) }, async () => ({ ok: true }));
    }, jwtManager);
    const token = await jwtManager.createAccessToken('alice');
    const res = await fetch(`${await listen(app)}/p`, { headers: bearer(token) });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ statusCode: 500, message: 'db down' });
  });

  it('a response callback with an impossible status is a server error, not a crash', async () => {
    const jwtManager = manager({ unauthorizedLoader: () => ({ status: 99, body: { no: 'way' } }) });
    const app = await appWith((a) => {
      a.get('/p', { onRequest: jwtRequired(jwtManager) }, async () => ({ ok: true }));
    }, jwtManager);
    const res = await app.inject({ url: '/p' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'FST_ERR_BAD_STATUS_CODE' });
  });

  it('serialises callback bodies and headers like every other adapter', async () => {
    const jwtManager = manager({
      unauthorizedLoader: (reason) => ({ status: 403, body: reason, headers: { 'www-authenticate': 'Bearer' } }),
      invalidTokenLoader: () => ({ status: 400, body: undefined }),
    });
    const app = await appWith((a) => {
      a.get('/p', { onRequest: jwtRequired(jwtManager) }, async () => ({ ok: true }));
    }, jwtManager);
    const text = await app.inject({ url: '/p' });
    expect([text.statusCode, text.body, text.headers['content-type'], text.headers['www-authenticate']]).toEqual([
      403,
      '"Missing Authorization Header"',
      'application/json; charset=utf-8',
      'Bearer',
    ]);
    const empty = await app.inject({ url: '/p', headers: bearer('xxx') });
    expect([empty.statusCode, empty.body]).toEqual([400, '']);
  });

  it('verifyJwtInRequest in a handler, answered by jwtErrorHandler', async () => {
    const jwtManager = manager({
      tokenVerificationLoader: (_h, p) => (p.sub === 'boom' ? Promise.reject(new Error('boom')) : true),
    });
    const app = await appWith((a) => {
      a.setErrorHandler(jwtErrorHandler(jwtManager));
      a.get('/by-hand', async (request) => {
        const state = await verifyJwtInRequest(jwtManager, request, { optional: true });
        return { identity: state?.identity ?? null, slot: request.jwt?.identity ?? null };
      });
      a.get('/strict', async (request) => {
        await verifyJwtInRequest(jwtManager, request);
        return { identity: getIdentityOf(request) };
      });
      a.post('/by-hand-json', async (request) => {
        const state = await verifyJwtInRequest(jwtManager, request, { locations: 'json' });
        return { identity: state?.identity };
      });
      a.route({
        method: 'OPTIONS',
        url: '/by-hand-options',
        handler: async (request) => ({ state: await verifyJwtInRequest(jwtManager, request) }),
      });
    }, jwtManager);
    const token = await jwtManager.createAccessToken('dave');
    expect((await app.inject({ url: '/by-hand' })).json()).toEqual({ identity: null, slot: null });
    expect((await app.inject({ url: '/by-hand', headers: bearer(token) })).json()).toEqual({
      identity: 'dave',
      slot: 'dave',
    });
    const refused = await app.inject({ url: '/strict' });
    expect([refused.statusCode, refused.json()]).toEqual([401, { msg: 'Missing Authorization Header' }]);
    const expired = await app.inject({
      url: '/strict',
      headers: bearer(await jwtManager.createAccessToken('dave', { expiresDelta: -10 })),
    });
    expect([expired.statusCode, expired.json()]).toEqual([401, { msg: 'Token has expired' }]);
    const boom = await app.inject({ url: '/strict', headers: bearer(await jwtManager.createAccessToken('boom')) });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toMatchObject({ message: 'boom' });
    const json = await app.inject({ method: 'POST', url: '/by-hand-json', payload: { access_token: token } });
    expect(json.json()).toEqual({ identity: 'dave' });
    expect((await app.inject({ method: 'OPTIONS', url: '/by-hand-options' })).json()).toEqual({
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
});
