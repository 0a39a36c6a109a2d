/**
 * The one rule for a header sent more than once: the request port reads its first value
 * (Werkzeug's rule, and Node's own for `Authorization`), and can tell that it was repeated, so
 * that the core, not each adapter, decides what a repeated header means.
 *
 * @module
 */

/** Node's parsed request headers (`IncomingMessage#headers`). */
export type NodeHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The first value of a Node header: what a `RequestPort#header` returns.
 *
 * @example
 * ```ts
 * firstHeaderValue(['Bearer a', 'Bearer b']) // 'Bearer a'
 * ```
 */
export function firstHeaderValue(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' || value === undefined ? value : value[0];
}

/**
 * Whether a header came on more than one line of a Node request, from `rawHeaders` (name, value,
 * name, value, ...; names as the client wrote them). `IncomingMessage#headers` cannot tell: it
 * keeps the first `Authorization` and joins most other repeats with ", ". What
 * `RequestPort#headerRepeated` returns on Node.
 *
 * @example
 * ```ts
 * nodeHeaderRepeated(req.rawHeaders, 'authorization') // true for two Authorization lines
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
