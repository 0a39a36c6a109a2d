import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Module, Post, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtManager } from 'jwt-extended';
import { JwtClaims, JwtExtendedModule, JwtIdentity, JwtRequired } from 'jwt-extended/nestjs';

class UserObject {
  constructor(
    readonly username: string,
    readonly roles: string[],
  ) {}
}
const users = new Map([['test', { password: 'test', user: new UserObject('test', ['foo', 'bar']) }]]);

const jwt = new JwtManager({
  // Set JWT_SECRET_KEY in production: a random secret logs everyone out at each restart.
  secretKey: process.env.JWT_SECRET_KEY ?? randomBytes(32).toString('base64url'),
  userIdentityLoader: (user: UserObject) => user.username,
  additionalClaimsLoader: (user: UserObject) => ({ roles: user.roles }),
});

@Controller()
class AuthController {
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: { username?: unknown; password?: unknown } | undefined) {
    const account = typeof body?.username === 'string' ? users.get(body.username) : undefined;
    if (account === undefined || account.password !== body?.password) {
      throw new UnauthorizedException({ msg: 'Bad username or password' });
    }
    return {
      access_token: await jwt.createAccessToken(account.user, { fresh: true }),
      refresh_token: await jwt.createRefreshToken(account.user),
    };
  }

  @Get('protected')
  @JwtRequired()
  protected(@JwtIdentity() identity: string, @JwtClaims('roles') roles: string[]) {
    return { current_identity: identity, current_roles: roles };
  }

  @Post('refresh')
  @HttpCode(200)
  @JwtRequired({ refresh: true })
  async refresh(@JwtIdentity() identity: string) {
    const account = users.get(identity);
    if (account === undefined) throw new UnauthorizedException({ msg: 'Unknown user' });
    return { access_token: await jwt.createAccessToken(account.user) };
  }
}

@Module({ imports: [JwtExtendedModule.forRoot(jwt)], controllers: [AuthController] })
class AppModule {}

const app = await NestFactory.create(AppModule); // add new FastifyAdapter() for Nest on Fastify
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
