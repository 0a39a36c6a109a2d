/**
 * The adapter kit's own parts, without a framework: the Node request port over a real socket
 * (first value of a repeated header, and the report that it was repeated), the web port, the one
 * response writer and the cookie helpers generated once.
 */
import { type IncomingMessage, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { JwtManager } from '../../src/index.js';
import {
  NodeRequestPort,
  WebRequestPort,
  COOKIE_HELPER_NAMES,
  asNodeIncoming,
  bindCookieMethods,
  bodyKindFor,
  createCookieHelpers,
  firstFormValues,
  writeJwtResponse,
} from '../../src/kit/index.js';

/** Sends raw header lines (fetch cannot send two Authorization lines) and captures the request. */
async function receive(lines: string[]): Promise<IncomingMessage> {
  let captured: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    captured = req;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/p?x=1', method: 'GET', headers: ['Host', '127.0.0.1', ...lines] },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end();
  });
  await new Promise((resolve) => server.close(resolve));
  return captured as IncomingMessage;
}

describe('NodeRequestPort', () => {
  it('reads the first of two Authorization lines and reports the repeat', async () => {
    const req = await receive(['Authorization', 'Bearer first', 'Authorization', 'Bearer second', 'X-One', 'a']);
    const port = new NodeRequestPort(req, req.url ?? '/', {});
    expect([port.method, port.url, port.header('authorization')]).toEqual(['GET', '/p?x=1', 'Bearer first']);
    expect([port.headerRepeated('authorization'), port.headerRepeated('x-one'), port.headerRepeated('x-none')]).toEqual(
      [true, false, false],
    );
  });

  it('reads the body from its slot, and a form field only from a form body', () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const form = new NodeRequestPort({ method: 'POST', headers }, '/', { body: { csrf_token: ['a', 'b'] } });
    const json = new NodeRequestPort({ method: 'POST', headers: { 'content-type': 'application/json' } }, '/', {
      body: { csrf_token: 'a' },
    });
    expect([form.formField('csrf_token'), json.formField('csrf_token'), json.jsonBody()]).toEqual([
      'a',
      undefined,
      { csrf_token: 'a' },
    ]);
  });
});

describe('asNodeIncoming', () => {
  it('takes a real IncomingMessage and refuses what is not one (a fetch Request, a Hono env without it)', async () => {
    const req = await receive(['X-One', 'a']);
    expect(asNodeIncoming(req)).toBe(req);
    expect(asNodeIncoming(new Request('http://x/'))).toBeUndefined();
    expect(asNodeIncoming({ rawHeaders: [], headers: null })).toBeUndefined();
    expect(asNodeIncoming({ headers: {} })).toBeUndefined();
    expect(asNodeIncoming(undefined)).toBeUndefined();
  });
});

describe('firstFormValues', () => {
  it('keeps the first of repeated multipart fields, as flask reads request.form[name]', async () => {
    const form = new FormData();
    form.append('csrf_token', 'first');
    form.append('csrf_token', 'second');
    form.append('other', 'x');
    const fields = await firstFormValues(new Request('http://x/', { method: 'POST', body: form }));
    expect({ ...fields }).toEqual({ csrf_token: 'first', other: 'x' });
    expect(Object.getPrototypeOf(fields)).toBeNull(); // a field named __proto__ stays a field
  });

  it('rejects a body that is not multipart, as formData() does', async () => {
    const bad = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
      body: 'not multipart',
    });
    await expect(firstFormValues(bad)).rejects.toThrow();
  });
});

describe('WebRequestPort', () => {
  it('reads a fetch Request, and cannot tell a repeated header', () => {
    const req = new Request('http://127.0.0.1/p?jwt=t', { headers: { authorization: 'Bearer x' } });
    const port = new WebRequestPort(req, { body: { a: 1 } });
    expect([port.method, port.url, port.header('authorization'), port.header('cookie'), port.jsonBody()]).toEqual([
      'GET',
      'http://127.0.0.1/p?jwt=t',
      'Bearer x',
      undefined,
      { a: 1 },
    ]);
    expect('headerRepeated' in port).toBe(false);
  });
});

