/**
 * The core's body reader on real `IncomingMessage`s (a loopback server, each test driving one
 * request by hand with node:http): what it reads, what it leaves unread, that a body it does not
 * take reaches a later reader whole, and that it always settles. Also the fetch-`Request` bound.
 */
import {
  Agent,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BodyRoute,
  type BodyStream,
  type NodeBodyRequest,
  MAX_BODY_BYTES,
  bufferWebBody,
  firstHeaderValue,
  isUrlEncodedContentType,
  readBodyText,
  readRouteBody,
} from '../../src/kit/index.js';

const JSON_ROUTE: BodyRoute = { needsJsonBody: true, needsFormBody: false };
const FORM_ROUTE: BodyRoute = { needsJsonBody: false, needsFormBody: true };
const JSON_TYPE = { 'content-type': 'application/json' };

let server: Server;
let port = 0;
const waiting: ((exchange: Exchange) => void)[] = [];

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

beforeAll(async () => {
  server = createServer((req, res) => waiting.shift()?.({ req, res }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Sent {
  /** The request as the test's client holds it (to abort it). */
  readonly client: ClientRequest;
  /** The request as the server received it, and its response. */
  readonly exchange: Promise<Exchange>;
  /** The client's view of the answer: status and text; `null` when the client aborted. */
  readonly answer: Promise<{ status: number; text: string } | null>;
}

/**
 * Opens a request on a fresh connection and writes `chunks` (each its own write, 5 ms apart);
 * ends it unless `end` is false. Without a content-length header the body goes out chunked.
 */
function open(
  headers: Record<string, string>,
  chunks: readonly (string | Buffer)[],
  end = true,
  method = 'POST',
): Sent {
  const exchange = new Promise<Exchange>((resolve) => waiting.push(resolve));
  const client = request({ host: '127.0.0.1', port, method, path: '/', headers, agent: false });
  const answer = new Promise<{ status: number; text: string } | null>((resolve) => {
    client.on('error', () => resolve(null));
    client.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
    });
  });
  void (async () => {
    client.flushHeaders();
    for (const chunk of chunks) {
      client.write(chunk);
      await sleep(5);
    }
    if (end) client.end();
  })();
  return { client, exchange, answer };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything still in the stream, as a later reader (a parser, a handler) gets it. */
async function rest(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Buffer | string));
  return Buffer.concat(parts);
}

/** Resolves to 'pending' if `promise` has not settled within `ms`. */
function settlesWithin<T>(promise: Promise<T>, ms = 1000): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

/** Ends the exchange with a 200 `text` and waits for the client to have it. */
async function answer(sent: Sent, text = 'ok'): Promise<void> {
  (await sent.exchange).res.end(text);
  expect(await sent.answer).toEqual({ status: 200, text });
}

describe('readRouteBody', () => {
  it('reads and parses a JSON body', async () => {
    const text = JSON.stringify({ access_token: 'a.b.c', n: 1 });
    const sent = open({ ...JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) }, [text]);
    const { req } = await sent.exchange;
    expect(await readRouteBody(req, JSON_ROUTE)).toEqual({
      kind: 'json',
      text,
      value: { access_token: 'a.b.c', n: 1 },
    });
    expect(req.readableEnded).toBe(true);
    await answer(sent);
  });

  it('reads an urlencoded form into a prototype-less record, repeated names as arrays', async () => {
    const text = 'csrf_token=a&csrf_token=b&note=a+b%21&__proto__=x';
    const sent = open(
      { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', 'content-length': String(text.length) },
      [text],
    );
    const body = await readRouteBody((await sent.exchange).req, FORM_ROUTE);
    expect(body?.kind).toBe('form');
    expect(body?.text).toBe(text);
    expect(Object.getPrototypeOf(body?.value)).toBeNull();
    expect({ ...(body?.value as object) }).toEqual({ csrf_token: ['a', 'b'], note: 'a b!', ['__proto__']: 'x' });
    await answer(sent);
  });

  it('keeps the text of invalid JSON, with no value (no token, never a 400)', async () => {
    const text = '{"access_token": ';
    const sent = open({ ...JSON_TYPE, 'content-length': String(text.length) }, [text]);
    expect(await readRouteBody((await sent.exchange).req, JSON_ROUTE)).toEqual({
      kind: 'json',
      text,
      value: undefined,
    });
    await answer(sent);
  });

  it('drops a UTF-8 BOM, as flask does for JSON', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"Zoë"}')]);
    const sent = open({ ...JSON_TYPE, 'content-length': String(bytes.length) }, [bytes]);
    expect(await readRouteBody((await sent.exchange).req, JSON_ROUTE)).toEqual({
      kind: 'json',
      text: '{"name":"Zoë"}',
      value: { name: 'Zoë' },
    });
    await answer(sent);
  });

  it('leaves alone a body the route does not read: other type, multipart, OPTIONS, no route need', async () => {
    const cases: [Record<string, string>, BodyRoute, string][] = [
      [{ 'content-type': 'text/plain' }, JSON_ROUTE, 'POST'],
      [JSON_TYPE, FORM_ROUTE, 'POST'],
      [{ 'content-type': 'multipart/form-data; boundary=x' }, FORM_ROUTE, 'POST'],
      [JSON_TYPE, JSON_ROUTE, 'OPTIONS'],
      [JSON_TYPE, { needsJsonBody: false, needsFormBody: false }, 'POST'],
    ];
    for (const [headers, route, method] of cases) {
      const text = '{"access_token":"x"}';
      const sent = open({ ...headers, 'content-length': String(text.length) }, [text], true, method);
      const { req } = await sent.exchange;
      expect([headers, method, await readRouteBody(req, route)]).toEqual([headers, method, undefined]);
      expect(req.readableDidRead).toBe(false);
      expect((await rest(req)).toString()).toBe(text);
      await answer(sent);
    }
  });
});

