/**
 * The NestJS adapter on its own terms, on both of Nest's HTTP platforms through real HTTP: the
 * module (forRoot, forRootAsync with imports and inject, the manager injected by its class), the
 * guard on a handler, on a controller, app-wide (`defaultRoute`) and exempted (`@JwtPublic`), the
 * parameter decorators, a refusal overridden by the app's own exception filter, and the start-up
 * checks. The behaviour suite (test/behaviour) runs every flask row through the same module.
 */
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  type INestApplication,
  Injectable,
  Module,
  Post,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CurrentUser,
  Jwt,
  JwtClaims,
  JwtExtendedModule,
  JwtHeader,
  JwtHttpException,
  JwtIdentity,
  JwtPublic,
  JwtRequestLocation,
  JwtRequired,
  type JwtExtendedModuleOptions,
} from '../../src/adapters/nestjs.js';
import { getJwtIdentity as currentIdentity } from '../../src/context.js';
import { JwtConfigError, JwtManager, type JwtManagerOptions } from '../../src/index.js';

const SECRET = 'nestjs-adapter-test-secret-0123456789';
const PLATFORMS = ['express', 'fastify'] as const;
type Platform = (typeof PLATFORMS)[number];

const open: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

async function start(platform: Platform, root: Type, setup?: (app: INestApplication) => void) {
  const adapter = platform === 'express' ? new ExpressAdapter(express()) : new FastifyAdapter();
  const app = await NestFactory.create(root, adapter, { logger: false });
  open.push(app);
  setup?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
}

function rootModule(manager: JwtManager | JwtManagerOptions, controllers: Type[], options?: JwtExtendedModuleOptions) {
  @Module({ imports: [JwtExtendedModule.forRoot(manager, options)], controllers })
  class RootModule {}
  return RootModule;
}

@Controller('secure')
@JwtRequired()
class SecureController {
  @Get('data')
  data(@JwtIdentity() identity: unknown) {
    return { identity };
  }

  @Get('health')
  @JwtPublic()
  health() {
    return { ok: true };
  }

  @Get('fresh')
  @JwtRequired({ fresh: true })
  fresh(@JwtIdentity() identity: unknown) {
    return { identity };
  }
}

@Controller()
class ParamsController {
  @Get('params')
  @JwtRequired({ locations: ['headers', 'query_string'] })
  params(
    @JwtIdentity() identity: unknown,
    @Jwt() payload: Record<string, unknown>,
    @Jwt('jti') jti: unknown,
    @JwtClaims() claims: Record<string, unknown>,
    @JwtClaims('roles') roles: unknown,
    @JwtHeader() header: Record<string, unknown>,
    @JwtRequestLocation() location: unknown,
    @CurrentUser() user: unknown,
  ) {
    return { identity, jti, payloadJti: payload.jti, claims, roles, alg: header.alg, location, user };
  }

  @Get('optional')
  @JwtRequired({ optional: true })
  optional(@JwtIdentity() identity: unknown, @Jwt() payload: unknown, @JwtRequestLocation() location: unknown) {
    return { identity, payload, location };
  }
}

