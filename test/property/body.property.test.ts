/**
 * The body readers' limits, on random bodies cut into random chunks: `readBodyText` gives the exact
 * text of a body within the limit and nothing for one over it, and then leaves every byte for the
 * next reader; `bufferWebBody` says "within" exactly when the body fits and keeps it whole;
 * `readWebBody` (the fetch adapter's reader) gives the exact bytes within the limit, nothing over
 * it, and leaves the caller's request with its whole body either way.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferWebBody, readBodyText, readWebBody } from '../../src/kit/index.js';
import { fuzzParameters, fuzzTimeout } from '../helpers/property.js';

/** A body as chunks (some empty), and a limit near its size so both sides of the bound are hit. */
const bodyAndLimit = fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }).chain((chunks) => {
  const size = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  return fc.tuple(fc.constant(chunks), fc.integer({ min: Math.max(0, size - 3), max: size + 3 }));
});

function concat(chunks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(chunks.map((c) => Buffer.from(c)));
}

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

describe('readBodyText', () => {
  const runs = 300;
  it(
    'gives the exact text within the limit, undefined over it, and leaves an unread body whole',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyAndLimit, async ([chunks, limit]) => {
          const bytes = concat(chunks);
          const stream = Readable.from(
            chunks.filter((c) => c.byteLength > 0).map((c) => Buffer.from(c)),
            { objectMode: false },
          );
          const text = await readBodyText(stream, limit);
          if (bytes.byteLength <= limit) {
            expect(text).toBe(new TextDecoder().decode(bytes));
          } else {
            expect(text).toBeUndefined();
            expect((await drain(stream)).equals(bytes)).toBe(true);
          }
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs, 10),
  );

  it(
    'never reads a request whose Content-Length is over the limit or absent',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyAndLimit, fc.boolean(), async ([chunks, limit], declare) => {
          const bytes = concat(chunks);
          const stream = Object.assign(Readable.from([bytes]), {
            headers: declare ? { 'content-length': String(bytes.byteLength) } : {},
          });
          const text = await readBodyText(stream, limit);
          if (declare && bytes.byteLength > 0 && bytes.byteLength <= limit) {
            expect(text).toBe(new TextDecoder().decode(bytes));
          } else {
            expect(text).toBeUndefined();
            expect((await drain(stream)).equals(bytes)).toBe(true);
          }
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs, 10),
  );
});

/** A streamed fetch `Request` of these chunks, with or without its true Content-Length. */
function webRequest(chunks: readonly Uint8Array[], declare: boolean): Request {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
  const headers = declare ? { 'content-length': String(concat(chunks).byteLength) } : undefined;
  return new Request('http://127.0.0.1/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

describe('readWebBody', () => {
  const runs = 200;
  it(
    'gives the exact bytes within the limit, undefined over it, and the request keeps its whole body',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyAndLimit, fc.boolean(), async ([chunks, limit], declare) => {
          const bytes = concat(chunks);
          const request = webRequest(chunks, declare);
          const read = await readWebBody(request, limit);
          if (bytes.byteLength <= limit) expect(read && Buffer.from(read).equals(bytes)).toBe(true);
          else expect(read).toBeUndefined();
          expect(request.bodyUsed).toBe(false);
          expect(Buffer.from(await request.arrayBuffer()).equals(bytes)).toBe(true);
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs, 10),
  );
});

describe('bufferWebBody', () => {
  const runs = 200;
  it(
    'is within the limit exactly when the body fits, and the request keeps the whole body',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyAndLimit, async ([chunks, limit]) => {
          const bytes = concat(chunks);
          const { request, withinLimit } = await bufferWebBody(webRequest(chunks, false), limit);
          expect(withinLimit).toBe(bytes.byteLength <= limit);
          expect(Buffer.from(await request.arrayBuffer()).equals(bytes)).toBe(true);
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs, 10),
  );
});
