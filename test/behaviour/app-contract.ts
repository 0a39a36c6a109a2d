/**
 * The contract every framework's test app fulfils, so that one table-driven behaviour suite runs
 * unchanged against Express 5, Express 4, Fastify, Hono and Koa through real HTTP on loopback.
 *
 * Each app factory mounts, for EVERY route below and EVERY method (GET, HEAD, POST, PUT, PATCH,
 * DELETE, OPTIONS), the framework's `jwtRequired` with the route's options and a handler that
 * answers 200 with `describeRequest(carrier)` as JSON (carrier = Express `req`, Fastify
 * `request`, Hono `c`, Koa `ctx`). It also mounts the two cookie routes described below. It does
 * NOT mount a global JSON body parser: the adapters read the JSON body themselves when a route
 * uses the `json` location (so invalid JSON answers like flask: 401 `Missing "access_token" key
 * in json data.`). Form bodies (`application/x-www-form-urlencoded`) are read by the adapter for
 * `csrfCheckForm`.
 */
import type { Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import * as context from '../../src/context.js';
import type { JwtManager, RouteOptions } from '../../src/index.js';
import {
  JwtNotVerifiedError,
  getCurrentUser,
  getJwt,
  getJwtClaims,
  getJwtHeader,
  getJwtIdentity,
  getJwtRequestLocation,
} from '../../src/index.js';

/** One protected route of the test app. */
export interface ProtectedRoute {
  readonly path: string;
  readonly options: RouteOptions;
}

/** The protected routes every test app mounts. */
export const PROTECTED_ROUTES: readonly ProtectedRoute[] = [
  { path: '/protected', options: {} },
  { path: '/optional', options: { optional: true } },
  { path: '/fresh', options: { fresh: true } },
  { path: '/refresh', options: { refresh: true } },
  { path: '/any-type', options: { verifyType: false } },
  { path: '/skip-revocation', options: { skipRevocationCheck: true } },
  { path: '/headers-only', options: { locations: 'headers' } },
  { path: '/cookies-then-headers', options: { locations: ['cookies', 'headers'] } },
  { path: '/headers-then-cookies', options: { locations: ['headers', 'cookies'] } },
  { path: '/all-locations', options: { locations: ['headers', 'cookies', 'query_string', 'json'] } },
  { path: '/optional-refresh', options: { optional: true, refresh: true } },
];

/**
 * Cookie routes (JSON body, parsed by the framework's usual JSON parser on these routes only):
 * - `POST /cookies/set` `{ access?: string, refresh?: string, maxAge?: number, domain?: string }`
 *   calls `setAccessCookies` then `setRefreshCookies` (for those given) and answers 200 `{}`;
 * - `POST /cookies/unset` `{ which: 'all' | 'access' | 'refresh', domain?: string }` calls
 *   `unsetJwtCookies` / `unsetAccessCookies` / `unsetRefreshCookies` and answers 200 `{}`.
 */
export const COOKIE_ROUTES = { set: '/cookies/set', unset: '/cookies/unset' } as const;

/** The JSON body of `POST /cookies/set`. */
export interface SetBody {
  access?: string;
  refresh?: string;
  maxAge?: number;
  domain?: string;
}

/** The JSON body of `POST /cookies/unset`. */
export interface UnsetBody {
  which?: 'all' | 'access' | 'refresh';
  domain?: string;
}

/** A running test app. */
export interface TestApp {
  /** e.g. `http://127.0.0.1:41234` */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts a Node HTTP server on 127.0.0.1 with a free port, as the test apps of Node-server
 * frameworks do, and returns it as a {@link TestApp}.
 */
export async function listenOnLoopback(server: Server): Promise<TestApp> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Builds and starts (on 127.0.0.1, port 0) a test app for one manager. */
export type AppFactory = (jwt: JwtManager) => Promise<TestApp>;

/**
 * The body every protected test route answers with. Getters are called the way an app would,
 * on every method: one that throws (as flask's do on OPTIONS) makes the route answer 500. The
 * zero-argument getters of `jwt-extended/context` are read too and must agree with the carrier's
 * (a disagreement, or a throw on OPTIONS or an optional route, is a 500 and fails the row).
 */
export function describeRequest(carrier: object): Record<string, unknown> {
  const body: Record<string, unknown> = {
    identity: getJwtIdentity(carrier),
    jwt: getJwt(carrier),
    header: getJwtHeader(carrier),
    claims: getJwtClaims(carrier),
    location: getJwtRequestLocation(carrier),
  };
  const scoped = {
    identity: context.getJwtIdentity(),
    jwt: context.getJwt(),
    header: context.getJwtHeader(),
    claims: context.getJwtClaims(),
    location: context.getJwtRequestLocation(),
  };
  if (!isDeepStrictEqual(scoped, body)) {
    throw new Error(`jwt-extended/context disagrees with the carrier: ${JSON.stringify({ scoped, body })}`);
  }
  try {
    body.user = getCurrentUser(carrier);
  } catch (error) {
    if (!(error instanceof JwtNotVerifiedError)) throw error;
    body.user = 'no user lookup loader';
  }
  return body;
}
