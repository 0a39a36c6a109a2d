/**
 * NestJS 12 on its Express platform: `JwtExtendedModule.forRoot` with the registered manager, a
 * controller whose route is protected by `@JwtRequired()` and reads identity, claims and user
 * through the parameter decorators and, typed, through `jwt-extended/context`; cookies set by the
 * adapter's helper on the platform's response. Nest resolves nothing by constructor type here, so
 * the program needs `experimentalDecorators` (Nest's decorators) but no decorator metadata.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import { Controller, Get, HttpCode, Module, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Response } from 'express';
import * as context from 'jwt-extended/context';
import {
  CurrentUser,
  JwtClaims,
  JwtExtendedModule,
  JwtIdentity,
  JwtRequired,
  setAccessCookies,
} from 'jwt-extended/nestjs';
import { type Equal, assertType, checkServer, protectedRouteExchanges, run } from './harness.js';
import { type AppUser, jwt, testUser } from './manager.js';

@Controller()
class ProtectedController {
  @Get('protected')
  @JwtRequired()
  protected(@JwtIdentity() identity: string, @JwtClaims('roles') roles: string[], @CurrentUser() user: AppUser) {
    // The same values through the zero-argument getters, typed by the registered manager.
    const claims = context.getJwtClaims();
    const current = context.getCurrentUser();
    assertType<Equal<ReturnType<typeof context.getJwtIdentity>, string | null>>();
    assertType<Equal<typeof claims, { roles: string[] } | Record<string, never>>>();
    assertType<Equal<typeof current, AppUser | null>>();
    // @ts-expect-error `admin` was never declared by the manager's claims loader
    void claims.admin;
    if (current !== user || claims.roles !== roles) throw new Error('the decorators and the getters disagree');
    return { identity, roles, user: user.username, slot: context.getJwtIdentity() };
  }

  @Get('login-cookie')
  @HttpCode(204)
  loginCookie(@Res({ passthrough: true }) response: Response): void {
    setAccessCookies(jwt, response, jwt.createAccessTokenSync(testUser));
  }
}

// @ts-expect-error `fresh` is a boolean, not a string
JwtRequired({ fresh: 'yes' });

@Module({ imports: [JwtExtendedModule.forRoot(jwt)], controllers: [ProtectedController] })
class AppModule {}

run(async () => {
  // checkServer listens on the server Nest built, and closes it.
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  const token = await jwt.createAccessToken(testUser);
  await checkServer('nestjs', app.getHttpServer() as Server, [
    ...protectedRouteExchanges(token),
    {
      path: '/login-cookie',
      status: 204,
      setCookie: /^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\//i,
    },
  ]);
});
