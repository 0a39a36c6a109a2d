/**
 * The rows whose answer differs when the request reaches the adapter as a fetch `Request`, and why.
 * Both causes are the web platform's, the same for every handler a runtime serves:
 *
 * - fetch's `Headers` join a header sent on two lines into one value with ", ", so a web-standard
 *   handler cannot tell two lines from one comma-separated line. The adapter then answers what
 *   flask answers for that one line (flask parses comma-separated credentials, as WSGI servers join
 *   lines the same way): a second token line never goes unseen, it makes the list ambiguous (401)
 *   or, beside non-Bearer credentials, is the one Bearer credential (200). Node frameworks see the
 *   lines apart and refuse two lines with 422 instead.
 * - a fetch `Request` cannot carry a GET body (its constructor throws), so no runtime hands one to
 *   a handler.
 */
import { expect } from 'vitest';
import { type Expectation, type Tokens, fail, verified } from './scenarios.js';

/** How a framework's answer to one row differs from the table's, with the reason. */
export type RowOverride =
  | { readonly why: string; readonly expect: Expectation | ((tokens: Tokens) => Expectation) }
  | {
      readonly why: string;
      /** Proves the reason still holds (throws if it no longer does): the row then runs as a test of it. */
      readonly notApplicable: () => void;
    };

const JOINED = 'fetch Headers join the two lines with ", ": flask\'s answer for that one comma-separated line';
const ambiguous = (name: string, type: string): Expectation =>
  fail(401, `Missing '${type}' type in '${name}' header. Expected '${name}: ${type} <JWT>'`);

/** The overrides of every web-standard framework entry (frameworks.ts). */
export const WEB_STANDARD_OVERRIDES: Readonly<Record<string, RowOverride>> = {
  'x-dup-a': { why: JOINED, expect: ambiguous('Authorization', 'Bearer') },
  'x-dup-b': { why: JOINED, expect: ambiguous('Authorization', 'Bearer') },
  'x-dup-c': { why: JOINED, expect: ambiguous('Authorization', 'Bearer') },
  'x-dup-d': { why: `${JOINED} (the one Bearer credential of "Basic ..., Bearer ...")`, expect: (t) => verified(t.a) },
  'x-dup-e': { why: JOINED, expect: ambiguous('X-Token', 'JWT') },
  'x-dup-k': {
    why: `${JOINED} ("v, v" is not the cookie's "v")`,
    expect: fail(401, 'CSRF double submit tokens do not match'),
  },
  'x-json-get': {
    why: 'a fetch Request cannot carry a GET body (its constructor throws)',
    notApplicable: () => {
      expect(() => new Request('http://127.0.0.1/', { method: 'GET', body: '{}' })).toThrow(TypeError);
    },
  },
};
