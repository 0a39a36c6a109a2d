/**
 * Parameter decorators for what a protected route verified, over the core's getters (so they
 * answer exactly as `getJwtIdentity(req)` and the rest do), and flask's cookie helpers on
 * either platform's response.
 *
 * @module
 */
import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { coreGetters } from '../index.js';
import * as kit from '../kit/index.js';
import { type NestResponse, appendSetCookie } from './nestjs-platform.js';

function requestOf(context: ExecutionContext): object {
  return context.switchToHttp().getRequest<object>();
}

/** A record's value at `key`, or the record itself without a key. */
function pick(record: Readonly<Record<string, unknown>>, key: string | undefined): unknown {
  return key === undefined ? record : record[key];
}

/**
 * flask `get_jwt_identity()`: the identity claim; `null` on an optional route without a token.
 *
 * @example
 * ```ts
 * @Get('me') @JwtRequired() me(@JwtIdentity() identity: string) { return { identity } }
 * ```
 */
export const JwtIdentity: () => ParameterDecorator = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  coreGetters.getJwtIdentity(requestOf(context)),
);

/**
 * flask `get_jwt()`: the verified payload (`{}` on an optional route without a token), or one of
 * its claims by name.
 *
 * @example
 * ```ts
 * whoami(@Jwt() payload: JwtPayload, @Jwt('jti') jti: string) { ... }
 * ```
 */
export const Jwt: (claim?: string) => ParameterDecorator = createParamDecorator(
  (claim: string | undefined, context: ExecutionContext) => pick(coreGetters.getJwt(requestOf(context)), claim),
);

/**
 * The seed page's `get_jwt_claims()`: the payload without reserved claims and the identity, or
 * one of those claims by name.
 *
 * @example
 * ```ts
 * admin(@JwtClaims('roles') roles: string[]) { ... }
 * ```
 */
export const JwtClaims: (claim?: string) => ParameterDecorator = createParamDecorator(
  (claim: string | undefined, context: ExecutionContext) => pick(coreGetters.getJwtClaims(requestOf(context)), claim),
);

/**
 * flask `get_jwt_header()`: the verified JOSE header; `{}` on an optional route without a token.
 *
 * @example
 * ```ts
 * kid(@JwtHeader() header: JwtHeader) { return header.kid }
 * ```
 */
export const JwtHeader: () => ParameterDecorator = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  coreGetters.getJwtHeader(requestOf(context)),
);

/**
 * flask `get_current_user()`: what `userLookupLoader` returned (`null` on an optional route
 * without a token). Without a `userLookupLoader` it throws, as flask does: a programming error.
 *
 * @example
 * ```ts
 * profile(@CurrentUser() user: User) { return user }
 * ```
 */
export const CurrentUser: () => ParameterDecorator = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  coreGetters.getCurrentUser(requestOf(context)),
);

/**
 * flask `get_jwt_request_location()`: where the token came from (`'headers'`, `'cookies'`,
 * `'query_string'`, `'json'`), or `null`.
 *
 * @example
 * ```ts
 * where(@JwtRequestLocation() location: string | null) { ... }
 * ```
 */
export const JwtRequestLocation: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => coreGetters.getJwtRequestLocation(requestOf(context)),
);

type NestCookieHelpers = kit.CookieHelpers<NestResponse>;

/** flask's cookie helpers on Express's `res` or Fastify's `reply` (`@Res({ passthrough: true })`). */
const cookies: NestCookieHelpers = kit.createCookieHelpers<NestResponse>(appendSetCookie);
/** flask `set_access_cookies` on the platform's response. */
export const setAccessCookies: NestCookieHelpers['setAccessCookies'] = cookies.setAccessCookies;
/** flask `set_refresh_cookies` on the platform's response. */
export const setRefreshCookies: NestCookieHelpers['setRefreshCookies'] = cookies.setRefreshCookies;
/** flask `unset_jwt_cookies` on the platform's response. */
export const unsetJwtCookies: NestCookieHelpers['unsetJwtCookies'] = cookies.unsetJwtCookies;
/** flask `unset_access_cookies` on the platform's response. */
export const unsetAccessCookies: NestCookieHelpers['unsetAccessCookies'] = cookies.unsetAccessCookies;
/** flask `unset_refresh_cookies` on the platform's response. */
export const unsetRefreshCookies: NestCookieHelpers['unsetRefreshCookies'] = cookies.unsetRefreshCookies;
