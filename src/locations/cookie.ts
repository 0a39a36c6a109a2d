/**
 * The `cookies` location, with the CSRF double-submit value read before the token is decoded.
 *
 * @module
 */
import { CsrfError, NoAuthorizationError } from '../errors.js';
import type { LocatedToken, Locator } from './types.js';

/**
 * Reads the access (or refresh) cookie. On a CSRF-protected method the CSRF value must come in
 * the header (or form field when `csrfCheckForm`), else `Missing CSRF token`, even when the
 * cookie itself is garbage: flask checks this before decoding.
 *
 * @example
 * ```ts
 * fromCookies(view, config, false) // { token, csrfValue }
 * ```
 */
export const fromCookies: Locator = (request, config, refresh): LocatedToken => {
  const cookieName = refresh ? config.refreshCookieName : config.accessCookieName;
  const token = request.cookie(cookieName);
  if (!token) throw new NoAuthorizationError(`Missing cookie "${cookieName}"`);
  if (!config.cookieCsrfProtect || !config.csrfMethods.has(request.method)) return { token, csrfValue: null };
  const headerName = refresh ? config.refreshCsrfHeaderName : config.accessCsrfHeaderName;
  let csrfValue = request.header(headerName.toLowerCase());
  if (!csrfValue && config.csrfCheckForm) {
    csrfValue = request.formField(refresh ? config.refreshCsrfFieldName : config.accessCsrfFieldName);
  }
  if (!csrfValue) throw new CsrfError('Missing CSRF token');
  return { token, csrfValue };
};
