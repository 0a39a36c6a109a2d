/** `POST /api/logout`: unsets the four cookies (the tokens and their CSRF values), as flask's example. */
import { unsetJwtCookies } from 'jwt-extended/fetch';
import { jwt } from '../../../lib/jwt.js';

/** The route handler Next.js calls for POST. */
export function POST(): Response {
  const response = Response.json({ msg: 'logout successful' });
  unsetJwtCookies(jwt, response);
  return response;
}
