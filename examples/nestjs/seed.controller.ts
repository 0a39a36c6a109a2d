/**
 * The seed example's routes as Nest controllers: the JSON API of the seed page (tokens in the
 * Authorization header) and the web page's API (tokens in HttpOnly cookies, CSRF double submit).
 * The same routes and answers as `examples/seed/app-express.ts`; only the glue is Nest's.
 */
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, type Type } from '@nestjs/common';
import {
  CurrentUser,
  Jwt,
  JwtClaims,
  JwtIdentity,
  JwtRequestLocation,
  JwtRequired,
  type NestResponse,
  setAccessCookies,
  setRefreshCookies,
  unsetJwtCookies,
} from 'jwt-extended/nestjs';
import type { UserObject } from '../seed/users.js';
import { clientAddress } from '../seed/http-rules.js';
import { loadPage } from '../seed/page.js';
import type { Seed } from '../seed/shared.js';
import { AnswerException } from './seed.filter.js';

/** The injection token of the seed (manager, users, stores) the controllers share. */
export const SEED = 'seed';

/** The platform's request, as far as the routes read it. */
interface SeedRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/** A platform response (Express `res`, Fastify `reply`) that the asset route writes itself. */
interface AssetResponse {
  header(name: string, value: string): unknown;
  send(body: Buffer | string): unknown;
}

