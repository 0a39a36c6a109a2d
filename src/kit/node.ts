/**
 * The Node side of the kit: a {@link RequestPort} over Node's parsed request, and a bounded,
 * non-destructive body reader (a body the core does not take is left, byte for byte, to whoever
 * reads it next). Express, Koa, Fastify and Hono on `@hono/node-server` all sit on this.
 *
 * @module
 */
import type { RequestPort } from '../ports.js';
import { type BodyRoute, type RouteBody, MAX_BODY_BYTES, bodyKindFor, formFieldOf, parseRouteBody } from './body.js';
import { type NodeHeaders, firstHeaderValue, nodeHeaderRepeated } from './headers.js';

/** Node's request as the port reads it: an `IncomingMessage`, or a framework request shaped alike. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly headers: NodeHeaders;
  /** Node's `IncomingMessage#rawHeaders`, for {@link RequestPort.headerRepeated}. */
  readonly rawHeaders?: readonly string[];
}

/** Where a parsed body lives: the framework's own slot (`req.body`, `ctx.request.body`, ...). */
export interface BodySlot {
  readonly body?: unknown;
}

/**
 * The core's view of a Node request. A class, not closures: one small object per request, its
 * methods on the prototype, on the hot path of every protected request.
 *
 * @example
 * ```ts
 * jwt.authorize(req, new NodeRequestPort(req, req.originalUrl, req), route)
 * ```
 */
export class NodeRequestPort implements RequestPort {
  readonly #request: NodeRequestLike;
  readonly #url: string;
  readonly #slot: BodySlot;
  readonly #raw: NodeRequestLike;

  /**
   * @param request - method and headers (Node's, or a framework's request that mirrors them)
   * @param url - the request target the app routed (Express's `originalUrl`, not a router's `url`)
   * @param slot - where the parsed body lives
   * @param raw - the `IncomingMessage`, when `request` is a framework's wrapper without `rawHeaders`
   */
  constructor(request: NodeRequestLike, url: string, slot: BodySlot, raw: NodeRequestLike = request) {
    this.#request = request;
    this.#url = url;
    this.#slot = slot;
    this.#raw = raw;
  }
  get method(): string {
    return this.#request.method ?? 'GET';
  }
  get url(): string {
    return this.#url;
  }
  header(name: string): string | undefined {
    return firstHeaderValue(this.#request.headers[name]);
  }
  headerRepeated(name: string): boolean {
    const rawHeaders = this.#raw.rawHeaders;
    return rawHeaders !== undefined && nodeHeaderRepeated(rawHeaders, name);
  }
  jsonBody(): unknown {
    return this.#slot.body;
  }
  /** Only a form body counts (flask's `request.form`): never a JSON body's field of the same name. */
  formField(name: string): string | undefined {
    return formFieldOf(this.#slot.body, this.header('content-type'), name);
  }
}

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

/** A Node request found where a framework keeps it: headers, raw headers and its body stream. */
export type NodeIncoming = BodyStream & NodeRequestLike & { readonly rawHeaders: readonly string[] };

/**
 * `value` when it is shaped like Node's `IncomingMessage` (raw headers and parsed headers), else
 * `undefined`: for fetch-based frameworks that may run on Node and keep its request somewhere
 * (`@hono/node-server` puts it in `c.env.incoming`), so the port can read a repeated header
 * from Node's own parsing instead of fetch's joined `Headers`.
 *
 * @example
 * ```ts
 * const incoming = asNodeIncoming((c.env as { incoming?: unknown } | undefined)?.incoming)
 * ```
 */
export function asNodeIncoming(value: unknown): NodeIncoming | undefined {
  const candidate = value as Partial<NodeIncoming> | null | undefined;
  return Array.isArray(candidate?.rawHeaders) && typeof candidate.headers === 'object' && candidate.headers !== null
    ? (candidate as NodeIncoming)
    : undefined;
}

/** A Node request as {@link readRouteBody} needs it: its method, headers and body stream. */
export interface NodeBodyRequest extends BodyStream {
  readonly method?: string | undefined;
  readonly headers: NodeHeaders;
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
  const contentType = firstHeaderValue(req.headers['content-type']);
  const kind = bodyKindFor(route, contentType, req.method);
  if (kind === null || kind === 'multipart') return undefined;
  const text = await readBodyText(req, limit);
  if (text === undefined) return undefined;
  return { kind, text, value: parseRouteBody(kind, text) };
}
