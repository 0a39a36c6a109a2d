/**
 * flask's five cookie helpers, written once for every framework: an adapter says how to append
 * `Set-Cookie` lines to its response, and gets `setAccessCookies` ... `unsetRefreshCookies`.
 *
 * @module
 */
import type { CookieKind, CookieOptions } from '../cookies.js';
import type { AnyJwtManager } from '../manager.js';

/** The domain option of the unset helpers (flask's `domain` argument). */
export type UnsetCookieOptions = Pick<CookieOptions, 'domain'>;

/**
 * The cookie helpers for a framework whose response (or context) is `R`. Each writes the
 * manager's exact `Set-Cookie` lines after the ones already on the response.
 */
export interface CookieHelpers<R> {
  /**
   * Sets the access token cookie and its CSRF cookie (flask `set_access_cookies`).
   *
   * @example
   * ```ts
   * setAccessCookies(jwt, res, accessToken, { maxAge: 3600 })
   * ```
   */
  setAccessCookies(jwt: AnyJwtManager, response: R, token: string, options?: CookieOptions): void;
  /**
   * Sets the refresh token cookie and its CSRF cookie (flask `set_refresh_cookies`).
   *
   * @example
   * ```ts
   * setRefreshCookies(jwt, res, refreshToken)
   * ```
   */
  setRefreshCookies(jwt: AnyJwtManager, response: R, token: string, options?: CookieOptions): void;
  /**
   * Deletes the access and refresh cookies (flask `unset_jwt_cookies`), e.g. on logout.
   *
   * @example
   * ```ts
   * unsetJwtCookies(jwt, res)
   * ```
   */
  unsetJwtCookies(jwt: AnyJwtManager, response: R, options?: UnsetCookieOptions): void;
  /**
   * Deletes the access cookies only (flask `unset_access_cookies`).
   *
   * @example
   * ```ts
   * unsetAccessCookies(jwt, res)
   * ```
   */
  unsetAccessCookies(jwt: AnyJwtManager, response: R, options?: UnsetCookieOptions): void;
  /**
   * Deletes the refresh cookies only (flask `unset_refresh_cookies`).
   *
   * @example
   * ```ts
   * unsetRefreshCookies(jwt, res, { domain: 'example.com' })
   * ```
   */
  unsetRefreshCookies(jwt: AnyJwtManager, response: R, options?: UnsetCookieOptions): void;
}

/** The helpers' names, for frameworks that also offer them as methods (Fastify's reply decorators). */
export const COOKIE_HELPER_NAMES = Object.freeze([
  'setAccessCookies',
  'setRefreshCookies',
  'unsetJwtCookies',
  'unsetAccessCookies',
  'unsetRefreshCookies',
] as const);

/**
 * Builds the five helpers from one way of appending `Set-Cookie` lines (each its own header line,
 * after those already set, never merged).
 *
 * @example
 * ```ts
 * export const { setAccessCookies, unsetJwtCookies } = createCookieHelpers<Response>((res, lines) =>
 *   res.append('Set-Cookie', lines))
 * ```
 */
export function createCookieHelpers<R>(append: (response: R, lines: string[]) => void): CookieHelpers<R> {
  const set = (kind: CookieKind) => (jwt: AnyJwtManager, response: R, token: string, options?: CookieOptions) =>
    append(response, jwt.setCookieLines(kind, token, options));
  const unset = (kind: CookieKind) => (jwt: AnyJwtManager, response: R, options?: UnsetCookieOptions) =>
    append(response, jwt.unsetCookieLines(kind, options));
  const unsetAccessCookies = unset('access');
  const unsetRefreshCookies = unset('refresh');
  return {
    setAccessCookies: set('access'),
    setRefreshCookies: set('refresh'),
    unsetJwtCookies(jwt, response, options) {
      unsetAccessCookies(jwt, response, options);
      unsetRefreshCookies(jwt, response, options);
    },
    unsetAccessCookies,
    unsetRefreshCookies,
  };
}
