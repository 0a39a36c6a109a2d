/**
 * Checks of `jwt-extended/fetch` beyond the behaviour suite (which runs every row through it over
 * real HTTP): the glue, driven by calling handlers with real `Request` objects, as a runtime does.
 * The same handler object, the runtime's extra arguments, bodies the handler can still read,
 * cookies on a `Response` or its `Headers`, hand verification and error routing, the request scope.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  getCurrentUser,
  getJwtIdentity,
  getJwtRequestLocation,
  jwtErrorHandler,
  jwtRequired,
  readJwtState,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
  verifyJwtInRequest,
} from '../../src/adapters/fetch.js';
import * as scope from '../../src/context.js';
import { JwtConfigError, JwtManager, type JwtManagerOptions, JwtNotVerifiedError } from '../../src/index.js';

const NOW_MS = Date.UTC(2030, 0, 1, 12, 0, 0);
const URL_BASE = 'http://app.test';
const MIB = 1024 * 1024;

function manager(options: JwtManagerOptions = {}): JwtManager {
  return new JwtManager({ secretKey: 'foobarbaz', clock: () => NOW_MS, ...options });
}

function bearer(token: string, init: RequestInit = {}, path = '/'): Request {
  return new Request(URL_BASE + path, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
}

/** A body stream without a declared length (sent chunked), in `size`-byte chunks. */
function chunked(text: string, size = 1000): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

describe('jwtRequired', () => {
  it('hands the handler the same Request (a subclass stays itself) and the runtime arguments', async () => {
    class NextLikeRequest extends Request {
      readonly nextUrl = new URL(this.url);
    }
    const jwt = manager();
    const token = await jwt.createAccessToken('alice');
    const env = { DB: 'binding' };
    const seen: unknown[] = [];
    const handler = jwtRequired(jwt, (request: NextLikeRequest, e: typeof env, ctx: { id: number }) => {
      seen.push(request, e, ctx);
      return Response.json({ who: getJwtIdentity(request), path: request.nextUrl.pathname });
    });
    expectTypeOf(handler).parameters.toEqualTypeOf<[NextLikeRequest, typeof env, { id: number }]>();
    const request = new NextLikeRequest(`${URL_BASE}/me`, { headers: { authorization: `Bearer ${token}` } });
    const response = await handler(request, env, { id: 7 });
    expect(await response.json()).toEqual({ who: 'alice', path: '/me' });
    expect(seen).toEqual([request, env, { id: 7 }]);
    expect(seen[0]).toBe(request);
    expect(readJwtState(request)?.identity).toBe('alice');
  });

  it("answers flask's JSON error without calling the handler", async () => {
    let called = false;
    const handler = jwtRequired(manager(), () => ((called = true), new Response('secret')));
    const response = await handler(new Request(URL_BASE));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ msg: 'Missing Authorization Header' });
    expect(called).toBe(false);
  });

  it('takes route options: a refresh route refuses an access token (422) and takes a refresh token', async () => {
    const jwt = manager();
    const handler = jwtRequired(jwt, { refresh: true }, (request) => Response.json(getJwtIdentity(request)));
    const access = await handler(bearer(await jwt.createAccessToken('bob')));
    expect([access.status, await access.json()]).toEqual([422, { msg: 'Only refresh tokens are allowed' }]);
    const refresh = await handler(bearer(await jwt.createRefreshToken('bob')));
    expect([refresh.status, await refresh.json()]).toEqual([200, 'bob']);
  });

  it('refuses a bad option or a missing handler at start-up, not per request', () => {
    const jwt = manager();
    expect(() => jwtRequired(jwt, { locations: ['nowhere' as 'headers'] }, () => new Response())).toThrow(
      JwtConfigError,
    );
    expect(() => (jwtRequired as (...args: unknown[]) => unknown)(jwt, { optional: true })).toThrow(
      /the handler \(request\) => Response is missing/,
    );
  });

  it('lets a throwing callback reject (the runtime answers 500), never as a client error', async () => {
    const jwt = manager();
    jwt.userLookupLoader(() => {
      throw new Error('database down');
    });
    const handler = jwtRequired(jwt, () => new Response('unreachable'));
    await expect(handler(bearer(await jwt.createAccessToken('carol')))).rejects.toThrow('database down');
  });

  it('gives the current user and the location to the handler', async () => {
    const jwt = manager({ tokenLocation: ['cookies', 'headers'] });
    jwt.userLookupLoader((_header, payload) => ({ name: payload.sub, admin: false }));
    const handler = jwtRequired(jwt, (request) =>
      Response.json({ user: getCurrentUser(request), location: getJwtRequestLocation(request) }),
    );
    const token = await jwt.createAccessToken('dave');
    const response = await handler(new Request(URL_BASE, { headers: { cookie: `access_token_cookie=${token}` } }));
    expect(await response.json()).toEqual({ user: { name: 'dave', admin: false }, location: 'cookies' });
  });
});

