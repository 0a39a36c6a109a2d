/**
 * The `json` location: `{"access_token": "<JWT>"}` in a JSON request body.
 *
 * @module
 */
import { NoAuthorizationError } from '../errors.js';
import type { LocatedToken, Locator } from './types.js';

/**
 * Werkzeug's `is_json`: the media type is `application/json` or `application/*+json`,
 * parameters such as `charset` ignored.
 *
 * @example
 * ```ts
 * isJsonContentType('application/vnd.api+json; charset=utf-8') // true
 * ```
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

/**
 * Reads the token from the parsed JSON body. An unparsable, empty or non-object body (a JSON
 * array gives flask a 500) and a missing or falsy value all answer `Missing "<key>" key in json data.`
 *
 * @example
 * ```ts
 * fromJson(view, config, true) // reads "refresh_token"
 * ```
 */
export const fromJson: Locator = (request, config, refresh): LocatedToken => {
  if (!isJsonContentType(request.header('content-type'))) {
    throw new NoAuthorizationError('Invalid content-type. Must be application/json.');
  }
  const key = refresh ? config.refreshJsonKey : config.jsonKey;
  const body = request.jsonBody();
  const token =
    body !== null && typeof body === 'object' && !Array.isArray(body) && Object.hasOwn(body, key)
      ? (body as Record<string, unknown>)[key]
      : undefined;
  if (isPythonFalsy(token)) throw new NoAuthorizationError(`Missing "${key}" key in json data.`);
  return { token, csrfValue: null };
};

/** Python truthiness, which flask applies to the value: `""`, `0`, `false`, `null`, `[]` and `{}` are missing. */
function isPythonFalsy(value: unknown): boolean {
  if (!value) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
