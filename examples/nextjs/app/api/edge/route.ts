/**
 * `GET /api/edge`: the protected route again, on Next's Edge runtime. There is no node:crypto
 * there, so `engine: 'auto'` signs and verifies on WebCrypto; the answer says which engine ran.
 */
import { getJwtIdentity, jwtRequired } from 'jwt-extended/fetch';
import { jwt } from '../../../lib/jwt.js';

/** Next.js runs this route on the Edge runtime (the default is Node.js). */
export const runtime = 'edge';

/** The route handler Next.js calls for GET. */
export const GET = jwtRequired(jwt, (request: Request) =>
  Response.json({ logged_in_as: getJwtIdentity(request), engine: jwt.config.engine.name }),
);
