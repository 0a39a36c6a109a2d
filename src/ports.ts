/**
 * The two small interfaces that hide every framework from the core: a request reader and a
 * response writer. An adapter implements them in a few lines; the core does the rest.
 *
 * @module
 */

/**
 * What the core reads from a request. Cookies and the query string are parsed by the core from
 * the raw `cookie` header and URL, so every framework reads them the same way.
 *
 * @example
 * ```ts
 * const port: RequestPort = {
 *   method: req.method, url: req.url,
 *   header: (name) => req.headers[name] as string | undefined,
 *   jsonBody: () => req.body,
 * }
 * ```
 */
export interface RequestPort {
  /** The HTTP method, in any case. */
  readonly method: string;
  /** The request target: path and query string (`/p?jwt=...`), or a full URL. */
  readonly url: string;
  /** A header's value by lower-case name; the first value when it was sent several times. */
  header(lowerCaseName: string): string | undefined;
  /**
   * Whether the header came on more than one line (Node keeps only the first `Authorization` and
   * joins others with ", "). The core refuses a repeated token or CSRF header, so a second line can
   * never decide what the first one meant. Leave it out where the framework cannot tell (fetch's
   * `Headers` joins repeats into one value, which the core then parses as one).
   */
  headerRepeated?(lowerCaseName: string): boolean;
  /**
   * The parsed JSON body, or `undefined` when there is none or it did not parse. Only called for
   * the `json` location, after the core checked the content type.
   */
  jsonBody?(): unknown;
  /** A field of a parsed form body (`application/x-www-form-urlencoded`), for `csrfCheckForm`. */
  formField?(name: string): string | undefined;
}

/**
 * What the core writes to a response: only cookies. Errors leave the core as plain
 * `{ status, headers, body }` objects the adapter sends itself.
 */
export interface ResponsePort {
  /** Appends one `Set-Cookie` header line, keeping those already set. */
  appendSetCookie(line: string): void;
}
