/**
 * The web-standard side of the kit: a {@link RequestPort} over a fetch `Request`, and a bound on
 * its body that never loses it, for runtimes without Node streams.
 *
 * @module
 */
import type { RequestPort } from '../ports.js';
import { type BodyKind, type BodyRoute, MAX_BODY_BYTES, bodyKindFor, formFieldOf, parseRouteBody } from './body.js';
import type { ResponseTarget } from './response.js';
import type { BodySlot } from './node.js';

/**
 * The core's view of a fetch `Request`. Fetch's `Headers` join a repeated header with ", ", so
 * this port cannot tell a repeated header (it has no `headerRepeated`); on Node, prefer
 * {@link NodeRequestPort} over the `IncomingMessage`.
 *
 * @example
 * ```ts
 * jwt.authorize(c, new WebRequestPort(c.req.raw, { body: parsed }), route)
 * ```
 */
export class WebRequestPort implements RequestPort {
  readonly #request: Request;
  readonly #slot: BodySlot;
  constructor(request: Request, slot: BodySlot) {
    this.#request = request;
    this.#slot = slot;
  }
  get method(): string {
    return this.#request.method;
  }
  get url(): string {
    return this.#request.url;
  }
  header(name: string): string | undefined {
    return this.#request.headers.get(name) ?? undefined;
  }
  jsonBody(): unknown {
    return this.#slot.body;
  }
  formField(name: string): string | undefined {
    return formFieldOf(this.#slot.body, this.header('content-type'), name);
  }
}

/** A fetch `Request` after {@link bufferWebBody}: the one to use from now on, and whether to read it. */
export interface BufferedWebBody {
  /** The request with its body intact (in memory, or replayed whole when over the limit). */
  readonly request: Request;
  /** True when the body may be read in full: there is one, unused, within the limit. */
  readonly withinLimit: boolean;
}

/**
 * The fetch-`Request` counterpart of {@link readBodyText}'s bound, for runtimes without Node
 * streams: decides whether the body is within `limit` without losing it. A declared
 * `Content-Length` decides alone; otherwise the body is read up to `limit` and the request
 * replaced by an equal one whose body is still unread (buffered, or replayed whole when longer).
 * An absent or used body is not read.
 *
 * @example
 * ```ts
 * const { request, withinLimit } = await bufferWebBody(c.req.raw)
 * c.req.raw = request
 * const text = withinLimit ? await c.req.text() : undefined
 * ```
 */
export async function bufferWebBody(request: Request, limit = MAX_BODY_BYTES): Promise<BufferedWebBody> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !request.headers.has('transfer-encoding')) {
    const length = Number(declared);
    return { request, withinLimit: Number.isSafeInteger(length) && length <= limit };
  }
  if (request.body === null || request.bodyUsed) return { request, withinLimit: false };
  const reader = request.body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { request: new Request(request, { body: concat(head) }), withinLimit: true };
    head.push(value);
    size += value.byteLength;
    if (size > limit) {
      const body = replay(head, reader);
      return { request: new Request(request, { body, duplex: 'half' }), withinLimit: false };
    }
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The chunks already read, then the rest of the original stream. */
function replay(
  head: readonly Uint8Array[],
  rest: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = head[index];
      if (chunk !== undefined) {
        index++;
        controller.enqueue(chunk);
        return;
      }
      const { done, value } = await rest.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => rest.cancel(reason),
  });
}

/**
 * Reads a fetch `Request`'s body up to `limit` bytes without consuming it: the bytes come from a
 * `clone()`, so the request the handler receives still has its whole body, and no new `Request`
 * replaces the caller's (a framework's subclass such as Next.js's `NextRequest` stays itself).
 * `undefined` when there is no body, it was used already, it is (or declares itself) longer than
 * `limit`, or the client hung up.
 *
 * @example
 * ```ts
 * const bytes = await readWebBody(request) // Uint8Array | undefined; request.json() still works
 * ```
 */
