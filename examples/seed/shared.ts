/**
 * The framework-independent half of the seed example ("Tokens from Complex Objects"): the user
 * object, the example's user database, and the manager with the seed's two loaders. Every
 * framework's `app-<framework>.ts` builds its routes on this.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { JwtManager, type JwtPayload } from '../../src/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createRedisStore } from '../../src/stores/redis.js';

/**
 * A user as a database would return it: the token's identity is its `username`, and its `roles`
 * become a claim, so the login route reads the database once.
 *
 * @example
 * ```ts
 * const token = await jwt.createAccessToken(new UserObject('test', ['foo', 'bar']))
 * ```
 */
export class UserObject {
  constructor(
    readonly username: string,
    readonly roles: readonly string[],
  ) {}
}

/** The example's "database". A real app stores password hashes, never passwords. */
const USERS: ReadonlyMap<string, { password: string; roles: readonly string[] }> = new Map([
  ['test', { password: 'test', roles: ['foo', 'bar'] }],
]);

/**
 * The user with these credentials, or `null`.
 *
 * @example
 * ```ts
 * authenticate(req.body?.username, req.body?.password) // UserObject { username: 'test', ... } or null
 * ```
 */
export function authenticate(username: unknown, password: unknown): UserObject | null {
  if (typeof username !== 'string' || typeof password !== 'string') return null;
  const record = USERS.get(username);
  return record !== undefined && record.password === password ? new UserObject(username, record.roles) : null;
}

/**
 * The user of a verified token's identity (the refresh route reloads the roles), or `null`.
 *
 * @example
 * ```ts
 * findUser(getJwtIdentity(req))
 * ```
 */
export function findUser(username: unknown): UserObject | null {
  const record = typeof username === 'string' ? USERS.get(username) : undefined;
  return record === undefined ? null : new UserObject(username as string, record.roles);
}

/** The answer to wrong credentials, as in the seed page. */
export const BAD_CREDENTIALS = { msg: 'Bad username or password' } as const;

/** Used only when JWT_SECRET_KEY is unset; tokens signed with it are worthless outside development. */
export const DEVELOPMENT_SECRET = 'development-only-secret: set JWT_SECRET_KEY before deploying this example';

/** The manager the seed example runs on. */
export type SeedManager = JwtManager<UserObject, string, { roles: string[] }>;

/** Everything a framework's seed app needs. */
export interface Seed {
  readonly jwt: SeedManager;
  /** Where revocations live: this process's memory, or Redis when `REDIS_URL` is set (shared by every instance). */
  readonly store: 'memory' | 'redis';
  /** Revokes the verified token of a `/logout` request and answers its message. */
  logout(payload: JwtPayload | Record<string, never>): Promise<{ msg: string }>;
  /** Releases the Redis connection, if any. */
  close(): Promise<void>;
}

/** Where the seed reads its configuration and reports. */
export interface SeedOptions {
  /** Default `process.env`; `JWT_SECRET_KEY` and `REDIS_URL` are read from it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default `console.warn`. */
  readonly warn?: (message: string) => void;
}

/**
 * Builds the seed's manager: the secret from `JWT_SECRET_KEY` (with a loud development default),
 * the identity and claims loaders of the seed page, and the revocation store behind `/logout`
 * (Redis when `REDIS_URL` is set, so a logout on one instance is refused on every other).
 *
 * @example
 * ```ts
 * const { jwt, logout } = createSeed()
 * ```
 */
export function createSeed(options: SeedOptions = {}): Seed {
  const env = options.env ?? process.env;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  let secretKey = env.JWT_SECRET_KEY;
  if (!secretKey) {
    warn('WARNING: JWT_SECRET_KEY is not set; using a development secret. Anyone can forge tokens for this server.');
    secretKey = DEVELOPMENT_SECRET;
  }
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null;
  // ioredis reports connection trouble as 'error' events; the store itself answers 503 meanwhile.
  redis?.on('error', (error: Error) => warn(`Redis: ${error.message}`));
  const jwt: SeedManager = new JwtManager({
    secretKey,
    blocklist: redis ? createRedisStore(redis) : createMemoryStore(),
  });
  // The seed page's two loaders: any object goes into createAccessToken, the loaders take it apart.
  jwt.userIdentityLoader((user) => user.username);
  jwt.additionalClaimsLoader((user) => ({ roles: [...user.roles] }));
  return {
    jwt,
    store: redis ? 'redis' : 'memory',
    async logout(payload) {
      await jwt.revokeToken(payload as JwtPayload);
      return { msg: payload.type === 'refresh' ? 'Refresh token revoked' : 'Access token revoked' };
    },
    async close() {
      redis?.disconnect();
    },
  };
}

/** A running seed server. */
export interface SeedServer {
  /** e.g. `http://127.0.0.1:5000` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a Node HTTP server for a seed app and returns its URL and a `close` that also releases
 * the seed's Redis connection.
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
  startSeedServer(port: number, host?: string): Promise<SeedServer>;
}
