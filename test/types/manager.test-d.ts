/**
 * Type tests: the manager infers the input, identity, claims and user types from its loaders, and
 * they flow into token creation, decoding and the getters.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { JwtManager, type JwtPayload } from '../../src/index.js';

class UserObject {
  constructor(
    readonly username: string,
    readonly roles: string[],
  ) {}
}
interface DbUser {
  id: number;
  email: string;
}

const jwt = new JwtManager({
  secretKey: 'type-tests-secret-0123456789abcdef0123456789abcdef',
  userIdentityLoader: (user: UserObject) => user.username,
  additionalClaimsLoader: (user: UserObject) => ({ roles: user.roles }),
  userLookupLoader: async (_header, payload): Promise<DbUser | null> =>
    payload.sub ? { id: 1, email: 'a@b.c' } : null,
});
const req = {};

describe('JwtManager generics', () => {
  it('takes the seed UserObject when creating tokens', () => {
    expectTypeOf(jwt.createAccessToken).parameter(0).toEqualTypeOf<UserObject>();
    // @ts-expect-error a string is not a UserObject
    void jwt.createAccessToken('test');
  });

  it('types the identity, claims and user of a request', () => {
    expectTypeOf(jwt.getJwtIdentity(req)).toEqualTypeOf<string | null>();
    expectTypeOf(jwt.getCurrentUser(req)).toEqualTypeOf<DbUser | null>();
    const claims = jwt.getJwtClaims(req);
    if ('roles' in claims) expectTypeOf(claims.roles).toEqualTypeOf<string[]>();
  });

  it('refuses a claim that was never declared', () => {
    const claims = jwt.getJwtClaims(req) as { roles: string[] };
    // @ts-expect-error `admin` is not a claim of this manager
    void claims.admin;
  });

  it('types decoded payloads with the declared claims', async () => {
    const payload = await jwt.decodeToken('x.y.z');
    expectTypeOf(payload).toMatchTypeOf<JwtPayload>();
    expectTypeOf(payload.roles).toEqualTypeOf<string[]>();
  });

  it('defaults to unknown shapes without loaders', () => {
    const plain = new JwtManager({ secretKey: 'type-tests-secret-0123456789abcdef0123456789abcdef' });
    expectTypeOf(plain.getCurrentUser(req)).toEqualTypeOf<unknown>();
  });
});
