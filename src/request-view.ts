/**
 * A lazily parsed view of a {@link RequestPort}: cookies and query parameters are parsed once,
 * only when a location asks for them.
 *
 * @module
 */
import type { RequestPort } from './ports.js';

/** The request as the locators see it. */
export interface RequestView {
  readonly method: string;
  header(lowerCaseName: string): string | undefined;
  cookie(name: string): string | undefined;
  query(name: string): string | undefined;
  jsonBody(): unknown;
  formField(name: string): string | undefined;
}

/**
 * Wraps a port. The first value wins for repeated cookies and query parameters, as in Werkzeug.
 *
 * @example
 * ```ts
 * const view = createRequestView(port)
 * view.cookie('access_token_cookie')
 * ```
 */
export function createRequestView(port: RequestPort): RequestView {
  return new PortView(port);
}

/** A class rather than closures: one small object per request on the hot path. */
class PortView implements RequestView {
  readonly method: string;
  readonly #port: RequestPort;
  #cookies: Map<string, string> | undefined;
  #query: URLSearchParams | undefined;

  constructor(port: RequestPort) {
    this.#port = port;
    const method = port.method;
    this.method = method === 'GET' || method === 'POST' ? method : method.toUpperCase();
  }

  header(name: string): string | undefined {
    return this.#port.header(name);
  }

  cookie(name: string): string | undefined {
    this.#cookies ??= parseCookieHeader(this.#port.header('cookie'));
    return this.#cookies.get(name);
  }

  query(name: string): string | undefined {
    this.#query ??= parseQuery(this.#port.url);
    return this.#query.get(name) ?? undefined;
  }

  jsonBody(): unknown {
    return this.#port.jsonBody?.();
  }

  formField(name: string): string | undefined {
    return this.#port.formField?.(name);
  }
}

/**
 * Parses a `Cookie` header into a map; the first occurrence of a name wins, double quotes around
 * a value are removed, and a value that fails to percent-decode is kept as sent.
 *
 * @example
 * ```ts
 * parseCookieHeader('a=1; b="2"').get('b') // '2'
 * ```
 */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (name === '' || cookies.has(name)) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies.set(name, value.includes('%') ? safeDecode(value) : value);
  }
  return cookies;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function parseQuery(url: string): URLSearchParams {
  const start = url.indexOf('?');
  if (start === -1) return new URLSearchParams();
  const end = url.indexOf('#', start);
  return new URLSearchParams(end === -1 ? url.slice(start + 1) : url.slice(start + 1, end));
}
