/**
 * Request bodies for the `json` location and `csrfCheckForm`, parsed the same way on every
 * framework: lenient (an invalid body is simply absent, so the core answers flask's 401 instead
 * of a parser's 400) and prototype-safe. Reading them is the job of `node.ts` and `web.ts`.
 *
 * @module
 */
import { isJsonContentType } from '../locations/index.js';

/** Bodies larger than this are treated as absent. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A route's body needs, as `CompiledRoute` states them. */
export interface BodyRoute {
  readonly needsJsonBody: boolean;
  readonly needsFormBody: boolean;
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
 * Parses a body text of a kind {@link bodyKindFor} chose: JSON or an urlencoded form.
 *
 * @example
 * ```ts
 * parseRouteBody('form', 'csrf_token=abc')
 * ```
 */
export function parseRouteBody(kind: 'json' | 'form', text: string): unknown {
  return kind === 'json' ? parseJsonBody(text) : parseFormBody(text);
}

/**
 * The kind of body a route needs read, from its content type: `json` (for the `json` location),
 * `form` (urlencoded) or `multipart` (for `csrfCheckForm`), or `null` for anything else, and for
 * an OPTIONS request when its `method` is given: OPTIONS passes unverified (flask's rule), so its
 * body is the app's, never read for a token. The one place every body reader asks.
 *
 * @example
 * ```ts
 * bodyKindFor(route, req.headers['content-type'], req.method) // 'json'
 * ```
 */
export function bodyKindFor(route: BodyRoute, contentType: string | undefined, method?: string): BodyKind | null {
  if (method !== undefined && method.toUpperCase() === 'OPTIONS') return null;
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
