/**
 * The `cookies` location, with the CSRF double-submit value read before the token is decoded.
 *
 * @module
 */
import { CsrfError, InvalidHeaderError, NoAuthorizationError } from '../errors.js';
import type { LocatedToken, Locator } from './types.js';

/**
 * Reads the access (or refresh) cookie. On a CSRF-protected method the CSRF value must come in
 * the header (or form field when `csrfCheckForm`), else `Missing CSRF token`, even when the
 * cookie itself is garbage: flask checks this before decoding.
 *
 * A JWT cookie sent twice (a stale cookie at another path or domain, or one planted by a sibling
 * subdomain) and a CSRF header on two lines are refused with a 422: which one counts would depend
 * on cookie order or on the server, and the planted one could win.
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
  if (request.cookieRepeated(cookieName)) {
    throw new InvalidHeaderError(`Bad cookie "${cookieName}": sent more than once`);
  }
  if (!config.cookieCsrfProtect || !config.csrfMethods.has(request.method)) return { token, csrfValue: null };
  const headerName = refresh ? config.refreshCsrfHeaderName : config.accessCsrfHeaderName;
  const headerKey = headerName.toLowerCase();
  let csrfValue = request.header(headerKey);
  if (csrfValue !== undefined && request.headerRepeated(headerKey)) {
    throw new InvalidHeaderError(`Bad ${headerName} header. Expected '${headerName}: <CSRF token>'`);
  }
  if (!csrfValue && config.csrfCheckForm) {
    csrfValue = request.formField(refresh ? config.refreshCsrfFieldName : config.accessCsrfFieldName);
  }
  if (!csrfValue) throw new CsrfError('Missing CSRF token');
  return { token, csrfValue };
};
