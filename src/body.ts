/**
 * Request bodies for the `json` location and `csrfCheckForm`, read the same way on every
 * framework: bounded, lenient (an unreadable or invalid body is simply absent, so the core answers
 * flask's 401 instead of a parser's 400), and prototype-safe.
 *
 * @module
 */
import { isJsonContentType } from './locations/index.js';

/** Bodies larger than this are treated as absent. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The events of a Node readable stream the reader needs (an `IncomingMessage`). */
export interface BodyStream {
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  off(event: string, listener: (...args: never[]) => void): this;
  resume(): this;
}

/**
 * Reads a request stream to text, or `undefined` when it fails or exceeds `limit` bytes (the rest
 * is drained so the response can still be sent).
 *
 * @example
 * ```ts
 * const text = await readBodyText(req)
 * ```
 */
export function readBodyText(stream: BodyStream, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (text: string | undefined): void => {
      stream.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      resolve(text);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      finish(undefined);
      stream.resume();
    };
    const onEnd = (): void => finish(Buffer.concat(chunks).toString('utf8'));
    const onFail = (): void => finish(undefined);
    stream.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onFail);
  });
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
 * `form` (urlencoded, for `csrfCheckForm`), or `null` for anything else.
 *
 * @example
 * ```ts
 * bodyKindFor(route, req.headers['content-type']) // 'json'
 * ```
 */
export function bodyKindFor(
  route: { readonly needsJsonBody: boolean; readonly needsFormBody: boolean },
  contentType: string | undefined,
): 'json' | 'form' | null {
  if (route.needsJsonBody && isJsonContentType(contentType)) return 'json';
  if (route.needsFormBody && isFormContentType(contentType)) return 'form';
  return null;
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
