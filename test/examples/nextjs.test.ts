/**
 * The Next.js example (examples/nextjs), called as Next.js calls it: each route module's exported
 * method with a `Request`, the middleware with every request under its
 * matcher. No Next.js is installed: the example is a plain module shaped like a Next app.
 */
import { describe, expect, it } from 'vitest';
import { POST as login } from '../../examples/nextjs/app/api/login/route.js';
import { GET as protectedRoute } from '../../examples/nextjs/app/api/protected/route.js';
import { POST as refresh } from '../../examples/nextjs/app/api/refresh/route.js';
import { config, middleware, proxy } from '../../examples/nextjs/middleware.js';

const ORIGIN = 'http://localhost:3000';

async function signIn(): Promise<{ tokens: Record<string, string>; cookies: Record<string, string> }> {
  const response = await login(
    new Request(`${ORIGIN}/api/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'test', password: 'test' }),
    }),
  );
  expect(response.status).toBe(200);
  const cookies = Object.fromEntries(
    response.headers.getSetCookie().map((line) => (line.split(';')[0] as string).split('=') as [string, string]),
  );
  return { tokens: (await response.json()) as Record<string, string>, cookies };
}

describe('Next.js example: route handlers', () => {
  it('login refuses a wrong password and answers tokens plus four cookies for the right one', async () => {
    const wrong = await login(
      new Request(`${ORIGIN}/api/login`, { method: 'POST', body: JSON.stringify({ username: 'test', password: 'x' }) }),
    );
    expect([wrong.status, await wrong.json()]).toEqual([401, { msg: 'Bad username or password' }]);
    const { tokens, cookies } = await signIn();
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'refresh_token']);
    expect(Object.keys(cookies).sort()).toEqual([
      'access_token_cookie',
      'csrf_access_token',
      'csrf_refresh_token',
      'refresh_token_cookie',
    ]);
  });

  it('the protected GET needs an access token (header or cookie)', async () => {
    const { tokens } = await signIn();
    const missing = await protectedRoute(new Request(`${ORIGIN}/api/protected`));
    expect([missing.status, await missing.json()]).toEqual([
      401,
      { msg: 'Missing JWT in headers or cookies (Missing Authorization Header; Missing cookie "access_token_cookie")' },
    ]);
    const ok = await protectedRoute(
      new Request(`${ORIGIN}/api/protected`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
    );
    expect([ok.status, await ok.json()]).toEqual([200, { logged_in_as: 'test' }]);
  });

  it('refresh takes only a refresh token; from a cookie it needs the CSRF header', async () => {
    const { tokens, cookies } = await signIn();
    const url = `${ORIGIN}/api/refresh`;
    const wrongType = await refresh(
      new Request(url, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } }),
    );
    expect([wrongType.status, await wrongType.json()]).toEqual([422, { msg: 'Only refresh tokens are allowed' }]);
    const cookie = `refresh_token_cookie=${cookies.refresh_token_cookie}`;
    const noCsrf = await refresh(new Request(url, { method: 'POST', headers: { cookie } }));
    expect([noCsrf.status, await noCsrf.json()]).toEqual([401, { msg: 'Missing CSRF token' }]);
    const ok = await refresh(
      new Request(url, { method: 'POST', headers: { cookie, 'x-csrf-token': cookies.csrf_refresh_token as string } }),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie().map((line) => line.split('=')[0])).toEqual([
      'access_token_cookie',
      'csrf_access_token',
    ]);
  });
});

describe('Next.js example: middleware', () => {
  it('matches /dashboard and is exported under both names', () => {
    expect(config.matcher).toEqual(['/dashboard/:path*']);
    expect(proxy).toBe(middleware);
  });

  it('stops a request without the access cookie with JSON, lets a signed-in GET continue', async () => {
    const { cookies } = await signIn();
    const anonymous = await middleware(new Request(`${ORIGIN}/dashboard`));
    expect([anonymous.status, await anonymous.json()]).toEqual([401, { msg: 'Missing cookie "access_token_cookie"' }]);
    const signedIn = await middleware(
      new Request(`${ORIGIN}/dashboard`, { headers: { cookie: `access_token_cookie=${cookies.access_token_cookie}` } }),
    );
    expect([signedIn.status, signedIn.headers.get('x-middleware-next')]).toEqual([200, '1']);
  });

  it('a POST under the matcher needs the CSRF header too', async () => {
    const { cookies } = await signIn();
    const cookie = `access_token_cookie=${cookies.access_token_cookie}`;
    const noCsrf = await middleware(
      new Request(`${ORIGIN}/dashboard/settings`, { method: 'POST', headers: { cookie } }),
    );
    expect([noCsrf.status, await noCsrf.json()]).toEqual([401, { msg: 'Missing CSRF token' }]);
    const ok = await middleware(
      new Request(`${ORIGIN}/dashboard/settings`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': cookies.csrf_access_token as string },
      }),
    );
    expect(ok.headers.get('x-middleware-next')).toBe('1');
  });
});
