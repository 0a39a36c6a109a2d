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
  /** Whether the header came on more than one line (false where the port cannot tell). */
  headerRepeated(lowerCaseName: string): boolean;
  cookie(name: string): string | undefined;
  /** Whether the cookie came more than once (one `Cookie` header or several). */
  cookieRepeated(name: string): boolean;
  query(name: string): string | undefined;
  jsonBody(): unknown;
  formField(name: string): string | undefined;
}

/**
 * Wraps a port. The first value wins for repeated cookies and query parameters, as in Werkzeug;
 * the locators refuse a repeated JWT cookie themselves.
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
  #repeatedCookies: Set<string> | undefined;
  #query: URLSearchParams | undefined;

  constructor(port: RequestPort) {
    this.#port = port;
    const method = port.method;
    this.method = method === 'GET' || method === 'POST' ? method : method.toUpperCase();
  }

  header(name: string): string | undefined {
    return this.#port.header(name);
  }

  headerRepeated(name: string): boolean {
    return this.#port.headerRepeated?.(name) === true;
  }

  cookie(name: string): string | undefined {
    return this.#parsedCookies().get(name);
  }

  cookieRepeated(name: string): boolean {
    this.#parsedCookies();
    return this.#repeatedCookies?.has(name) === true;
  }

  #parsedCookies(): Map<string, string> {
    if (this.#cookies === undefined) {
      this.#repeatedCookies = new Set();
      this.#cookies = parseCookies(this.#port.header('cookie'), this.#repeatedCookies);
    }
    return this.#cookies;
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
  return parseCookies(header, undefined);
}

/** {@link parseCookieHeader}, also noting in `repeated` each name that came more than once. */
function parseCookies(header: string | undefined, repeated: Set<string> | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (name === '') continue;
    if (cookies.has(name)) {
      repeated?.add(name);
      continue;
    }
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
