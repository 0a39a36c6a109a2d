/**
 * Type tests: once a manager is registered (`interface Register { manager: typeof jwt }`), the
 * free getters and every framework's slot (Express `req.jwt`, Hono `c.get('jwt')`, Koa
 * `ctx.state.jwt`) carry its identity, claims and user, and a claim never declared does not
 * compile.
 *
 * The registration is global to the type-check program, as it is in an app: every other file
 * type-checks with this manager registered too (`npx tsc --noEmit -p tsconfig.json` stays clean).
 */
import type { Request, Response } from 'express';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Hono } from 'hono';
import type { ParameterizedContext } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import { getJwtIdentity as expressIdentity, verifyJwtInRequest as verifyExpress } from '../../src/adapters/express.js';
import { getJwtIdentity as fastifyIdentity } from '../../src/adapters/fastify.js';
import { getJwtIdentity as honoIdentity } from '../../src/adapters/hono.js';
import { getJwtIdentity as koaIdentity } from '../../src/adapters/koa.js';
import { type JwtVariables, jwtRequired as honoJwtRequired } from '../../src/adapters/hono.js';
import { type KoaJwtState, verifyJwtInRequest as verifyKoa } from '../../src/adapters/koa.js';
import {
  type JwtState,
  JwtManager,
  type RegisteredJwtState,
  getCurrentUser,
  getJwtClaims,
  getJwtIdentity,
  readJwtState,
} from '../../src/index.js';

interface AppUser {
  id: number;
  username: string;
}

const jwt = new JwtManager({
  secretKey: 'type-tests-secret-0123456789abcdef0123456789abcdef',
  userIdentityLoader: (user: AppUser) => user.username,
  additionalClaimsLoader: (_user: AppUser) => ({ roles: ['reader'] }),
  userLookupLoader: (_header, payload): AppUser | null =>
    typeof payload.sub === 'string' ? { id: 1, username: payload.sub } : null,
});

// Through the barrel that re-exports it, as an app writes `declare module 'jwt-extended'` (the
// interface's own module, '../../src/register.js', works the same).
declare module '../../src/index.js' {
  interface Register {
    manager: typeof jwt;
  }
}

type Claims = { roles: string[] };
const req = {} as Request;

describe('a registered manager', () => {
  it('types the free getters', () => {
    expectTypeOf(getJwtIdentity(req)).toEqualTypeOf<string | null>();
    expectTypeOf(getJwtClaims(req)).toEqualTypeOf<Claims | Record<string, never>>();
    expectTypeOf(getJwtClaims(req).roles).toEqualTypeOf<string[]>();
    expectTypeOf(getCurrentUser(req)).toEqualTypeOf<AppUser | null>();
  });

  it('refuses a claim that was never declared', () => {
    // @ts-expect-error `admin` is not a claim of the registered manager
    void getJwtClaims(req).admin;
  });

  it('types the saved state', () => {
    expectTypeOf<RegisteredJwtState>().toEqualTypeOf<JwtState<string, Claims, AppUser>>();
    expectTypeOf(readJwtState(req)).toEqualTypeOf<RegisteredJwtState | undefined>();
  });

  it("types Express's req.jwt and verifyJwtInRequest", () => {
    expectTypeOf(req.jwt).toEqualTypeOf<RegisteredJwtState | undefined>();
    expectTypeOf(req.jwt?.identity).toEqualTypeOf<string | null | undefined>();
    expectTypeOf(req.jwt?.user).toEqualTypeOf<AppUser | null | undefined>();
    expectTypeOf(verifyExpress(jwt, req)).resolves.toEqualTypeOf<RegisteredJwtState | null>();
  });

  it("types Hono's c.get('jwt')", () => {
    expectTypeOf<JwtVariables['jwt']>().toEqualTypeOf<RegisteredJwtState | undefined>();
    new Hono().get('/me', honoJwtRequired(jwt), (c) => {
      expectTypeOf(c.get('jwt')).toEqualTypeOf<RegisteredJwtState | undefined>();
      expectTypeOf(c.get('jwt')?.identity).toEqualTypeOf<string | null | undefined>();
      return c.json({});
    });
  });

  it("types Koa's ctx.state.jwt", () => {
    const ctx = {} as ParameterizedContext;
    expectTypeOf<KoaJwtState>().toEqualTypeOf<RegisteredJwtState>();
    expectTypeOf(ctx.state.jwt).toEqualTypeOf<RegisteredJwtState | undefined>();
    expectTypeOf(ctx.state.jwt?.payload.roles).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(verifyKoa(jwt, ctx)).resolves.toEqualTypeOf<RegisteredJwtState | null>();
  });

  it("types Fastify's request.jwt", () => {
    expectTypeOf<FastifyRequest['jwt']>().toEqualTypeOf<RegisteredJwtState | null>();
  });

  it("types each adapter's getters with its own carrier, so a response object does not compile", () => {
    expectTypeOf(expressIdentity(req)).toEqualTypeOf<string | null>();
    expectTypeOf(fastifyIdentity({} as FastifyRequest)).toEqualTypeOf<string | null>();
    new Hono().get('/me', (c) => {
      expectTypeOf(honoIdentity(c)).toEqualTypeOf<string | null>();
      // @ts-expect-error Hono's Response is not its Context
      honoIdentity(c.res);
      return c.json({});
    });
    const ctx = {} as ParameterizedContext;
    expectTypeOf(koaIdentity(ctx)).toEqualTypeOf<string | null>();
    // @ts-expect-error an Express Response is not a Request
    expressIdentity({} as Response);
    // @ts-expect-error a Fastify reply is not a request
    fastifyIdentity({} as FastifyReply);
    // @ts-expect-error Koa's ctx.response is not the context
    koaIdentity(ctx.response);
  });
});
