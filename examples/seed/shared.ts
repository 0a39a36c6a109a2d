/**
 * The framework-independent half of the seed example ("Tokens from Complex Objects"): the manager
 * with the seed's loaders, the user database, login with rate limiting, logout and the page's
 * session data. Every framework's `app-<framework>.ts` plugs this into its own routes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { type Duration, JwtManager, type JwtPayload, parseCookieHeader } from 'jwt-extended';
import { createMemoryStore } from 'jwt-extended/stores/memory';
import { createRedisStore } from 'jwt-extended/stores/redis';
import {
  type Answer,
  BAD_CREDENTIALS,
  BAD_LOGIN_BODY,
  BAD_PASSWORD_BODY,
  readCredentials,
  readPassword,
  securityHeaders,
  tooManyAttempts,
} from './http-rules.js';
import {
  DEFAULT_LOGIN_LIMITS,
  type LimitRule,
  type LoginLimits,
  createMemoryLimiter,
  createRedisLimiter,
} from './login-limiter.js';
import { DEFAULT_HASH_COST, hashOfNobody, verifyPassword } from './passwords.js';
import { type UserDatabase, type UserObject, openUserDatabase } from './users.js';

export { UserObject } from './users.js';
export { BAD_CREDENTIALS } from './http-rules.js';

/** Used only when JWT_SECRET_KEY is unset; tokens signed with it are worthless outside development. */
export const DEVELOPMENT_SECRET = 'development-only-secret: set JWT_SECRET_KEY before deploying this example';

/** The database `npm start` creates when `DATABASE` is unset (git ignores the folder). */
export const DEFAULT_DATABASE = fileURLToPath(new URL('../.data/users.sqlite', import.meta.url));

/** The manager the seed example runs on: a {@link UserObject} in, its username as identity, its roles as claims. */
export type SeedManager = JwtManager<UserObject, string, { roles: string[] }, UserObject>;

/** The outcome of a login attempt: the user, or the answer that refuses it. */
export type LoginResult = { readonly user: UserObject } | { readonly refused: Answer };

/** Everything a framework's seed app needs. */
export interface Seed {
  readonly jwt: SeedManager;
  readonly users: UserDatabase;
  /** Where revocations and login counters live: this process's memory, or Redis (`REDIS_URL`). */
  readonly store: 'memory' | 'redis';
  /** Headers for every response (see `securityHeaders`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether the client address comes from `X-Forwarded-For` (`TRUST_PROXY=1`). */
  readonly trustProxy: boolean;
  /** Checks a login body against the database, counting failures per username and address. */
  login(body: unknown, address: string): Promise<LoginResult>;
  /** Checks the signed-in user's password again (`{"password": ...}`), for a fresh token. */
  confirmPassword(username: string, body: unknown, address: string): Promise<LoginResult>;
  /** Revokes the verified token of a `/logout` request and answers its message. */
  logout(payload: JwtPayload | Record<string, never>): Promise<{ msg: string }>;
  /** Ends a cookie session: revokes its access token and the refresh token of its cookie. */
  endSession(access: JwtPayload | Record<string, never>, cookieHeader: string | undefined): Promise<void>;
  /** The user the user lookup loader loaded for this verified request (throws on an unprotected route). */
  currentUser(carrier: object): UserObject;
  /** What the page shows about the signed-in user and their token. */
  sessionOf(access: JwtPayload | Record<string, never>, user: UserObject | null): SessionView;
  /** What the page shows before login: the framework, the stores, the seeded account. */
  about(framework: string): AboutView;
  /** Releases the database and the Redis connection, if any. */
  close(): Promise<void>;
}

/** The body of `GET /me`. */
export interface SessionView {
  /** `getJwtIdentity`: the username. */
  readonly current_identity: string;
  /** `getJwtClaims`: the roles claim, from the token. */
  readonly current_roles: { readonly roles: readonly string[] };
  /** `getCurrentUser`: the user the user lookup loader read from the database for this request. */
  readonly current_user: {
    readonly username: string;
    readonly display_name: string;
    readonly roles: readonly string[];
  };
  /** Whether the access token comes straight from a password check. */
  readonly fresh: boolean;
  /** Seconds left before the access token expires (the page refreshes before then). */
  readonly access_expires_in: number | null;
}

