/**
 * One web-standard app, `(Request) => Promise<Response>`, that the Bun, Deno and Workers examples
 * serve unchanged: flask-jwt-extended's basic usage (login, a protected route, refresh) and its
 * cookie flow (login sets HttpOnly cookies with CSRF double submit, logout unsets them).
 * It uses nothing but `Request`, `Response` and `jwt-extended`, so it runs wherever fetch does.
 */
import { type AnyJwtManager, JwtManager, type JwtManagerOptions } from 'jwt-extended';
import { getJwtIdentity, jwtRequired, setAccessCookies, setRefreshCookies, unsetJwtCookies } from 'jwt-extended/fetch';

/** The settings an example reads from its environment (`process.env`, `Deno.env`, a Worker's `env`). */
export interface ExampleEnv {
  /** HS256 (default), RS256, ES256, EdDSA, ... */
  readonly JWT_ALGORITHM?: string;
  /** The HMAC secret (HS*). */
  readonly JWT_SECRET_KEY?: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) for RS*, PS*, ES*, EdDSA. */
  readonly JWT_PRIVATE_KEY?: string;
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`) of that key. */
  readonly JWT_PUBLIC_KEY?: string;
  /** The signing engine: `auto` (default), `node` or `webcrypto`. */
  readonly JWT_ENGINE?: string;
}

/** Used only when JWT_SECRET_KEY is unset; tokens signed with it are worthless outside development. */
const DEVELOPMENT_SECRET = 'development-only-secret: set JWT_SECRET_KEY before deploying this example';

/**
 * The manager from the environment: tokens in the `Authorization` header or in cookies. The
 * signing engine is `'auto'`: node:crypto where the runtime has it (Node, Bun, Deno), WebCrypto
 * where it does not (Workers without the Node compatibility flag).
 *
 * @example
 * ```ts
 * const jwt = managerFromEnv({ JWT_SECRET_KEY: 'a-long-random-secret' })
 * ```
 */
export function managerFromEnv(env: ExampleEnv): JwtManager {
  const algorithm = (env.JWT_ALGORITHM ?? 'HS256') as NonNullable<JwtManagerOptions['algorithm']>;
  const keys: JwtManagerOptions = algorithm.startsWith('HS')
    ? { secretKey: env.JWT_SECRET_KEY ?? DEVELOPMENT_SECRET }
    : { privateKey: env.JWT_PRIVATE_KEY, publicKey: env.JWT_PUBLIC_KEY };
  const engine = (env.JWT_ENGINE ?? 'auto') as NonNullable<JwtManagerOptions['engine']>;
  return new JwtManager({ algorithm, ...keys, engine, tokenLocation: ['headers', 'cookies'] });
}

type Handler = (request: Request) => Response | Promise<Response>;

/** The login check of flask-jwt-extended's basic example: a real app asks its user database. */
export async function readLogin(request: Request): Promise<string | undefined> {
  const body = (await request.json().catch(() => null)) as { username?: unknown; password?: unknown } | null;
  return body?.username === 'test' && body.password === 'test' ? 'test' : undefined;
}

const BAD_LOGIN = (): Response => Response.json({ msg: 'Bad username or password' }, { status: 401 });

/**
 * The app's routes, with the given manager (its engine and algorithm are reported by `/about`).
 *
 * @example
 * ```ts
 * Bun.serve({ fetch: createWebApp(managerFromEnv(process.env)) })
 * ```
 */
export function createWebApp(jwt: AnyJwtManager, runtime: string): (request: Request) => Promise<Response> {
  const routes: Record<string, Handler> = {
    'GET /about': () => Response.json({ runtime, engine: jwt.config.engine.name, algorithm: jwt.config.algorithm }),
    // Tokens in the JSON answer, for clients that send `Authorization: Bearer <token>`.
    'POST /login': async (request) => {
      const identity = await readLogin(request);
      if (identity === undefined) return BAD_LOGIN();
      return Response.json({
        access_token: await jwt.createAccessToken(identity, { fresh: true }),
        refresh_token: await jwt.createRefreshToken(identity),
      });
    },
    'GET /protected': jwtRequired(jwt, (request) => Response.json({ logged_in_as: getJwtIdentity(request) })),
    'POST /refresh': jwtRequired(jwt, { refresh: true }, async (request) =>
      Response.json({ access_token: await jwt.createAccessToken(getJwtIdentity(request)) }),
    ),
    // Tokens in HttpOnly cookies; the CSRF cookies are readable by the page, which echoes them
    // in X-CSRF-TOKEN on every state-changing request.
    'POST /login/cookies': async (request) => {
      const identity = await readLogin(request);
      if (identity === undefined) return BAD_LOGIN();
      const response = Response.json({ login: true });
      setAccessCookies(jwt, response, await jwt.createAccessToken(identity));
      setRefreshCookies(jwt, response, await jwt.createRefreshToken(identity));
      return response;
    },
    'POST /transfer': jwtRequired(jwt, { locations: 'cookies' }, (request) =>
      Response.json({ transferred_by: getJwtIdentity(request) }),
    ),
    'POST /logout': () => {
      const response = Response.json({ logout: true });
      unsetJwtCookies(jwt, response);
      return response;
    },
  };
  return async (request) => {
    const route = routes[`${request.method} ${new URL(request.url).pathname}`];
    return route === undefined ? Response.json({ msg: 'Not Found' }, { status: 404 }) : route(request);
  };
}