/** The controllers of the seed app, named after the framework `GET /about` reports. */
export function seedControllers(framework: string): Type[] {
  const page = loadPage();

  @Controller()
  class PageController {
    readonly #seed: Seed;
    constructor(@Inject(SEED) seed: Seed) {
      this.#seed = seed;
    }

    // Written by hand (`@Res()`): Nest would send a Buffer body as JSON on Express.
    @Get([...page.keys()])
    asset(@Req() request: { url: string }, @Res() response: AssetResponse) {
      const asset = page.get(new URL(request.url, 'http://localhost').pathname);
      if (asset === undefined) throw new AnswerException({ status: 404, body: { msg: 'Not Found' } });
      response.header('content-type', asset.contentType);
      response.send(asset.body);
    }

    @Get('about')
    about() {
      return this.#seed.about(framework);
    }
  }

  @Controller()
  class ApiController {
    readonly #seed: Seed;
    constructor(@Inject(SEED) seed: Seed) {
      this.#seed = seed;
    }

    @Post('login')
    @HttpCode(200)
    async login(@Body() body: unknown, @Req() request: SeedRequest) {
      const user = await this.#loginOrRefuse(body, request);
      // Credentials were just checked: the access token is fresh; the refresh route's are not.
      return {
        access_token: await this.#seed.jwt.createAccessToken(user, { fresh: true }),
        refresh_token: await this.#seed.jwt.createRefreshToken(user),
      };
    }

    @Get('protected')
    @JwtRequired()
    whoAmI(@JwtIdentity() identity: string | null, @JwtClaims() claims: Record<string, unknown>) {
      return { current_identity: identity, current_roles: claims };
    }

    @Get('fresh-only')
    @JwtRequired({ fresh: true })
    freshOnly(@JwtIdentity() identity: string | null) {
      return { current_identity: identity, fresh: true };
    }

    // Either token may be revoked: send the access token, then the refresh token.
    @Post('logout')
    @HttpCode(200)
    @JwtRequired({ verifyType: false })
    logout(@Jwt() payload: Parameters<Seed['logout']>[0]) {
      return this.#seed.logout(payload);
    }

    // Refresh from the Authorization header (JSON answer) or from the refresh cookie (new cookies).
    @Post('refresh')
    @HttpCode(200)
    @JwtRequired({ refresh: true, locations: ['headers', 'cookies'] })
    async refresh(
      @CurrentUser() user: UserObject,
      @JwtRequestLocation() location: string | null,
      @Res({ passthrough: true }) response: NestResponse,
    ) {
      // The user lookup loader already read the user (and its current roles) for this request.
      const accessToken = await this.#seed.jwt.createAccessToken(user);
      if (location !== 'cookies') return { access_token: accessToken };
      setAccessCookies(this.#seed.jwt, response, accessToken);
      return { refresh: true };
    }

    async #loginOrRefuse(body: unknown, request: SeedRequest): Promise<UserObject> {
      const result = await this.#seed.login(body, addressOf(this.#seed, request));
      if ('refused' in result) throw new AnswerException(result.refused);
      return result.user;
    }
  }

  // The page's API: tokens in HttpOnly cookies; the page copies the csrf_access_token cookie
  // (csrf_refresh_token for /refresh) into the X-CSRF-TOKEN header of every POST.
  @Controller()
  class CookieController {
    readonly #seed: Seed;
    constructor(@Inject(SEED) seed: Seed) {
      this.#seed = seed;
    }

    @Post('login/cookies')
    @HttpCode(200)
    async login(
      @Body() body: unknown,
      @Req() request: SeedRequest,
      @Res({ passthrough: true }) response: NestResponse,
    ) {
      const result = await this.#seed.login(body, addressOf(this.#seed, request));
      if ('refused' in result) throw new AnswerException(result.refused);
      const { jwt } = this.#seed;
      setAccessCookies(jwt, response, await jwt.createAccessToken(result.user, { fresh: true }));
      setRefreshCookies(jwt, response, await jwt.createRefreshToken(result.user));
      return { login: true };
    }

    @Get('me')
    @JwtRequired({ locations: 'cookies' })
    me(@Jwt() payload: Parameters<Seed['sessionOf']>[0], @CurrentUser() user: UserObject) {
      return this.#seed.sessionOf(payload, user);
    }

    @Post('protected/cookies')
    @HttpCode(200)
    @JwtRequired({ locations: 'cookies' })
    whoAmI(@JwtIdentity() identity: string | null, @JwtClaims() claims: Record<string, unknown>) {
      return { current_identity: identity, current_roles: claims };
    }

    // The password again, for a fresh access token (the refresh cookie stays as it is).
    @Post('login/fresh')
    @HttpCode(200)
    @JwtRequired({ locations: 'cookies' })
    async fresh(
      @JwtIdentity() identity: string | null,
      @Body() body: unknown,
      @Req() request: SeedRequest,
      @Res({ passthrough: true }) response: NestResponse,
    ) {
      const result = await this.#seed.confirmPassword(String(identity), body, addressOf(this.#seed, request));
      if ('refused' in result) throw new AnswerException(result.refused);
      setAccessCookies(this.#seed.jwt, response, await this.#seed.jwt.createAccessToken(result.user, { fresh: true }));
      return { fresh: true };
    }

    @Post('account/api-key')
    @HttpCode(200)
    @JwtRequired({ locations: 'cookies', fresh: true })
    apiKey(@JwtIdentity() identity: string | null) {
      return { api_key: this.#seed.users.apiKeyOf(String(identity)) };
    }

    @Post('logout/cookies')
    @HttpCode(200)
    @JwtRequired({ locations: 'cookies' })
    async logout(
      @Jwt() payload: Parameters<Seed['endSession']>[0],
      @Req() request: SeedRequest,
      @Res({ passthrough: true }) response: NestResponse,
    ) {
      const cookie = request.headers.cookie;
      await this.#seed.endSession(payload, typeof cookie === 'string' ? cookie : undefined);
      unsetJwtCookies(this.#seed.jwt, response);
      return { logout: true };
    }

    @Post('logout/everywhere')
    @HttpCode(200)
    @JwtRequired({ locations: 'cookies' })
    async everywhere(@JwtIdentity() identity: string | null, @Res({ passthrough: true }) response: NestResponse) {
      await this.#seed.jwt.revokeAllTokensFor(String(identity));
      unsetJwtCookies(this.#seed.jwt, response);
      return { logout: true, everywhere: true };
    }
  }

  return [PageController, ApiController, CookieController];
}

function addressOf(seed: Seed, request: SeedRequest): string {
  return clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], seed.trustProxy);
}
