/**
 * `POST /api/login` `{"username": "test", "password": "test"}`: the tokens in the JSON answer (for
 * API clients) and in HttpOnly cookies with their CSRF cookies (for the browser).
 */
import { setAccessCookies, setRefreshCookies } from 'jwt-extended/fetch';
import { jwt } from '../../../lib/jwt.js';

/** The route handler Next.js calls for POST. */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { username?: unknown; password?: unknown } | null;
  // flask-jwt-extended's basic example; a real app asks its user database.
  if (body?.username !== 'test' || body.password !== 'test') {
    return Response.json({ msg: 'Bad username or password' }, { status: 401 });
  }
  const accessToken = await jwt.createAccessToken('test');
  const refreshToken = await jwt.createRefreshToken('test');
  const response = Response.json({ access_token: accessToken, refresh_token: refreshToken });
  setAccessCookies(jwt, response, accessToken);
  setRefreshCookies(jwt, response, refreshToken);
  return response;
}
