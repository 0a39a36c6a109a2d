/**
 * The seed page's point, on every framework `npm start` offers: login reads the user's row once and
 * hands the whole user object to `createAccessToken` (the identity and claims loaders turn it into
 * `sub` and `roles`), and protected routes get the current user from the user lookup loader, one
 * database read per request. The seed's database and manager are wrapped to count the reads and
 * record what the routes pass in.
 */
import { describe, expect, it } from 'vitest';
import { startSeedServer as startNest } from '../../examples/nestjs/express.js';
import { startSeedServer as startNestFastify } from '../../examples/nestjs/fastify.js';
import { startSeedServer as startExpress } from '../../examples/seed/app-express.js';
import { startSeedServer as startFastify } from '../../examples/seed/app-fastify.js';
import { startSeedServer as startHono } from '../../examples/seed/app-hono.js';
import { startSeedServer as startKoa } from '../../examples/seed/app-koa.js';
import { type Seed, type SeedServer, UserObject } from '../../examples/seed/shared.js';
import { send } from '../behaviour/http.js';
import { TEST_CREDENTIALS, bearer, claimsOf, cookiesOf, quietSeed } from './seed-parity.js';

const FRAMEWORKS = [
  ['express', startExpress],
  ['fastify', startFastify],
  ['hono', startHono],
  ['koa', startKoa],
  ['nestjs', startNest],
  ['nestjs-fastify', startNestFastify],
] as const;

/** What the routes did with the seed's database and manager. */
interface Recorded {
  findLogin: number;
  findUser: number;
  /** The first argument of every createAccessToken / createRefreshToken call. */
  accessFrom: unknown[];
  refreshFrom: unknown[];
}

/** Wraps the seed's database reads and token makers so the test sees each call. */
function record(seed: Seed): Recorded {
  const recorded: Recorded = { findLogin: 0, findUser: 0, accessFrom: [], refreshFrom: [] };
  const { users, jwt } = seed;
  const findLogin = users.findLogin.bind(users);
  const findUser = users.findUser.bind(users);
  users.findLogin = (username) => ((recorded.findLogin += 1), findLogin(username));
  users.findUser = (username) => ((recorded.findUser += 1), findUser(username));
  const createAccessToken = jwt.createAccessToken.bind(jwt);
  const createRefreshToken = jwt.createRefreshToken.bind(jwt);
  jwt.createAccessToken = ((identity: UserObject, ...rest: unknown[]) => {
    recorded.accessFrom.push(identity);
    return (createAccessToken as (...args: unknown[]) => Promise<string>)(identity, ...rest);
  }) as typeof jwt.createAccessToken;
  jwt.createRefreshToken = ((identity: UserObject, ...rest: unknown[]) => {
    recorded.refreshFrom.push(identity);
    return (createRefreshToken as (...args: unknown[]) => Promise<string>)(identity, ...rest);
  }) as typeof jwt.createRefreshToken;
  return recorded;
}

const TEST_USER = new UserObject('test', ['foo', 'bar'], 'Test User');

describe('the seed loaders on every framework', () => {
  for (const [framework, start] of FRAMEWORKS) {
    it(`${framework}: login reads the row once and tokens come from the user object; protected routes load the user`, async () => {
      const seed = quietSeed();
      const server: SeedServer = await start(0, '127.0.0.1', seed);
      try {
        const recorded = record(seed);

        const login = await send(server.url, { method: 'POST', path: '/login', json: TEST_CREDENTIALS });
        expect(login.status).toBe(200);
        expect([recorded.findLogin, recorded.findUser]).toEqual([1, 0]);
        for (const passed of [...recorded.accessFrom, ...recorded.refreshFrom]) {
          expect(passed).toBeInstanceOf(UserObject);
          expect(passed).toEqual(TEST_USER);
        }
        expect([recorded.accessFrom.length, recorded.refreshFrom.length]).toEqual([1, 1]);
        // The identity loader made `sub` of the username, the claims loader `roles` of the roles.
        const { access_token: access } = login.json as { access_token: string };
        expect(claimsOf(access)).toMatchObject({ sub: 'test', roles: ['foo', 'bar'], fresh: true });

        // A protected route: the user lookup loader reads the user once; login's read is not repeated.
        const whoAmI = await send(server.url, { path: '/protected', headers: bearer(access) });
        expect(whoAmI.status).toBe(200);
        expect([recorded.findLogin, recorded.findUser]).toEqual([1, 1]);

        // The page's login and session data: the same, through cookies.
        const cookieLogin = await send(server.url, { method: 'POST', path: '/login/cookies', json: TEST_CREDENTIALS });
        expect([recorded.findLogin, recorded.findUser]).toEqual([2, 1]);
        const me = await send(server.url, { path: '/me', cookies: cookiesOf(cookieLogin) });
        expect((me.json as { current_user: unknown }).current_user).toEqual({
          username: 'test',
          display_name: 'Test User',
          roles: ['foo', 'bar'],
        });
        expect([recorded.findLogin, recorded.findUser]).toEqual([2, 2]);

        // A refused login reads the row once too, and makes no token.
        const wrong = await send(server.url, {
          method: 'POST',
          path: '/login',
          json: { username: 'test', password: 'wrong' },
        });
        expect(wrong.status).toBe(401);
        expect([recorded.findLogin, recorded.accessFrom.length]).toEqual([3, 2]);
      } finally {
        await server.close();
      }
    });
  }
});
