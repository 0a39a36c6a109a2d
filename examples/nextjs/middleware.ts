/**
 * Next.js middleware: every page under
 * `/dashboard` needs the access cookie, and a state-changing request its CSRF header. A request
 * without them gets flask's JSON answer; one with them goes on to the page.
 *
 * Next.js runs a `middleware.ts` on its Edge runtime, so the manager verifies on WebCrypto here.
 * Next 16 deprecates the name for `proxy.ts` exporting `proxy`, which runs on the Node.js runtime
 * (node:crypto): the same function, exported under both names here.
 * `NextResponse.next()` is a response carrying the `x-middleware-next: 1` header; it is written out
 * here because this repository type-checks its examples without Next.js installed. In your app,
 * `import { NextResponse } from 'next/server'` and pass `() => NextResponse.next()`.
 */
import { jwtRequired } from 'jwt-extended/fetch';
import { jwt } from './lib/jwt.js';

/** What `NextResponse.next()` returns: "continue to the route". */
const next = (): Response => new Response(null, { headers: { 'x-middleware-next': '1' } });

/** The middleware Next.js runs before the matched routes. */
export const middleware = jwtRequired(jwt, { locations: 'cookies' }, next);

/** Next 16's name for the same function. */
export const proxy = middleware;

/** The paths the middleware runs on. */
export const config = { matcher: ['/dashboard/:path*'] };
