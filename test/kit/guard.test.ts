/**
 * The kit's middleware flow (guard.ts) and its web-standard pieces, without a framework: the
 * verdict written through the glue's target or the state kept and `next` run in the request
 * scope, synchronously when the configuration is; verification by hand; client errors answered,
 * others rethrown; the web port's bounded body and the web response writer.
 */
import { describe, expect, it } from 'vitest';
import { JwtManager, NoAuthorizationError, readJwtState } from '../../src/index.js';
import {
  type AdapterGlue,
  type RequestPort,
  WebRequestPort,
  answerClientError,
  appendWebSetCookie,
  createCookieHelpers,
  guardRequest,
  parseWebBody,
  verifyInRequest,
  webRequestPort,
  webResponseTarget,
} from '../../src/kit/index.js';

const secretKey = 'kit-guard-secret-0123456789abcdef0123456789';

/** A request as a port, and a carrier that records what the glue did with it. */
interface Carrier {
  authorization?: string;
  method?: string;
  kept?: unknown;
  written?: [number, unknown];
}

function portOf(carrier: Carrier): RequestPort {
  return {
    method: carrier.method ?? 'GET',
    url: '/p',
    header: (name) => (name === 'authorization' ? carrier.authorization : undefined),
    jsonBody: () => undefined,
    formField: () => undefined,
  };
}

const glue: AdapterGlue<Carrier, Carrier, string> = {
  port: portOf,
  target: (sink) => ({
    header: () => undefined,
    send: (status, body) => ((sink.written = [status, body]), 'written'),
  }),
  keep: (carrier, state) => void (carrier.kept = state.identity),
};

/** The same glue whose port must first read a body (a promise). */
const slowGlue: AdapterGlue<Carrier, Carrier, string> = { ...glue, port: async (carrier) => portOf(carrier) };

describe('guardRequest', () => {
  const jwt = new JwtManager({ secretKey });
  const route = jwt.compileRoute();
  const bearer = `Bearer ${jwt.createAccessTokenSync('alice')}`;

  it('keeps the state and returns next() in one synchronous call for a synchronous configuration', () => {
    const carrier: Carrier = { authorization: bearer };
    const result = guardRequest(jwt, glue, route, carrier, carrier, () => 'next');
    expect(result).toBe('next');
    expect(carrier.kept).toBe('alice');
    expect(readJwtState(carrier)?.identity).toBe('alice');
    expect(carrier.written).toBeUndefined();
  });

  it("writes the refusal through the target, returns the target's result, and never calls next", async () => {
    const carrier: Carrier = {};
    let called = false;
    // A refusal is a promise: the error callbacks may be asynchronous.
    const result = await guardRequest(jwt, glue, route, carrier, carrier, () => (called = true));
    expect(result).toBe('written');
    expect(carrier.written).toEqual([401, { msg: 'Missing Authorization Header' }]);
    expect([called, carrier.kept]).toEqual([false, undefined]);
  });

  it("lets OPTIONS through unverified, with flask's anonymous state", () => {
    const carrier: Carrier = { method: 'OPTIONS' };
    expect(guardRequest(jwt, glue, route, carrier, carrier, () => 'next')).toBe('next');
    expect(['kept' in carrier, carrier.kept, carrier.written]).toEqual([true, null, undefined]);
  });

  it('waits for a port that reads a body, then does the same', async () => {
    const carrier: Carrier = { authorization: bearer };
    const result = guardRequest(jwt, slowGlue, route, carrier, carrier, () => 'next');
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe('next');
    expect(carrier.kept).toBe('alice');
  });

  it('waits for an asynchronous loader, and rejects with an error that is not a client one', async () => {
    const asyncJwt = new JwtManager({ secretKey, userLookupLoader: async (payload) => ({ name: payload.sub }) });
    const carrier: Carrier = { authorization: `Bearer ${asyncJwt.createAccessTokenSync('bob')}` };
    expect(await guardRequest(asyncJwt, glue, asyncJwt.compileRoute(), carrier, carrier, () => 'next')).toBe('next');
    expect(carrier.kept).toBe('bob');
    const broken = new JwtManager({
      secretKey,
      userLookupLoader: async () => {
        throw new Error('database down');
      },
    });
    const other: Carrier = { authorization: `Bearer ${broken.createAccessTokenSync('bob')}` };
    await expect(guardRequest(broken, glue, broken.compileRoute(), other, other, () => 'next')).rejects.toThrow(
      'database down',
    );
    expect(other.written).toBeUndefined();
  });
});

describe('verifyInRequest', () => {
  const jwt = new JwtManager({ secretKey });

  it('resolves to the state and keeps it; anonymous for an optional route without a token', async () => {
    const carrier: Carrier = { authorization: `Bearer ${jwt.createAccessTokenSync('carol')}` };
    expect((await verifyInRequest(jwt, slowGlue, carrier))?.identity).toBe('carol');
    expect(carrier.kept).toBe('carol');
    const anonymous: Carrier = {};
    expect((await verifyInRequest(jwt, glue, anonymous, { optional: true }))?.payload).toEqual({});
    expect(['kept' in anonymous, anonymous.kept]).toEqual([true, null]);
  });

  it('rejects with the client error, for an error handler to answer', async () => {
    await expect(verifyInRequest(jwt, glue, {})).rejects.toMatchObject({ name: 'NoAuthorizationError' });
  });
});

