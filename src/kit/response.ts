/**
 * One response writer for every adapter: the core's `{ status, headers, body }` verdict written
 * through a small per-framework target, with the rules that must not differ between frameworks
 * decided here once.
 *
 * @module
 */
import type { JwtResponse } from '../types.js';

/**
 * What a framework offers to write a response. Each adapter implements it in a few lines.
 *
 * @typeParam R - what the framework's handler returns after sending (Hono: a `Response`)
 */
export interface ResponseTarget<R = void> {
  /** Sets a header (`append: false`, replacing the app's value) or appends one more line. */
  header(name: string, value: string, append: boolean): void;
  /**
   * Sends the status and the body: JSON (every value, `null` and strings included, goes out as
   * JSON) or nothing when `body` is `undefined`.
   */
  send(status: number, body: unknown): R;
}

/**
 * Writes a verdict: headers first, then status and body. A `Set-Cookie` line is appended after
 * the ones the app set earlier (never replacing them); any other header replaces the app's value.
 *
 * @example
 * ```ts
 * writeJwtResponse({ header: ..., send: (status, body) => res.status(status).json(body) }, response)
 * ```
 */
export function writeJwtResponse<R>(target: ResponseTarget<R>, response: JwtResponse): R {
  const headers = response.headers;
  if (headers !== undefined) {
    for (const name of Object.keys(headers)) {
      target.header(name, headers[name] as string, name.toLowerCase() === 'set-cookie');
    }
  }
  return target.send(response.status, response.body);
}
