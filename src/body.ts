/**
 * Request bodies for the `json` location and `csrfCheckForm`, read the same way on every
 * framework: bounded, lenient (an unreadable or invalid body is simply absent, so the core answers
 * flask's 401 instead of a parser's 400), prototype-safe, and non-destructive (a body the core
 * does not take is left, byte for byte, to whoever reads it next).
 *
 * @module
 */
import { isJsonContentType } from './locations/index.js';

/** Bodies larger than this are treated as absent. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Node's parsed request headers (`IncomingMessage#headers`). */
export type NodeHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The part of a Node readable stream the reader uses: an `IncomingMessage`, an HTTP/2 request, or
 * any `Readable` (e.g. a decompressed payload). It is read in paused mode, so that it can be put
 * back exactly as it was found.
 */
export interface BodyStream {
  /** An HTTP request's headers: a body that is absent or declared too long is then not read at all. */
  readonly headers?: NodeHeaders;
  readonly readableEnded: boolean;
  readonly readableFlowing: boolean | null;
  readonly destroyed: boolean;
  /** Node ≥ 16.7: some of the body was read already. */
  readonly readableDidRead?: boolean;
  read(): unknown;
  unshift(chunk: never): void;
  on(event: 'readable' | 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  off(event: 'readable' | 'end' | 'close', listener: () => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
}

const utf8 = new TextDecoder();

/**
 * Reads a request stream to text (UTF-8, a leading BOM dropped, as Python's `json.loads` does), or
 * `undefined`, without ever losing a byte for a later reader:
 * - an HTTP request declaring no body, or a `Content-Length` over `limit`, is not read;
 * - a stream already ended, destroyed, flowing or partly read belongs to someone else: not read;
 * - a body found over `limit` while reading is pushed back, and the stream left as found;
 * - a request that fails or is aborted while reading settles with `undefined`.
 *
 * @example
 * ```ts
 * const text = await readBodyText(req) // string | undefined
 * ```
 */
export function readBodyText(stream: BodyStream, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  if (!mayHaveBodyWithin(stream.headers, limit) || isTaken(stream)) return Promise.resolve(undefined);
  const httpConsuming = (stream as { _consuming?: boolean })._consuming;
  return new Promise((resolve) => {
    const read: unknown[] = [];
    const bytes: Uint8Array[] = [];
    let size = 0;
    const finish = (text: string | undefined): void => {
      // Without a 'readable' listener Node puts the stream back in its initial mode (flowing
      // null), so a later reader's 'data' listener or pipe() starts it again.
      stream.off('readable', onReadable).off('end', onEnd).off('close', onClose).off('error', onError);
      resolve(text);
    };
    const giveBack = (): void => {
      finish(undefined);
      // Newest first, each chunk as it came (object-mode streams too): the buffer's order is kept.
      for (let index = read.length - 1; index >= 0; index--) stream.unshift(read[index] as never);
      // Node's HTTP server drains a request body no one read once the response is sent, unless
      // the body was read (this flag, set by our read()). Unset, a body put back that the app
      // never reads would stall a kept-alive connection.
      if (typeof httpConsuming === 'boolean') (stream as { _consuming?: boolean })._consuming = httpConsuming;
    };
    const onReadable = (): void => {
      for (let chunk = stream.read(); chunk !== null; chunk = stream.read()) {
        read.push(chunk);
        const piece = toBytes(chunk);
        if (piece === undefined) return giveBack();
        bytes.push(piece);
        size += piece.byteLength;
        if (size > limit) return giveBack();
      }
    };
    const onEnd = (): void => finish(utf8.decode(Buffer.concat(bytes)));
    const onError = (): void => finish(undefined);
    const onClose = (): void => {
      if (!stream.readableEnded) finish(undefined);
    };
    stream.on('readable', onReadable).on('end', onEnd).on('close', onClose).on('error', onError);
  });
}

/** HTTP/1.1's rule (`type-is`'s `hasBody`): a body is framed by Transfer-Encoding or Content-Length. */
function mayHaveBodyWithin(headers: NodeHeaders | undefined, limit: number): boolean {
  if (headers === undefined) return true; // not a request, e.g. a payload a hook decompressed
  if (firstHeaderValue(headers['transfer-encoding']) !== undefined) return true; // length unknown yet
  const length = Number(firstHeaderValue(headers['content-length']) ?? Number.NaN);
  return length > 0 && length <= limit;
}

function isTaken(stream: BodyStream): boolean {
  return stream.readableEnded || stream.destroyed || stream.readableFlowing !== null || stream.readableDidRead === true;
}

function toBytes(chunk: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : undefined;
}

/** A route's body needs, as `CompiledRoute` states them. */
export interface BodyRoute {
  readonly needsJsonBody: boolean;
  readonly needsFormBody: boolean;
}

/** A Node request as {@link readRouteBody} needs it: its method, headers and body stream. */
export interface NodeBodyRequest extends BodyStream {
  readonly method?: string | undefined;
  readonly headers: NodeHeaders;
}

/**
 * The kinds of body a route may need: JSON (the `json` location), an urlencoded form or a
 * multipart form (`csrfCheckForm`). The core reads the first two itself; a multipart body is left
 * to the framework's or the app's multipart parser.
 */
export type BodyKind = 'json' | 'form' | 'multipart';

/** A body read for a route: its kind, its text, and its parsed value (`undefined` for invalid JSON). */
export interface RouteBody {
  readonly kind: 'json' | 'form';
  readonly text: string;
  readonly value: unknown;
}

/**
 * Reads and parses the body a route needs from a Node request, when no one has read it yet: JSON
 * for the `json` location, an urlencoded form for `csrfCheckForm` (multipart is left to the app's
 * parser). `undefined` when the route needs no body, the content type is not the one it reads, the
 * request is OPTIONS (it passes unverified, so its body is the app's), or {@link readBodyText}
 * gives nothing. Leave `value` where the framework's own parser would.
 *
 * @example
 * ```ts
 * const body = await readRouteBody(req, route)
 * if (body !== undefined && body.value !== undefined) req.body = body.value
 * ```
 */
export async function readRouteBody(
  req: NodeBodyRequest,
  route: BodyRoute,
  limit = MAX_BODY_BYTES,
): Promise<RouteBody | undefined> {
  if (req.method?.toUpperCase() === 'OPTIONS') return undefined;
  const contentType = firstHeaderValue(req.headers['content-type']);
  const kind = bodyKindFor(route, contentType);
  if (kind === null || kind === 'multipart') return undefined;
  const text = await readBodyText(req, limit);
  if (text === undefined) return undefined;
  return { kind, text, value: kind === 'json' ? parseJsonBody(text) : parseFormBody(text) };
}

/**
 * Parses a JSON body, or `undefined` when it is empty or invalid.
 *
 * @example
 * ```ts
 * parseJsonBody('{"access_token":"..."}')
 * ```
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Parses an urlencoded body into a prototype-less record; repeated names become arrays.
 *
 * @example
 * ```ts
 * parseFormBody('csrf_token=abc').csrf_token // 'abc'
 * ```
 */
export function parseFormBody(text: string): Record<string, string | string[]> {
  const fields = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = fields[name];
    fields[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return fields;
}

/**
 * The kind of body a route needs read, from its content type: `json` (for the `json` location),
 * `form` (urlencoded) or `multipart` (for `csrfCheckForm`), or `null` for anything else.
 *
 * @example
 * ```ts
 * bodyKindFor(route, req.headers['content-type']) // 'json'
 * ```
 */
export function bodyKindFor(route: BodyRoute, contentType: string | undefined): BodyKind | null {
  if (route.needsJsonBody && isJsonContentType(contentType)) return 'json';
  if (!route.needsFormBody || !isFormContentType(contentType)) return null;
  return isUrlEncodedContentType(contentType) ? 'form' : 'multipart';
}

/**
 * True for a form body flask reads as `request.form` (urlencoded or multipart).
 *
 * @example
 * ```ts
 * isFormContentType('application/x-www-form-urlencoded; charset=utf-8') // true
 * ```
 */
export function isFormContentType(contentType: string | undefined): boolean {
  return /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i.test(contentType ?? '');
}

/**
 * True for an urlencoded form, the one form body the core parses itself ({@link parseFormBody}).
 *
 * @example
 * ```ts
 * isUrlEncodedContentType('application/x-www-form-urlencoded; charset=utf-8') // true
 * ```
 */
export function isUrlEncodedContentType(contentType: string | undefined): boolean {
  return /^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType ?? '');
}

/**
 * One field of a parsed form body (first value when repeated), only when the body is a form:
 * a JSON body's field of the same name does not count, as in flask.
 *
 * @example
 * ```ts
 * formFieldOf(req.body, req.headers['content-type'], 'csrf_token')
 * ```
 */
export function formFieldOf(body: unknown, contentType: string | undefined, name: string): string | undefined {
  if (!isFormContentType(contentType) || body === null || typeof body !== 'object' || !Object.hasOwn(body, name)) {
    return undefined;
  }
  const value = (body as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/**
 * The first value of a Node header (Werkzeug's rule for a repeated header, and Node's own for
 * `Authorization`): what a `RequestPort#header` returns.
 *
 * @example
 * ```ts
 * const port = { header: (name: string) => firstHeaderValue(req.headers[name]), ... }
 * ```
 */
export function firstHeaderValue(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' || value === undefined ? value : value[0];
}

/**
 * Whether a header came on more than one line of a Node request, from `rawHeaders` (name, value,
 * name, value, ...; names as the client wrote them). `IncomingMessage#headers` cannot tell: it keeps
 * the first `Authorization` and joins most other repeats with ", ". What `RequestPort#headerRepeated`
 * returns on Node.
 *
 * @example
 * ```ts
 * const port = { headerRepeated: (name: string) => nodeHeaderRepeated(req.rawHeaders, name), ... }
 * ```
 */
export function nodeHeaderRepeated(rawHeaders: readonly string[], lowerCaseName: string): boolean {
  const length = lowerCaseName.length;
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    // Comparing lengths first keeps this a few nanoseconds per header on the common path.
    if (name.length !== length || (name !== lowerCaseName && name.toLowerCase() !== lowerCaseName)) continue;
    if (seen) return true;
    seen = true;
  }
  return false;
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