describe('answerClientError', () => {
  const jwt = new JwtManager({ secretKey });

  it("writes flask's answer for a client error and rethrows any other", async () => {
    const sink: Carrier = {};
    expect(await answerClientError(jwt, glue, sink, new NoAuthorizationError('nope'))).toBe('written');
    expect(sink.written?.[0]).toBe(401);
    const bug = new TypeError('a bug');
    await expect(answerClientError(jwt, glue, {}, bug)).rejects.toBe(bug);
  });
});

describe('webRequestPort', () => {
  const jwt = new JwtManager({ secretKey, tokenLocation: ['headers', 'json'], csrfCheckForm: true });
  const jsonRoute = jwt.compileRoute({ locations: 'json' });

  it('is synchronous, without a body, when the route reads none or the request is OPTIONS', () => {
    const headerRoute = jwt.compileRoute({ locations: 'headers' });
    const post = new Request('http://x/p', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    const port = webRequestPort(post, headerRoute) as WebRequestPort;
    expect(port).toBeInstanceOf(WebRequestPort);
    expect(port.jsonBody()).toBeUndefined();
    const options = new Request('http://x/p', {
      method: 'OPTIONS',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(webRequestPort(options, jsonRoute)).toBeInstanceOf(WebRequestPort);
  });

  it('reads the JSON body from a clone: the handler still gets all of it', async () => {
    const request = new Request('http://x/p', {
      method: 'POST',
      body: '\uFEFF{"access_token":"t"}',
      headers: { 'content-type': 'application/json' },
    });
    const port = await webRequestPort(request, jsonRoute);
    expect(port.jsonBody()).toEqual({ access_token: 't' });
    expect(new Uint8Array(await request.arrayBuffer()).length).toBe(23); // BOM (3 bytes) and 20 characters
  });

  it('reads a multipart form as its first values, and treats a body over 1 MiB or invalid JSON as absent', async () => {
    const form = new FormData();
    form.append('csrf_token', 'first');
    form.append('csrf_token', 'second');
    const formRoute = jwt.compileRoute({ locations: 'headers' });
    const multipart = await webRequestPort(new Request('http://x/p', { method: 'POST', body: form }), {
      ...formRoute,
      needsFormBody: true,
    });
    expect(multipart.formField('csrf_token')).toBe('first');
    const big = new Request('http://x/p', {
      method: 'POST',
      body: JSON.stringify({ access_token: 'x'.repeat(1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect((await webRequestPort(big, jsonRoute)).jsonBody()).toBeUndefined();
    const invalid = new Request('http://x/p', {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect((await webRequestPort(invalid, jsonRoute)).jsonBody()).toBeUndefined();
  });
});

describe('parseWebBody', () => {
  it('parses JSON and urlencoded text, and gives undefined for invalid multipart', async () => {
    expect(await parseWebBody('json', new Response('{"a":1}'))).toEqual({ a: 1 });
    expect({ ...((await parseWebBody('form', new Response('csrf_token=a&csrf_token=b'))) as object) }).toEqual({
      csrf_token: ['a', 'b'],
    });
    const bad = new Response('not multipart', { headers: { 'content-type': 'multipart/form-data; boundary=zz' } });
    expect(await parseWebBody('multipart', bad)).toBeUndefined();
  });
});

describe('webResponseTarget and appendWebSetCookie', () => {
  it('builds a JSON Response with the headers, or one without a body', async () => {
    const target = webResponseTarget();
    target.header('Set-Cookie', 'a=1', true);
    target.header('Set-Cookie', 'b=2', true);
    target.header('X-Y', 'z', false);
    const response = target.send(401, { msg: 'x' });
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect([response.headers.get('x-y'), response.headers.get('content-type')]).toEqual(['z', 'application/json']);
    expect(await response.json()).toEqual({ msg: 'x' });
    const empty = webResponseTarget().send(204, undefined);
    expect([empty.status, empty.body, empty.headers.get('content-type')]).toEqual([204, null, null]);
  });

  it("appends the manager's cookie lines to a Response or to Headers, after those already there", () => {
    const jwt = new JwtManager({ secretKey });
    const cookies = createCookieHelpers<Response | Headers>(appendWebSetCookie);
    const response = new Response(null, { headers: { 'set-cookie': 'app=1' } });
    cookies.unsetAccessCookies(jwt, response);
    const headers = new Headers();
    cookies.unsetRefreshCookies(jwt, headers);
    expect(response.headers.getSetCookie()).toEqual(['app=1', ...jwt.unsetCookieLines('access')]);
    expect(headers.getSetCookie()).toEqual(jwt.unsetCookieLines('refresh'));
  });
});
