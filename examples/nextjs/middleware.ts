/**
 * Next.js middleware (Next 16 names the file `proxy.ts` and the export `proxy`): every page under
 * `/dashboard` needs the access cookie, and a state-changing request its CSRF header. A request
 * without them gets flask's JSON answer; one with them goes on to the page.
 *
 * This example is a plain module shaped like Next's: `NextResponse.next()` is a response carrying
 * the `x-middleware-next: 1` header, written out here so the example runs (and is tested) without
 * installing Next.js. In an app, `import { NextResponse } from 'next/server'` and return
 * `NextResponse.next()`.
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
