/**
 * The contract's test app on NestJS 12, one builder for both platforms: a controller per
 * protected route (every method through `@All()`, `@JwtRequired(options)`, the contract's body),
 * and a controller for the cookie routes (JSON parsed by the platform's usual parser on those
 * routes only). Errors that are not a client's (a throwing callback) are Nest's own 500.
 */
import { Body, Controller, type DynamicModule, HttpCode, Module, Post, Req, Res, All } from '@nestjs/common';
import type { INestApplication, Type } from '@nestjs/common';
import {
  JwtExtendedModule,
  JwtRequired,
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetJwtCookies,
  unsetRefreshCookies,
  type NestResponse,
} from '../../../src/adapters/nestjs.js';
import { JwtManager, type RouteOptions } from '../../../src/index.js';
import {
  COOKIE_ROUTES,
  PROTECTED_ROUTES,
  type SetBody,
  type TestApp,
  type UnsetBody,
  describeRequest,
} from '../app-contract.js';

/** One controller for one protected route of the contract. */
function protectedController(path: string, options: RouteOptions): Type {
  @Controller(path)
  class ProtectedRouteController {
    @All()
    @HttpCode(200)
    @JwtRequired(options)
    describe(@Req() request: object) {
      return describeRequest(request);
    }
  }
  return ProtectedRouteController;
}

@Controller()
class CookieController {
  #jwt: JwtManager;
  constructor(jwt: JwtManager) {
    this.#jwt = jwt;
  }

  @Post(COOKIE_ROUTES.set)
  @HttpCode(200)
  set(@Body() body: SetBody, @Res({ passthrough: true }) response: NestResponse) {
    const options = { maxAge: body.maxAge, domain: body.domain };
    if (body.access !== undefined) setAccessCookies(this.#jwt, response, body.access, options);
    if (body.refresh !== undefined) setRefreshCookies(this.#jwt, response, body.refresh, options);
    return {};
  }

  @Post(COOKIE_ROUTES.unset)
  @HttpCode(200)
  unset(@Body() body: UnsetBody, @Res({ passthrough: true }) response: NestResponse) {
    const { which = 'all', domain } = body;
    const unset = { all: unsetJwtCookies, access: unsetAccessCookies, refresh: unsetRefreshCookies }[which];
    unset(this.#jwt, response, { domain });
    return {};
  }
}

/**
 * The root module of the contract's app for one manager.
 *
 * @example
 * ```ts
 * await NestFactory.create(contractModule(jwt), new ExpressAdapter(), { logger: false })
 * ```
 */
export function contractModule(jwt: JwtManager): DynamicModule {
  @Module({})
  class ContractModule {}
  return {
    module: ContractModule,
    imports: [JwtExtendedModule.forRoot(jwt)],
    controllers: [...PROTECTED_ROUTES.map(({ path, options }) => protectedController(path, options)), CookieController],
  };
}

/** Starts a Nest app on 127.0.0.1 (port 0) as a {@link TestApp}. */
export async function listenNest(app: INestApplication): Promise<TestApp> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