/** The body of `GET /about`. */
export interface AboutView {
  readonly framework: string;
  readonly store: 'memory' | 'redis';
  readonly database: 'sqlite';
  /** The seeded account, when this database was seeded by the example. */
  readonly demo_account: { readonly username: string; readonly password: string } | null;
}

/** Where the seed reads its configuration and reports. */
export interface SeedOptions {
  /**
   * Default `process.env`. Read: `JWT_SECRET_KEY`, `JWT_ACCESS_TOKEN_EXPIRES` (seconds or `'15m'`),
   * `JWT_REFRESH_TOKEN_EXPIRES`, `REDIS_URL`, `DATABASE` (a file, or `:memory:`), `SEED_PASSWORD`,
   * `PUBLIC_URL` (an `https://` URL makes cookies `Secure` and adds HSTS), `TRUST_PROXY` (`1`),
   * `PASSWORD_HASH_COST` (log2 of scrypt's N, default 15; tests lower it).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default `console.warn`. */
  readonly warn?: (message: string) => void;
  /** Failed logins allowed per username and address. Default 5 and 20 per 15 minutes. */
  readonly loginLimits?: Partial<LoginLimits>;
}

/** `'90'` -> 90 seconds; `'15m'` as the library reads it. */
function durationFromEnv(value: string | undefined, fallback: Duration): Duration {
  if (value === undefined || value === '') return fallback;
  return /^\d+$/.test(value) ? Number(value) : (value as Duration);
}

/**
 * Builds the seed: the secret from `JWT_SECRET_KEY` (with a loud development default), the seed
 * page's identity and claims loaders, a user lookup loader on the SQLite database, the revocation
 * store and login counters (Redis when `REDIS_URL` is set, so every instance shares them), and
 * cookies fit for a browser page (`SameSite=Strict`, `Secure` over HTTPS).
 *
 * @example
 * ```ts
 * const seed = createSeed({ env: { JWT_SECRET_KEY: 'a long random secret', DATABASE: ':memory:' } })
 * ```
 */