describe('writeJwtResponse', () => {
  it('appends Set-Cookie, replaces other headers, then sends status and body', () => {
    const calls: unknown[] = [];
    const result = writeJwtResponse(
      {
        header: (name, value, append) => calls.push(['header', name, value, append]),
        send: (status, body) => (calls.push(['send', status, body]), 'sent'),
      },
      { status: 401, body: { msg: 'x' }, headers: { 'Set-Cookie': 'a=1', 'X-Y': 'z' } },
    );
    expect(result).toBe('sent');
    expect(calls).toEqual([
      ['header', 'Set-Cookie', 'a=1', true],
      ['header', 'X-Y', 'z', false],
      ['send', 401, { msg: 'x' }],
    ]);
  });
});

describe('createCookieHelpers', () => {
  const jwt = new JwtManager({ secretKey: 'kit-test-secret-0123456789abcdef0123456789' });
  const token = jwt.createAccessTokenSync('alice');
  const helpers = createCookieHelpers<string[]>((sink, lines) => sink.push(...lines));

  it("writes the manager's exact lines, set and unset", () => {
    const sink: string[] = [];
    helpers.setAccessCookies(jwt, sink, token, { maxAge: 60 });
    helpers.unsetJwtCookies(jwt, sink, { domain: 'example.com' });
    expect(sink).toEqual([
      ...jwt.setCookieLines('access', token, { maxAge: 60 }),
      ...jwt.unsetCookieLines('access', { domain: 'example.com' }),
      ...jwt.unsetCookieLines('refresh', { domain: 'example.com' }),
    ]);
  });

  it('unsets each pair alone', () => {
    const sink: string[] = [];
    helpers.unsetRefreshCookies(jwt, sink);
    helpers.unsetAccessCookies(jwt, sink);
    expect(sink).toEqual([...jwt.unsetCookieLines('refresh'), ...jwt.unsetCookieLines('access')]);
  });
});

describe('bindCookieMethods', () => {
  const jwt = new JwtManager({ secretKey: 'kit-test-secret-0123456789abcdef0123456789' });
  const token = jwt.createAccessTokenSync('alice');
  const helpers = createCookieHelpers<{ lines: string[] }>((sink, lines) => sink.lines.push(...lines));

  it('gives the five helpers as methods on `this`, bound to the manager, each returning `this`', () => {
    const methods = bindCookieMethods(helpers, jwt);
    expect(Object.keys(methods).sort()).toEqual([...COOKIE_HELPER_NAMES].sort());
    const reply = { lines: [] as string[], ...methods };
    expect(reply.setAccessCookies(token, { maxAge: 60 })).toBe(reply);
    expect(reply.unsetRefreshCookies({ domain: 'example.com' })).toBe(reply);
    expect(reply.lines).toEqual([
      ...jwt.setCookieLines('access', token, { maxAge: 60 }),
      ...jwt.unsetCookieLines('refresh', { domain: 'example.com' }),
    ]);
  });
});

describe('bodyKindFor', () => {
  const json = { needsJsonBody: true, needsFormBody: false };
  const form = { needsJsonBody: false, needsFormBody: true };

  it('picks the body a route reads from its content type', () => {
    expect(bodyKindFor(json, 'application/json; charset=utf-8', 'POST')).toBe('json');
    expect(bodyKindFor(form, 'application/x-www-form-urlencoded')).toBe('form');
    expect(bodyKindFor(form, 'multipart/form-data; boundary=x', 'PUT')).toBe('multipart');
    expect(bodyKindFor(json, 'text/plain', 'POST')).toBeNull();
  });

  it("reads no body on OPTIONS, whatever its case: it passes unverified, so its body is the app's", () => {
    expect(bodyKindFor(json, 'application/json', 'OPTIONS')).toBeNull();
    expect(bodyKindFor(form, 'application/x-www-form-urlencoded', 'options')).toBeNull();
  });
});
