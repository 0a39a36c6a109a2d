/** `GET /api/protected`: an access token (header or cookie) required, in one line. */
import { getJwtIdentity, jwtRequired } from 'jwt-extended/fetch';
import { jwt } from '../../../lib/jwt.js';

/** The route handler Next.js calls for GET (the second argument, `{ params }`, is passed through). */
export const GET = jwtRequired(jwt, (request: Request) => Response.json({ logged_in_as: getJwtIdentity(request) }));