export function createSeed(options: SeedOptions = {}): Seed {
  const env = options.env ?? process.env;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const limits = { ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits };
  let secretKey = env.JWT_SECRET_KEY;
  if (!secretKey) {
    warn('WARNING: JWT_SECRET_KEY is not set; using a development secret. Anyone can forge tokens for this server.');
    secretKey = DEVELOPMENT_SECRET;
  }
  const https = (env.PUBLIC_URL ?? '').startsWith('https://');
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null;
  // ioredis reports connection trouble as 'error' events; the store itself answers 503 meanwhile.
  redis?.on('error', (error: Error) => warn(`Redis: ${error.message}`));
  const hashCost = env.PASSWORD_HASH_COST ? Number(env.PASSWORD_HASH_COST) : DEFAULT_HASH_COST;
  const users = openUserDatabase({
    location: env.DATABASE || DEFAULT_DATABASE,
    seedPassword: env.SEED_PASSWORD,
    hashCost,
  });
  const limiter = redis ? createRedisLimiter(redis, limits.windowSeconds) : createMemoryLimiter(limits.windowSeconds);

  const jwt: SeedManager = new JwtManager({
    secretKey,
    accessTokenExpires: durationFromEnv(env.JWT_ACCESS_TOKEN_EXPIRES, '15m'),
    refreshTokenExpires: durationFromEnv(env.JWT_REFRESH_TOKEN_EXPIRES, '30d'),
    // The page reads its tokens from cookies: never sent by another site (Strict), never over
    // plain HTTP once the site is served over HTTPS (Secure).
    cookieSamesite: 'Strict',
    cookieSecure: https,
    blocklist: redis ? createRedisStore(redis) : createMemoryStore(),
  });
  // The seed page's two loaders: the user object goes into createAccessToken, the loaders take it apart.
  jwt.userIdentityLoader((user) => user.username);
  jwt.additionalClaimsLoader((user) => ({ roles: [...user.roles] }));
  // Protected routes load the current user (a deleted user's tokens stop working at once).
  jwt.userLookupLoader((_header, payload) => users.findUser(String(payload.sub)));

  /** The counters one login attempt is checked against. */
  const rulesFor = (username: string, address: string): LimitRule[] => [
    { key: `user:${username.toLowerCase()}`, limit: limits.perUsername },
    { key: `address:${address}`, limit: limits.perAddress },
  ];

  async function checkPassword(username: string, password: string, address: string): Promise<LoginResult> {
    const rules = rulesFor(username, address);
    // Refused before the password is hashed: a blocked client costs no scrypt work.
    const wait = await limiter.retryAfter(rules);
    if (wait > 0) return { refused: tooManyAttempts(wait) };
    const row = users.findLogin(username);
    const matches = await verifyPassword(password, row?.passwordHash ?? (await hashOfNobody(hashCost)));
    if (row === null || !matches) {
      await limiter.recordFailure(rules.map((rule) => rule.key));
      return { refused: BAD_CREDENTIALS };
    }
    await limiter.reset(rules[0]?.key as string);
    return { user: row.user };
  }

  return {
    jwt,
    users,
    store: redis ? 'redis' : 'memory',
    headers: securityHeaders(https),
    trustProxy: env.TRUST_PROXY === '1',
    async login(body, address) {
      const credentials = readCredentials(body);
      if (credentials === null) return { refused: BAD_LOGIN_BODY };
      return checkPassword(credentials.username, credentials.password, address);
    },
    async confirmPassword(username, body, address) {
      const password = readPassword(body);
      if (password === null) return { refused: BAD_PASSWORD_BODY };
      return checkPassword(username, password, address);
    },
    async logout(payload) {
      await jwt.revokeToken(payload as JwtPayload);
      return { msg: payload.type === 'refresh' ? 'Refresh token revoked' : 'Access token revoked' };
    },
    async endSession(access, cookieHeader) {
      await jwt.revokeToken(access as JwtPayload);
      const refreshToken = parseCookieHeader(cookieHeader).get(jwt.config.refreshCookieName);
      // The refresh cookie would otherwise mint new access tokens for 30 days. One that does not
      // verify (forged, another secret) needs no revoking.
      if (refreshToken !== undefined) await jwt.revokeToken(refreshToken).catch(() => undefined);
    },
    currentUser(carrier) {
      const user = jwt.getCurrentUser(carrier);
      if (user === null) throw new Error('currentUser: this route is not protected by jwtRequired');
      return user;
    },
    sessionOf(access, user) {
      const exp = typeof access.exp === 'number' ? access.exp : null;
      return {
        current_identity: String(access.sub),
        current_roles: { roles: Array.isArray(access.roles) ? (access.roles as string[]) : [] },
        current_user: {
          username: user?.username ?? '',
          display_name: user?.displayName ?? '',
          roles: user?.roles ?? [],
        },
        fresh: access.fresh === true || (typeof access.fresh === 'number' && access.fresh > Date.now() / 1000),
        access_expires_in: exp === null ? null : Math.max(0, Math.round((exp - Date.now() / 1000) * 10) / 10),
      };
    },
    about(framework) {
      const account = users.demoAccount();
      return { framework, store: redis ? 'redis' : 'memory', database: 'sqlite', demo_account: account };
    },
    async close() {
      users.close();
      redis?.disconnect();
    },
  };
}

/** A running seed server. */
export interface SeedServer {
  /** e.g. `http://127.0.0.1:5000` */
  readonly url: string;
  /** The seed it runs on (its database holds the seeded account). */
  readonly seed: Seed;
  close(): Promise<void>;
}

/**
 * Starts a Node HTTP server for a seed app and returns its URL and a `close` that also releases
 * the seed's database and Redis connection.
 *
 * @example
 * ```ts
 * const seed = createSeed()
 * return listenSeed(createServer(createSeedApp(seed)), seed, 5000, '127.0.0.1')
 * ```
 */
export async function listenSeed(server: Server, seed: Seed, port: number, host: string): Promise<SeedServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    seed,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await seed.close();
    },
  };
}

/** What every `app-<framework>.ts` exports for `examples/server.ts`. */
export interface SeedServerModule {
  startSeedServer(port: number, host?: string, seed?: Seed): Promise<SeedServer>;
}