describe('readBodyText', () => {
  it('reads a chunked body, a character split across chunks included', async () => {
    const euro = Buffer.from('€'); // three bytes, sent in two chunks
    const chunks = [Buffer.from('{"a":"'), euro.subarray(0, 1), euro.subarray(1), Buffer.from('"}')];
    const sent = open(JSON_TYPE, chunks);
    const { req } = await sent.exchange;
    expect(req.headers['transfer-encoding']).toBe('chunked');
    expect(await readBodyText(req)).toBe('{"a":"€"}');
    await answer(sent);
  });

  it('does not read a body whose Content-Length is over the limit: a later reader gets every byte', async () => {
    const text = 'x'.repeat(100);
    const sent = open({ 'content-length': '100' }, [text]);
    const { req } = await sent.exchange;
    expect(await readBodyText(req, 99)).toBeUndefined();
    expect(req.readableDidRead).toBe(false);
    expect((await rest(req)).toString()).toBe(text);
    await answer(sent);
  });

  it('puts back a chunked body found over the limit, as found: a later reader gets every byte', async () => {
    const chunks = Array.from({ length: 6 }, (_, index) => String(index).repeat(1000));
    const sent = open({}, chunks);
    const { req } = await sent.exchange;
    expect(await readBodyText(req, 2500)).toBeUndefined();
    expect([req.readableFlowing, req.listenerCount('readable'), req.listenerCount('end')]).toEqual([null, 0, 0]);
    expect((await rest(req)).toString()).toBe(chunks.join(''));
    await answer(sent);
  });

  it('keeps a kept-alive connection usable when no one reads the body it put back', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) =>
      new Promise<string>((resolve, reject) => {
        const exchange = new Promise<Exchange>((resolveExchange) => waiting.push(resolveExchange));
        void exchange.then(async ({ req, res }) => res.end(String(await readBodyText(req, 1000))));
        const client = request({ host: '127.0.0.1', port, method: 'POST', agent }, (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
        });
        client.on('error', reject);
        for (let offset = 0; offset < body.length; offset += 64 * 1024)
          client.write(body.slice(offset, offset + 64 * 1024));
        client.end();
      });
    try {
      // Larger than the socket buffers: unless Node drains it, the upload never ends.
      expect(await post('x'.repeat(5 * 1024 * 1024))).toBe('undefined');
      expect(await settlesWithin(post('small'), 5000)).toBe('small');
    } finally {
      agent.destroy();
    }
  });

  it('reads a body of exactly the limit', async () => {
    const sent = open({}, ['a'.repeat(600), 'b'.repeat(400)]);
    expect(await readBodyText((await sent.exchange).req, 1000)).toBe('a'.repeat(600) + 'b'.repeat(400));
    await answer(sent);
  });

  it('settles with undefined on a stream already read, being read, or destroyed', async () => {
    const consumed = open({ 'content-length': '5' }, ['hello']);
    const first = (await consumed.exchange).req;
    expect((await rest(first)).toString()).toBe('hello');
    expect(await settlesWithin(readBodyText(first))).toBeUndefined();
    await answer(consumed);

    const flowing = open({}, ['hel', 'lo']);
    const second = (await flowing.exchange).req;
    const seen = rest(second); // a 'data' consumer started first
    expect(await settlesWithin(readBodyText(second))).toBeUndefined();
    expect((await seen).toString()).toBe('hello');
    await answer(flowing);

    const destroyed = open({ 'content-length': '5' }, ['hello']);
    const third = (await destroyed.exchange).req;
    third.destroy();
    expect(await settlesWithin(readBodyText(third))).toBeUndefined();
    expect(await destroyed.answer).toBeNull();
  });

  it('does not read a request that declares no body', async () => {
    const sent = open({}, [], true, 'GET');
    const { req } = await sent.exchange;
    expect(await readBodyText(req)).toBeUndefined();
    expect(req.readableDidRead).toBe(false);
    await answer(sent);
  });

  for (const framing of ['content-length', 'chunked'] as const) {
    it(`settles with undefined when the client aborts mid-body (${framing})`, async () => {
      const sent = open(framing === 'chunked' ? {} : { 'content-length': '1000' }, ['partial'], false);
      const { req } = await sent.exchange;
      const text = readBodyText(req);
      await sleep(20); // the first bytes are in, the reader waits for more
      sent.client.destroy();
      expect(await settlesWithin(text)).toBeUndefined();
      expect(await sent.answer).toBeNull();
    });
  }

  it('settles with undefined when the server destroys the request mid-body, without an error', async () => {
    const sent = open({ 'content-length': '1000' }, ['partial'], false);
    const { req } = await sent.exchange;
    const text = readBodyText(req);
    await sleep(20);
    req.destroy(); // a timeout, a framework giving up: 'close' alone, no 'error'
    expect(await settlesWithin(text)).toBeUndefined();
    expect(await sent.answer).toBeNull();
  });

  it('reads any Readable without headers (e.g. a decompressed payload), strings included', async () => {
    expect(await readBodyText(Readable.from(['{"a":', Buffer.from('1}')]))).toBe('{"a":1}');
    const bytes = new PassThrough();
    bytes.end(Buffer.from('\ufeffplain'));
    expect(await readBodyText(bytes)).toBe('plain');
  });

  it('puts back an object-mode stream over the limit chunk by chunk, in order', async () => {
    const stream = Readable.from(['abc', 'def', 'ghi']);
    expect(await readBodyText(stream, 5)).toBeUndefined();
    const later: unknown[] = [];
    for await (const chunk of stream) later.push(chunk);
    expect(later).toEqual(['abc', 'def', 'ghi']);
  });

  it('takes Node request streams as they are typed', () => {
    const fromHttp = (req: IncomingMessage): NodeBodyRequest => req;
    const fromHttp2 = (req: Http2ServerRequest): NodeBodyRequest => req;
    const fromReadable = (stream: Readable): BodyStream => stream;
    expect([fromHttp, fromHttp2, fromReadable]).toHaveLength(3);
    expect(MAX_BODY_BYTES).toBe(1024 * 1024);
  });
});

