/**
 * The Next.js example's manager, shared by its route handlers and its middleware. Tokens in the
 * `Authorization` header (API clients) or in cookies (the browser, with CSRF double submit).
 * `engine: 'auto'` signs on node:crypto in the Node.js runtime and on WebCrypto in the Edge runtime.
 */
import { JwtManager } from 'jwt-extended';

/** The app's one manager (a module is evaluated once per server process). */
export const jwt = new JwtManager({
  secretKey: process.env.JWT_SECRET_KEY ?? 'development-only-secret: set JWT_SECRET_KEY before deploying this example',
  tokenLocation: ['headers', 'cookies'],
});