describe('bodies', () => {
  const jwt = manager({ tokenLocation: ['json'] });
  const echo = jwtRequired(jwt, async (request) =>
    Response.json({ who: getJwtIdentity(request), body: await request.text() }),
  );

  it('reads a JSON token from the body and leaves the whole body to the handler', async () => {
    const body = JSON.stringify({ access_token: await jwt.createAccessToken('erin'), note: 'kept' });
    const response = await echo(
      new Request(URL_BASE, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
    );
    expect(await response.json()).toEqual({ who: 'erin', body });
  });

  it('the same for a chunked body without Content-Length', async () => {
    const body = JSON.stringify({ access_token: await jwt.createAccessToken('erin'), pad: 'x'.repeat(5000) });
    const request = new Request(URL_BASE, {
      method: 'POST',
      body: chunked(body),
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    expect(await (await echo(request)).json()).toEqual({ who: 'erin', body });
  });

  it('does not read a chunked body over 1 MiB (no token found: 401) yet the handler of an optional route gets it whole', async () => {
    const optional = jwtRequired(jwt, { optional: true }, async (request) =>
      Response.json({ who: getJwtIdentity(request), length: (await request.text()).length }),
    );
    const body = JSON.stringify({ access_token: await jwt.createAccessToken('erin'), pad: 'x'.repeat(MIB) });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit;
    const refused = await echo(new Request(URL_BASE, { ...init, body: chunked(body, 64 * 1024) }));
    expect([refused.status, await refused.json()]).toEqual([401, { msg: 'Missing "access_token" key in json data.' }]);
    const passed = await optional(new Request(URL_BASE, { ...init, body: chunked(body, 64 * 1024) }));
    expect(await passed.json()).toEqual({ who: null, length: body.length });
  });

  it('reads the CSRF form field of a multipart body (csrfCheckForm)', async () => {
    const cookieJwt = manager({ tokenLocation: ['cookies'], csrfCheckForm: true });
    const token = await cookieJwt.createAccessToken('frank');
    const csrf = (cookieJwt.decodeTokenSync(token) as { csrf: string }).csrf;
    const handler = jwtRequired(cookieJwt, async (request) =>
      Response.json({ who: getJwtIdentity(request), file: ((await request.formData()).get('f') as File).name }),
    );
    const form = new FormData();
    form.append('csrf_token', csrf);
    form.append('f', new Blob(['data']), 'a.txt');
    const request = new Request(URL_BASE, {
      method: 'POST',
      body: form,
      headers: { cookie: `access_token_cookie=${token}` },
    });
    expect(await (await handler(request)).json()).toEqual({ who: 'frank', file: 'a.txt' });
  });
});

describe('cookie helpers', () => {
  it("append the manager's exact lines to a Response after the lines already there", async () => {
    const jwt = manager({ tokenLocation: ['cookies'] });
    const access = await jwt.createAccessToken('gina');
    const refresh = await jwt.createRefreshToken('gina');
    const response = Response.json({ login: true }, { headers: { 'set-cookie': 'theme=dark' } });
    setAccessCookies(jwt, response, access);
    setRefreshCookies(jwt, response.headers, refresh);
    expect(response.headers.getSetCookie()).toEqual([
      'theme=dark',
      ...jwt.setCookieLines('access', access),
      ...jwt.setCookieLines('refresh', refresh),
    ]);
    const logout = new Response(null, { status: 204 });
    unsetJwtCookies(jwt, logout, { domain: 'example.com' });
    expect(logout.headers.getSetCookie()).toEqual([
      ...jwt.unsetCookieLines('access', { domain: 'example.com' }),
      ...jwt.unsetCookieLines('refresh', { domain: 'example.com' }),
    ]);
  });

  it('throw on a Response with immutable headers (Response.redirect) instead of losing the cookie', async () => {
    const jwt = manager({ tokenLocation: ['cookies'] });
    const token = await jwt.createAccessToken('hank');
    expect(() => setAccessCookies(jwt, Response.redirect(`${URL_BASE}/home`, 303), token)).toThrow(TypeError);
    const copy = new Response(null, Response.redirect(`${URL_BASE}/home`, 303));
    setAccessCookies(jwt, copy, token);
    expect(copy.headers.getSetCookie()).toEqual(jwt.setCookieLines('access', token));
  });
});

describe('verifyJwtInRequest and jwtErrorHandler', () => {
  const jwt = manager();
  const handler = jwtErrorHandler(jwt, async (request: Request) => {
    if (new URL(request.url).pathname === '/boom') throw new Error('not a client error');
    const state = await verifyJwtInRequest(jwt, request, { fresh: true });
    return Response.json({ who: state?.identity, again: getJwtIdentity(request) });
  });

  it('verifies by hand and leaves the state on the request', async () => {
    const response = await handler(bearer(await jwt.createAccessToken('ivy', { fresh: true })));
    expect(await response.json()).toEqual({ who: 'ivy', again: 'ivy' });
  });

  it("turns a client error into flask's answer, rethrows any other", async () => {
    const stale = await handler(bearer(await jwt.createAccessToken('ivy')));
    expect([stale.status, await stale.json()]).toEqual([401, { msg: 'Fresh token required' }]);
    await expect(handler(new Request(`${URL_BASE}/boom`))).rejects.toThrow('not a client error');
  });

  it("rethrows a getter read on an unverified request (the app's bug, not a client's): never a 200", async () => {
    const careless = jwtErrorHandler(jwt, (request: Request) => Response.json(getCurrentUser(request)));
    await expect(careless(new Request(URL_BASE))).rejects.toBeInstanceOf(JwtNotVerifiedError);
  });
});

describe('request scope (jwt-extended/context)', () => {
  it('the zero-argument getters work inside the handler, across awaits', async () => {
    const jwt = manager();
    const handler = jwtRequired(jwt, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return Response.json({ who: scope.getJwtIdentity() });
    });
    const [a, b] = await Promise.all([
      handler(bearer(await jwt.createAccessToken('jack'))),
      handler(bearer(await jwt.createAccessToken('kate'))),
    ]);
    expect([await a.json(), await b.json()]).toEqual([{ who: 'jack' }, { who: 'kate' }]);
  });
});
