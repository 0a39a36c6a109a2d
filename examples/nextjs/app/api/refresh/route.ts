/** `POST /api/refresh`: a refresh token buys a new access token, in the answer and its cookie. */
import { getJwtIdentity, jwtRequired, setAccessCookies } from 'jwt-extended/fetch';
import { jwt } from '../../../lib/jwt.js';

/** The route handler Next.js calls for POST. A cookie-borne refresh token needs its CSRF header. */
export const POST = jwtRequired(jwt, { refresh: true }, async (request: Request) => {
  const accessToken = await jwt.createAccessToken(getJwtIdentity(request));
  const response = Response.json({ access_token: accessToken });
  setAccessCookies(jwt, response, accessToken);
  return response;
});
