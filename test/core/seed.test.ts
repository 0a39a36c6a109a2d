/**
 * The seed page ("Tokens from Complex Objects"), written in TypeScript: any user object goes in,
 * the identity loader picks the identity, the claims loader adds the roles from the same object.
 */
import { describe, expect, it } from 'vitest';
import { JwtManager, getJwtClaims, getJwtIdentity } from '../../src/index.js';
import { portOf } from '../helpers/core-request.js';
import { UserObject } from '../helpers/fixtures.js';

const SECRET = 'super-secret-key-for-the-seed-example-0123456789';

describe('tokens from complex objects', () => {
  it('makes a token whose identity is the username and whose roles claim is the user roles', async () => {
    const claimsLoaderCalls: unknown[] = [];
    const jwt = new JwtManager({
      secretKey: SECRET,
      userIdentityLoader: (user: UserObject) => user.username,
      additionalClaimsLoader: (user: UserObject) => {
        claimsLoaderCalls.push(user);
        return { roles: user.roles };
      },
    });
    const user = new UserObject('test', ['foo', 'bar']);
    const token = await jwt.createAccessToken(user);
    // The loader receives the very object given, so the database is read once at login.
    expect(claimsLoaderCalls).toEqual([user]);
    expect(claimsLoaderCalls[0]).toBe(user);
    const payload = jwt.decodeTokenSync(token);
    expect(payload.sub).toBe('test');
    expect(payload.roles).toEqual(['foo', 'bar']);
    expect(payload.type).toBe('access');

    const req = {};
    await jwt.verifyRequest(req, portOf({ headers: { Authorization: `Bearer ${token}` } }), jwt.compileRoute());
    expect({ current_identity: getJwtIdentity(req), current_roles: getJwtClaims(req) }).toEqual({
      current_identity: 'test',
      current_roles: { roles: ['foo', 'bar'] },
    });
  });

  it('accepts the seed page names as methods registered after construction (flask decorators)', async () => {
    const jwt = new JwtManager<UserObject, string, { roles: string[] }>({ secretKey: SECRET });
    const identity = jwt.userIdentityLoader((user) => user.username);
    jwt.userClaimsLoader((user) => ({ roles: user.roles }));
    expect(identity(new UserObject('x', []))).toBe('x');
    const token = jwt.createRefreshTokenSync(new UserObject('test', ['admin']));
    expect(jwt.decodeTokenSync(token)).toMatchObject({ sub: 'test', roles: ['admin'], type: 'refresh', fresh: false });
  });

  it('supports async loaders, and the sync API says to use the async one', async () => {
    const jwt = new JwtManager({
      secretKey: SECRET,
      userIdentityLoader: async (user: UserObject) => user.username,
      additionalClaimsLoader: async (user: UserObject) => ({ roles: user.roles }),
    });
    const token = await jwt.createAccessToken(new UserObject('a', ['r']));
    expect(jwt.decodeTokenSync(token)).toMatchObject({ sub: 'a', roles: ['r'] });
    expect(() => jwt.createAccessTokenSync(new UserObject('a', ['r']))).toThrow(
      'a loader returned a promise: use the async createAccessToken() instead',
    );
  });

  it('lets the additionalClaims argument win over the loader, and both override reserved claims', async () => {
    const jwt = new JwtManager({ secretKey: SECRET, additionalClaimsLoader: () => ({ roles: ['loader'], a: 1 }) });
    const token = await jwt.createAccessToken('me', { additionalClaims: { roles: ['argument'], type: 'app' } });
    expect(jwt.decodeTokenSync(token)).toMatchObject({ roles: ['argument'], a: 1, type: 'app' });
  });
});
