/**
 * `Set-Cookie` lines for the JWT and CSRF cookies, attribute for attribute as Werkzeug writes them
 * for flask-jwt-extended: `name=value; Domain; Expires; Max-Age; Secure; HttpOnly; Path; SameSite`,
 * with the `Domain` of current Werkzeug (2.3 and later, what `pip install flask-jwt-extended`
 * brings): without leading dots.
 *
 * @module
 */
import type { ResolvedConfig } from './config.js';
import { JwtDecodeError } from './errors.js';
import type { JwsEngine } from './jws/index.js';

/** flask's non-session cookie lifetime (`JWT_SESSION_COOKIE=False`): 365 days, 1 hour, 6 min 40 s. */
export const PERSISTENT_COOKIE_MAX_AGE = 31_540_000;

/** Options of the cookie helpers, flask's `max_age` and `domain` arguments. */
export interface CookieOptions {
  /** Seconds; overrides `sessionCookie`. `0` is ignored, as in flask (`max_age or default`). */
  maxAge?: number | null;
  /** Overrides `cookieDomain`. `''` is ignored, as in flask. */
  domain?: string | null;
}

interface CookieAttributes {
  readonly name: string;
  readonly value: string;
  readonly path: string;
  readonly httpOnly: boolean;
  readonly maxAge: number | null;
  readonly domain: string | null;
  /** Deletion cookies carry the epoch as `Expires` and no `Max-Age`. */
  readonly expired: boolean;
}

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';

/** Which pair of cookies: the access pair or the refresh pair. */
export type CookieKind = 'access' | 'refresh';

/**
 * The `Set-Cookie` lines that set the JWT cookie (HttpOnly) and, when CSRF protection and
 * `csrfInCookies` are on, the readable CSRF cookie holding the token's `csrf` claim.
 *
 * @example
 * ```ts
 * setCookieLines(config, 'access', token, csrf, {}, Date.now())
 * ```
 */
export function setCookieLines(
  config: ResolvedConfig,
  kind: CookieKind,
  token: string,
  csrf: string | null,
  options: CookieOptions,
  nowMs: number,
): string[] {
  const maxAge = options.maxAge || (config.sessionCookie ? null : PERSISTENT_COOKIE_MAX_AGE);
  const domain = options.domain || config.cookieDomain;
  const names = cookieNames(config, kind);
  const lines = [
    serialize(
      config,
      { name: names.jwt, value: token, path: names.jwtPath, httpOnly: true, maxAge, domain, expired: false },
      nowMs,
    ),
  ];
  if (config.cookieCsrfProtect && config.csrfInCookies) {
    const csrfLine = {
      name: names.csrf,
      value: csrf ?? '',
      path: names.csrfPath,
      httpOnly: false,
      maxAge,
      domain,
      expired: false,
    };
    lines.push(serialize(config, csrfLine, nowMs));
  }
  return lines;
}

/**
 * The `Set-Cookie` lines that delete the JWT cookie and, under the same condition as
 * {@link setCookieLines}, the CSRF cookie.
 *
 * @example
 * ```ts
 * unsetCookieLines(config, 'refresh', {})
 * ```
 */
export function unsetCookieLines(
  config: ResolvedConfig,
  kind: CookieKind,
  options: Pick<CookieOptions, 'domain'>,
): string[] {
  const domain = options.domain || config.cookieDomain;
  const names = cookieNames(config, kind);
  const lines = [
    serialize(
      config,
      { name: names.jwt, value: '', path: names.jwtPath, httpOnly: true, maxAge: null, domain, expired: true },
      0,
    ),
  ];
  if (config.cookieCsrfProtect && config.csrfInCookies) {
    lines.push(
      serialize(
        config,
        { name: names.csrf, value: '', path: names.csrfPath, httpOnly: false, maxAge: null, domain, expired: true },
        0,
      ),
    );
  }
  return lines;
}

function cookieNames(config: ResolvedConfig, kind: CookieKind) {
  return kind === 'access'
    ? {
        jwt: config.accessCookieName,
        jwtPath: config.accessCookiePath,
        csrf: config.accessCsrfCookieName,
        csrfPath: config.accessCsrfCookiePath,
      }
    : {
        jwt: config.refreshCookieName,
        jwtPath: config.refreshCookiePath,
        csrf: config.refreshCsrfCookieName,
        csrfPath: config.refreshCsrfCookiePath,
      };
}

/**
 * The `Domain` attribute as current Werkzeug writes it: `.example.com` becomes `example.com`.
 * RFC 6265 §5.2.3 makes browsers ignore a leading dot, so both forms reach the same hosts, and
 * the cookie a later `unset` writes matches the one `set` wrote.
 */
function domainAttribute(domain: string): string {
  let start = 0;
  while (start < domain.length && domain.charCodeAt(start) === 46) start++;
  return start === 0 ? domain : domain.slice(start);
}

function serialize(config: ResolvedConfig, cookie: CookieAttributes, nowMs: number): string {
  let line = `${cookie.name}=${cookie.value}`;
  const domain = cookie.domain ? domainAttribute(cookie.domain) : '';
  if (domain) line += `; Domain=${domain}`;
  if (cookie.expired) {
    line += `; Expires=${EPOCH}`;
  } else if (cookie.maxAge !== null) {
    line += `; Expires=${new Date(nowMs + cookie.maxAge * 1000).toUTCString()}; Max-Age=${cookie.maxAge}`;
  }
  if (config.cookieSecure) line += '; Secure';
  if (cookie.httpOnly) line += '; HttpOnly';
  line += `; Path=${cookie.path}`;
  if (config.cookieSamesite) line += `; SameSite=${config.cookieSamesite}`;
  return line;
}

/**
 * The `csrf` claim to put in the CSRF cookie, or `null` when no CSRF cookie is written. flask
 * decodes the token fully here; we read the claim of a token the server itself is handing out
 * without verifying it again, so cookie helpers stay synchronous even with an async
 * `decodeKeyLoader`. A token without the claim is refused all the same.
 *
 * @example
 * ```ts
 * setCookieLines(config, 'access', token, csrfClaimFor(config, engine, token), {}, config.clock())
 * ```
 */
export function csrfClaimFor(config: ResolvedConfig, engine: Pick<JwsEngine, 'parse'>, token: string): string | null {
  if (!config.cookieCsrfProtect || !config.csrfInCookies) return null;
  const csrf = engine.parse(token, config.maxTokenSize).payload.csrf;
  if (typeof csrf !== 'string') throw new JwtDecodeError('Missing claim: csrf');
  return csrf;
}