export async function readWebBody(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array | undefined> {
  if (request.body === null || request.bodyUsed) return undefined;
  const declared = request.headers.get('content-length');
  if (declared !== null && !request.headers.has('transfer-encoding') && !(Number(declared) <= limit)) return undefined;
  // A tee: what this reader takes is kept for the original's reader too; cancelling this branch
  // (over the limit) leaves the original's branch whole.
  const reader = (request.clone().body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return concat(chunks);
      chunks.push(value);
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => undefined);
        return undefined;
      }
    }
  } catch {
    return undefined; // the client hung up mid-body
  }
}

/**
 * A multipart body as the core reads a form: each field's first value (flask reads
 * `request.form[name]`, the first of repeated fields). Rejects as `formData()` does on a body
 * that is not valid multipart.
 *
 * @example
 * ```ts
 * const fields = await firstFormValues(c.req) // { csrf_token: '...' }
 * ```
 */
export async function firstFormValues(body: { formData(): Promise<FormData> }): Promise<Record<string, unknown>> {
  const fields = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of await body.formData()) if (!(name in fields)) fields[name] = value;
  return fields;
}

/**
 * A body of the kind {@link bodyKindFor} chose, parsed from anything with `text()` and
 * `formData()` (a `Request`, a `Response`, Hono's `c.req`); `undefined` when it cannot be read
 * (a client that hung up) or is not valid multipart, as for a missing body.
 *
 * @example
 * ```ts
 * const body = await parseWebBody('json', c.req) // Hono's cache keeps it for c.req.json()
 * ```
 */
export async function parseWebBody(
  kind: BodyKind,
  source: { text(): Promise<string>; formData(): Promise<FormData> },
): Promise<unknown> {
  try {
    return kind === 'multipart' ? await firstFormValues(source) : parseRouteBody(kind, await source.text());
  } catch {
    return undefined;
  }
}

const NO_BODY = Object.freeze({ body: undefined });
const utf8 = new TextDecoder();

/**
 * The port of a web-standard handler's `Request`, with the body the route needs (JSON for the
 * `json` location, a form for `csrfCheckForm`) read from a clone and bounded (see
 * {@link readWebBody}): the handler still gets the whole body. Synchronous when the route reads
 * no body (or the request is OPTIONS, which passes unverified: its body is the app's).
 *
 * @example
 * ```ts
 * const outcome = jwt.authorize(request, await webRequestPort(request, route), route)
 * ```
 */
export function webRequestPort(request: Request, route: BodyRoute): WebRequestPort | Promise<WebRequestPort> {
  const contentType = request.headers.get('content-type') ?? undefined;
  const kind = bodyKindFor(route, contentType, request.method);
  if (kind === null) return new WebRequestPort(request, NO_BODY);
  return readWebBody(request).then(async (bytes) => {
    if (bytes === undefined) return new WebRequestPort(request, NO_BODY);
    if (kind !== 'multipart') return new WebRequestPort(request, { body: parseRouteBody(kind, utf8.decode(bytes)) });
    // Parsed from the bounded bytes (not the request's own body, which stays the handler's).
    const copy = new Response(bytes, { headers: { 'content-type': contentType ?? '' } });
    return new WebRequestPort(request, { body: await parseWebBody(kind, copy) });
  });
}

/**
 * The response writer's target for web-standard handlers: each call builds a new `Response`
 * (JSON body, or none) with the verdict's headers.
 *
 * @example
 * ```ts
 * return writeJwtResponse(webResponseTarget(), await jwt.errorResponse(error))
 * ```
 */
export function webResponseTarget(): ResponseTarget<Response> {
  const headers = new Headers();
  return {
    header: (name, value, append) => (append ? headers.append(name, value) : headers.set(name, value)),
    send: (status, body) => {
      if (body === undefined) return new Response(null, { status, headers });
      headers.set('content-type', 'application/json');
      return new Response(JSON.stringify(body), { status, headers });
    },
  };
}

/**
 * The cookie helpers' way of writing to a `Response` or its `Headers`: each line appended after
 * the `Set-Cookie` lines already there (see `createCookieHelpers`).
 *
 * @example
 * ```ts
 * const cookies = createCookieHelpers<Response | Headers>(appendWebSetCookie)
 * ```
 */
export function appendWebSetCookie(response: Response | Headers, lines: readonly string[]): void {
  const headers = response instanceof Headers ? response : response.headers;
  for (const line of lines) headers.append('Set-Cookie', line);
}
