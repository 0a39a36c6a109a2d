/**
 * The one manager every consumer program shares, registered as an app registers it: after this
 * declaration, identity, claims and user come out of every getter and framework slot typed.
 */
import { JwtManager } from 'jwt-extended';
import { createMemoryStore } from 'jwt-extended/stores/memory';

/** The application's user, as its database would return it. */
export interface AppUser {
  username: string;
  roles: string[];
}

const users: Record<string, AppUser> = { test: { username: 'test', roles: ['foo', 'bar'] } };

/** flask-jwt-extended's seed example: the user object in, its name as identity, its roles as claims. */
export const jwt = new JwtManager({
  secretKey: 'consumer-matrix-secret-0123456789abcdef0123456789',
  blocklist: createMemoryStore(),
  userIdentityLoader: (user: AppUser) => user.username,
  additionalClaimsLoader: (user: AppUser) => ({ roles: user.roles }),
  userLookupLoader: (_header, payload): AppUser | null =>
    typeof payload.sub === 'string' ? (users[payload.sub] ?? null) : null,
});

declare module 'jwt-extended' {
  interface Register {
    manager: typeof jwt;
  }
}

/** The user the programs log in. */
export const testUser: AppUser = users.test as AppUser;