describe.each(PLATFORMS)('NestJS on %s', (platform) => {
  it("protects a controller's handlers; a handler's own @JwtRequired or @JwtPublic wins", async () => {
    const jwt = new JwtManager({ secretKey: SECRET });
    const send = await start(platform, rootModule(jwt, [SecureController]));
    const stale = await jwt.createAccessToken('alice');
    const fresh = await jwt.createAccessToken('alice', { fresh: true });

    expect(await send('/secure/data')).toMatchObject({ status: 401, body: { msg: 'Missing Authorization Header' } });
    expect(await send('/secure/data', { token: stale })).toMatchObject({ status: 200, body: { identity: 'alice' } });
    expect(await send('/secure/health')).toMatchObject({ status: 200, body: { ok: true } });
    expect(await send('/secure/fresh', { token: stale })).toMatchObject({
      status: 401,
      body: { msg: 'Fresh token required' },
    });
    expect(await send('/secure/fresh', { token: fresh })).toMatchObject({ status: 200, body: { identity: 'alice' } });
  });

  it('hands the verified parts to the parameter decorators', async () => {
    const jwt = new JwtManager({
      secretKey: SECRET,
      additionalClaimsLoader: () => ({ roles: ['admin'] }),
      userLookupLoader: (_header, payload) => ({ name: payload.sub }),
    });
    const send = await start(platform, rootModule(jwt, [ParamsController]));
    const token = await jwt.createAccessToken('bob');
    const { jti } = jwt.decodeTokenSync(token);

    const viaHeader = await send('/params', { token });
    expect(viaHeader).toEqual({
      status: 200,
      headers: expect.anything(),
      body: {
        identity: 'bob',
        jti,
        payloadJti: jti,
        claims: { roles: ['admin'] },
        roles: ['admin'],
        alg: 'HS256',
        location: 'headers',
        user: { name: 'bob' },
      },
    });
    expect((await send(`/params?jwt=${token}`)).body).toMatchObject({ location: 'query_string', identity: 'bob' });
    expect(await send('/optional')).toMatchObject({
      status: 200,
      body: { identity: null, payload: {}, location: null },
    });
  });

  it('forRootAsync builds the manager from injected providers; services inject it by its class', async () => {
    @Module({ providers: [{ provide: 'JWT_SECRET', useValue: SECRET }], exports: ['JWT_SECRET'] })
    class SecretModule {}

    @Injectable()
    class TokenService {
      readonly #jwt: JwtManager;
      constructor(jwt: JwtManager) {
        this.#jwt = jwt;
      }
      issue(name: string): Promise<string> {
        return this.#jwt.createAccessToken(name);
      }
    }

    @Controller()
    class LoginController {
      readonly #tokens: TokenService;
      constructor(tokens: TokenService) {
        this.#tokens = tokens;
      }
      @Post('login')
      async login() {
        return { access_token: await this.#tokens.issue('carol') };
      }
      @Get('me')
      @JwtRequired()
      me(@JwtIdentity() identity: unknown) {
        return { identity };
      }
    }

    @Module({
      imports: [
        JwtExtendedModule.forRootAsync({
          imports: [SecretModule],
          inject: ['JWT_SECRET'],
          useFactory: async (secretKey: string) => ({ secretKey }),
        }),
      ],
      controllers: [LoginController],
      providers: [TokenService],
    })
    class AsyncRoot {}

    const send = await start(platform, AsyncRoot);
    const { body } = await send('/login', { method: 'POST' });
    const token = (body as { access_token: string }).access_token;
    // Signed with the injected secret: another manager on it verifies the token.
    expect(new JwtManager({ secretKey: SECRET }).decodeTokenSync(token).sub).toBe('carol');
    expect(await send('/me', { token })).toMatchObject({ status: 200, body: { identity: 'carol' } });
  });

  it('defaultRoute protects every route app-wide, verifying each request once', async () => {
    let verifications = 0;
    const jwt = new JwtManager({
      secretKey: SECRET,
      tokenVerificationLoader: () => {
        verifications++;
        return true;
      },
    });

    @Controller()
    class AppController {
      @Get('anything')
      anything(@JwtIdentity() identity: unknown) {
        return { identity };
      }
      @Get('public')
      @JwtPublic()
      open() {
        return { ok: true };
      }
      @Get('bound-twice')
      @JwtRequired()
      twice(@JwtIdentity() identity: unknown) {
        return { identity };
      }
    }

    const send = await start(platform, rootModule(jwt, [AppController], { defaultRoute: {} }));
    const token = await jwt.createAccessToken('dave');
    expect(await send('/anything')).toMatchObject({ status: 401, body: { msg: 'Missing Authorization Header' } });
    expect(await send('/anything', { token })).toMatchObject({ status: 200, body: { identity: 'dave' } });
    expect(await send('/public')).toMatchObject({ status: 200, body: { ok: true } });
    verifications = 0;
    // The app-wide guard and the handler's own both run: the token is verified once.
    expect(await send('/bound-twice', { token })).toMatchObject({ status: 200, body: { identity: 'dave' } });
    expect(verifications).toBe(1);
  });

  it("answers flask's headers from a response callback, and lets the app's own filter answer instead", async () => {
    const jwt = new JwtManager({
      secretKey: SECRET,
      unauthorizedLoader: (reason) => ({
        status: 401,
        body: { msg: reason },
        headers: { 'www-authenticate': 'Bearer' },
      }),
    });
    const flaskStyle = await start(platform, rootModule(jwt, [SecureController]));
    const refused = await flaskStyle('/secure/data');
    expect(refused).toMatchObject({ status: 401, body: { msg: 'Missing Authorization Header' } });
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');

    @Catch(JwtHttpException)
    class OwnFilter implements ExceptionFilter<JwtHttpException> {
      catch(error: JwtHttpException, host: ArgumentsHost) {
        const response = host.switchToHttp().getResponse<{ status?: unknown; code?: unknown }>();
        const body = { error: error.cause.code, status: error.getStatus() };
        // Express's res and Fastify's reply, written the platform's own way.
        if (typeof response.code === 'function') {
          (response as unknown as { code(s: number): { send(b: unknown): void } }).code(418).send(body);
        } else {
          (response as unknown as { status(s: number): { json(b: unknown): void } }).status(418).json(body);
        }
      }
    }
    const own = await start(platform, rootModule(jwt, [SecureController]), (app) =>
      app.useGlobalFilters(new OwnFilter()),
    );
    expect(await own('/secure/data')).toMatchObject({
      status: 418,
      body: { error: 'ERR_JWT_NO_AUTHORIZATION', status: 401 },
    });
  });
  it('zero-argument getters (jwt-extended/context) answer inside a protected handler and what it awaits', async () => {
    @Controller()
    class ContextController {
      @Get('context')
      @JwtRequired()
      async context() {
        await new Promise((resolve) => setTimeout(resolve, 20)); // another request runs meanwhile
        return { identity: currentIdentity() };
      }
    }
    const jwt = new JwtManager({ secretKey: SECRET });
    const send = await start(platform, rootModule(jwt, [ContextController]));
    const names = ['erin', 'frank', 'grace'];
    const tokens = await Promise.all(names.map((name) => jwt.createAccessToken(name)));
    const answers = await Promise.all(tokens.map((token) => send('/context', { token })));
    expect(answers.map((answer) => answer.body)).toEqual(names.map((identity) => ({ identity })));
  });
});

describe('start-up checks', () => {
  it('a bad @JwtRequired option fails app.init(), naming the handler', async () => {
    @Controller()
    class BadController {
      @Get('x')
      @JwtRequired({ locations: 'nowhere' as never })
      x() {
        return {};
      }
    }
    const app = await NestFactory.create(rootModule({ secretKey: SECRET }, [BadController]), new ExpressAdapter(), {
      logger: false,
    });
    open.push(app);
    const init = app.init();
    await expect(init).rejects.toThrow(JwtConfigError);
    await expect(init).rejects.toThrow(/^@JwtRequired on BadController\.x: .*nowhere/);
  });

  it('forRoot and forRootAsync refuse what is not a manager, its options or a factory', () => {
    expect(() => JwtExtendedModule.forRoot(null as never)).toThrow(JwtConfigError);
    expect(() => JwtExtendedModule.forRoot({ secretKey: SECRET, algorithm: 'none' as never })).toThrow(
      /algorithm 'none' is not supported/,
    );
    expect(() => JwtExtendedModule.forRootAsync({} as never)).toThrow(/pass \{ useFactory, inject\?, imports\? \}/);
  });
});
