/**
 * `/dashboard`: what the middleware guards. The route itself checks nothing: a request reaches it
 * only with a valid access cookie (and, for POST, its CSRF header).
 */

/** Answered per request, never prerendered at build time (the middleware must see each one). */
export const dynamic = 'force-dynamic';

/** The page a signed-in browser loads. */
export function GET(): Response {
  return Response.json({ page: 'dashboard' });
}

/** A state-changing request under the middleware's matcher. */
export function POST(): Response {
  return Response.json({ page: 'dashboard', saved: true });
}
