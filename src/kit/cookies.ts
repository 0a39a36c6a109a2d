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

/** One of the five helpers' names. */
export type CookieHelperName = (typeof COOKIE_HELPER_NAMES)[number];

/**
 * The five helpers as methods of a framework's response, bound to one manager (Fastify's reply
 * decorators): each writes its lines to `this` and returns it, for chaining. A framework adds them
 * to its response type with `interface Reply extends CookieMethods {}`.
 */
export interface CookieMethods {
  /**
   * flask `set_access_cookies` on this response.
   *
   * @example
   * ```ts
   * reply.setAccessCookies(accessToken).send({ login: true })
   * ```
   */
  setAccessCookies(token: string, options?: CookieOptions): this;
  /** flask `set_refresh_cookies` on this response. */
  setRefreshCookies(token: string, options?: CookieOptions): this;
  /** flask `unset_jwt_cookies` on this response. */
  unsetJwtCookies(options?: UnsetCookieOptions): this;
  /** flask `unset_access_cookies` on this response. */
  unsetAccessCookies(options?: UnsetCookieOptions): this;
  /** flask `unset_refresh_cookies` on this response. */
  unsetRefreshCookies(options?: UnsetCookieOptions): this;
}

/**
 * The {@link CookieMethods} of `helpers`, bound to `jwt`, for a framework that decorates its
 * response object (`this` is the response).
 *
 * @example
 * ```ts
 * const methods = bindCookieMethods(cookies, jwt)
 * for (const name of COOKIE_HELPER_NAMES) instance.decorateReply(name, methods[name])
 * ```
 */
export function bindCookieMethods<R>(
  helpers: CookieHelpers<R>,
  jwt: AnyJwtManager,
): Record<CookieHelperName, (this: R, ...rest: unknown[]) => R> {
  const methods = {} as Record<CookieHelperName, (this: R, ...rest: unknown[]) => R>;
  for (const name of COOKIE_HELPER_NAMES) {
    const helper = helpers[name] as (jwt: AnyJwtManager, response: R, ...rest: unknown[]) => void;
    methods[name] = function (this: R, ...rest: unknown[]): R {
      helper(jwt, this, ...rest);
      return this;
    };
  }
  return methods;
}

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