describe('bufferWebBody', () => {
  const url = 'http://localhost/';
  const streamOf = (chunks: readonly string[]) =>
    new Request(url, {
      method: 'POST',
      body: Readable.toWeb(Readable.from(chunks.map((c) => Buffer.from(c)))) as ReadableStream,
      duplex: 'half',
    });

  it('trusts a declared Content-Length and reads nothing', async () => {
    const within = new Request(url, { method: 'POST', body: 'hello', headers: { 'content-length': '5' } });
    expect(await bufferWebBody(within, 5)).toEqual({ request: within, withinLimit: true });
    const over = new Request(url, { method: 'POST', body: 'hello', headers: { 'content-length': '5' } });
    expect(await bufferWebBody(over, 4)).toEqual({ request: over, withinLimit: false });
    expect(over.bodyUsed).toBe(false);
  });

  it('buffers a streamed body within the limit, still readable', async () => {
    const { request, withinLimit } = await bufferWebBody(streamOf(['{"a":', '1}']), 7);
    expect([withinLimit, await request.text()]).toEqual([true, '{"a":1}']);
  });

  it('replays a streamed body over the limit whole', async () => {
    const chunks = ['a'.repeat(100), 'b'.repeat(100), 'c'.repeat(100)];
    const { request, withinLimit } = await bufferWebBody(streamOf(chunks), 150);
    expect([withinLimit, await request.text()]).toEqual([false, chunks.join('')]);
  });

  it('does not read an absent or used body', async () => {
    expect((await bufferWebBody(new Request(url))).withinLimit).toBe(false);
    const used = streamOf(['x']);
    await used.text();
    expect((await bufferWebBody(used)).withinLimit).toBe(false);
  });
});

describe('small helpers', () => {
  it('firstHeaderValue takes the first of a repeated header', () => {
    expect([
      firstHeaderValue('a'),
      firstHeaderValue(['b', 'c']),
      firstHeaderValue([]),
      firstHeaderValue(undefined),
    ]).toEqual(['a', 'b', undefined, undefined]);
  });

  it('isUrlEncodedContentType matches the media type only', () => {
    expect(
      [
        'application/x-www-form-urlencoded',
        ' Application/X-WWW-Form-Urlencoded ; charset=utf-8',
        'application/x-www-form-urlencodedx',
        'multipart/form-data',
      ].map(isUrlEncodedContentType),
    ).toEqual([true, true, false, false]);
  });
});
