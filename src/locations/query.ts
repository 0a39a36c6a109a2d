/**
 * The `query_string` location: `?jwt=<JWT>`, with an optional value prefix.
 *
 * @module
 */
import { InvalidQueryParamError, NoAuthorizationError } from '../errors.js';
import type { LocatedToken, Locator } from './types.js';

/**
 * Reads the token from the query parameter. The message keeps flask's "paramater" spelling.
 *
 * @example
 * ```ts
 * fromQueryString(view, config, false) // { token, csrfValue: null }
 * ```
 */
export const fromQueryString: Locator = (request, config): LocatedToken => {
  const name = config.queryStringName;
  const prefix = config.queryStringValuePrefix;
  const value = request.query(name);
  if (!value) throw new NoAuthorizationError(`Missing '${name}' query paramater`);
  if (!value.startsWith(prefix)) {
    throw new InvalidQueryParamError(
      `Invalid value for query parameter '${name}'. Expected the value to start with '${prefix}'`,
    );
  }
  return { token: value.slice(prefix.length), csrfValue: null };
};
