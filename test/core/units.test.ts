/**
 * Unit tests of the core's own modules, below the behaviour suite: each verify step of the
 * pipeline (src/verify.ts) alone, the claim checks (src/claims.ts), the Set-Cookie lines
 * (src/cookies.ts) and the locators (src/locations/), so one core bug is one red test here.
 * Real parts: a resolved configuration, a fetch `Request` through the kit's web port and the
 * core's request view; the pipeline's decode is a function handing back a chosen token, since
 * decoding is tested on its own (test/jws, test/core/engine-boundary.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ManagerCallbacks } from '../../src/callbacks.js';
import { checkClaims } from '../../src/claims.js';
import { resolveConfig } from '../../src/config.js';
import type { JwtManagerOptions } from '../../src/index.js';
import { setCookieLines, unsetCookieLines } from '../../src/cookies.js';
import {
  ExpiredSignatureError,
  FreshTokenRequired,
  ImmatureSignatureError,
  InvalidAudienceError,
  InvalidIssuerError,
  CsrfError,
  NoAuthorizationError,
  RevokedTokenError,
  UserClaimsVerificationError,
  UserLookupError,
  WrongTokenError,
} from '../../src/errors.js';
import { WebRequestPort } from '../../src/kit/index.js';
import { LOCATORS } from '../../src/locations/index.js';
import { createRequestView } from '../../src/request-view.js';
import type { JwtHeader, JwtPayload } from '../../src/types.js';
import { type PipelineContext, compileRoute, runPipeline } from '../../src/verify.js';

/** Matches an error of `type` (instanceof) with exactly `message`. */
function same(type: abstract new (...args: never[]) => Error, message: string) {
  return expect.toSatisfy((error: unknown) => error instanceof type && error.message === message);
}

const { headers: fromHeaders, query_string: fromQueryString } = LOCATORS;
const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes-0123456789';
const NOW = 1_700_000_000;
const config = (options: JwtManagerOptions = {}) =>
  resolveConfig({ secretKey: SECRET, clock: () => NOW * 1000, ...options });

function view(headers: Record<string, string> = { authorization: 'Bearer t' }, url = 'http://x/p', method = 'GET') {
  return createRequestView(new WebRequestPort(new Request(url, { method, headers }), {}));
}

const ACCESS: JwtPayload = { sub: 'alice', type: 'access', fresh: false, jti: 'j', iat: NOW, exp: NOW + 60 };

/** A pipeline context whose decode hands back `payload`, with the callbacks and store given. */
function context(
  payload: JwtPayload,
  callbacks: Partial<ManagerCallbacks<never, unknown, unknown, unknown>> = {},
  revocation: Partial<PipelineContext['revocation']> = {},
  options: JwtManagerOptions = {},
): PipelineContext & { decoded: unknown[] } {
  const decoded: unknown[] = [];
  return {
    decoded,
    config: config(options),
    callbacks: callbacks as ManagerCallbacks<never, unknown, unknown, unknown>,
    decode(token) {
      decoded.push(token);
      return { header: { alg: 'HS256', typ: 'JWT' } as JwtHeader, payload };
    },
    revocation: { isRevoked: null, claimRefresh: null, ...revocation },
  };
}

const route = (options: Parameters<typeof compileRoute>[1] = {}) => compileRoute(config(), options);

describe('pipeline steps, one at a time', () => {
  it('1-3 locate: decodes the token found, and says where it came from', () => {
    const ctx = context(ACCESS);
    const state = runPipeline(ctx, view(), route()) as { location: string; identity: unknown };
    expect(ctx.decoded).toEqual(['t']);
    expect(state).toMatchObject({ location: 'headers', identity: 'alice' });
  });

  it("1-3 locate: no token is flask's message, or an anonymous state on an optional route", () => {
    expect(() => runPipeline(context(ACCESS), view({}), route())).toThrow(
      same(NoAuthorizationError, 'Missing Authorization Header'),
    );
    const both = compileRoute(config(), { locations: ['headers', 'query_string'] });
    expect(() => runPipeline(context(ACCESS), view({}), both)).toThrow(
      "Missing JWT in headers or query_string (Missing Authorization Header; Missing 'jwt' query paramater)",
    );
    expect(runPipeline(context(ACCESS), view({}), route({ optional: true }))).toMatchObject({
      location: null,
      identity: null,
    });
  });

  it('OPTIONS passes unverified: nothing is decoded', () => {
    const ctx = context(ACCESS);
    expect(runPipeline(ctx, view({}, 'http://x/p', 'OPTIONS'), route())).toMatchObject({ location: null });
    expect(ctx.decoded).toEqual([]);
  });

  it('4 type: an access route refuses a refresh token, a refresh route an access token; verifyType off takes both', () => {
    const refresh = { ...ACCESS, type: 'refresh' };
    expect(() => runPipeline(context(refresh), view(), route())).toThrow(
      same(WrongTokenError, 'Only non-refresh tokens are allowed'),
    );
    expect(() => runPipeline(context(ACCESS), view(), route({ refresh: true }))).toThrow(
      'Only refresh tokens are allowed',
    );
    expect(runPipeline(context(refresh), view(), route({ verifyType: false }))).toMatchObject({ identity: 'alice' });
  });

  it('5 fresh: true or a future timestamp passes, false or a past one is refused', () => {
    const fresh = route({ fresh: true });
    expect(() => runPipeline(context(ACCESS), view(), fresh)).toThrow(FreshTokenRequired);
    expect(() => runPipeline(context({ ...ACCESS, fresh: NOW - 1 }), view(), fresh)).toThrow('Fresh token required');
    expect(runPipeline(context({ ...ACCESS, fresh: true }), view(), fresh)).toMatchObject({ identity: 'alice' });
    expect(runPipeline(context({ ...ACCESS, fresh: NOW + 10 }), view(), fresh)).toMatchObject({ identity: 'alice' });
  });

  it('6 revoked: the loader wins over the store; skipRevocationCheck skips both', async () => {
    const store = context(ACCESS, {}, { isRevoked: () => true });
    expect(() => runPipeline(store, view(), route())).toThrow(same(RevokedTokenError, 'Token has been revoked'));
    const loader = context(ACCESS, { tokenInBlocklistLoader: () => false }, { isRevoked: () => true });
    expect(runPipeline(loader, view(), route())).toMatchObject({ identity: 'alice' });
    const asyncStore = context(ACCESS, {}, { isRevoked: () => Promise.resolve(true) });
    await expect(runPipeline(asyncStore, view(), route())).rejects.toThrow(RevokedTokenError);
    expect(runPipeline(store, view(), route({ skipRevocationCheck: true }))).toMatchObject({ identity: 'alice' });
  });

  it('7 user claims: tokenVerificationLoader false is refused', () => {
    const ctx = context(ACCESS, { tokenVerificationLoader: () => false });
    expect(() => runPipeline(ctx, view(), route())).toThrow(
      same(UserClaimsVerificationError, 'User claims verification failed'),
    );
  });

  it('8 user lookup: the user is saved; null is flask\'s "returned None" error', async () => {
    const found = runPipeline(context(ACCESS, { userLookupLoader: () => ({ id: 1 }) }), view(), route());
    expect(found).toMatchObject({ user: { id: 1 }, userLoaded: true });
    expect(() => runPipeline(context(ACCESS, { userLookupLoader: () => null }), view(), route())).toThrow(
      same(UserLookupError, 'user_lookup returned None for alice'),
    );
    const later = runPipeline(context(ACCESS, { userLookupLoader: async () => ({ id: 2 }) }), view(), route());
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toMatchObject({ user: { id: 2 } });
  });

  it('9 rotation: only a refresh route claims the refresh token, last', () => {
    const claimed: unknown[] = [];
    const refresh = { ...ACCESS, type: 'refresh', jti: 'r1' };
    const ctx = context(refresh, {}, { claimRefresh: (_h, p) => void claimed.push(p.jti) });
    runPipeline(ctx, view(), route({ refresh: true }));
    runPipeline(ctx, view(), route({ verifyType: false }));
    expect(claimed).toEqual(['r1']);
    const lookupFails = context(
      refresh,
      { userLookupLoader: () => null },
      { claimRefresh: (_h, p) => void claimed.push(p.jti) },
    );
    expect(() => runPipeline(lookupFails, view(), route({ refresh: true }))).toThrow(UserLookupError);
    expect(claimed).toEqual(['r1']); // a refused token is never marked used
  });

  it('compileRoute picks only the steps a route needs', () => {
    expect(route().steps).toHaveLength(5);
    expect(route({ fresh: true, refresh: true }).steps).toHaveLength(7);
    expect(route({ verifyType: false, skipRevocationCheck: true }).steps).toHaveLength(3);
  });

  it('compileRoute says which body an adapter reads before verifying', () => {
    expect(route().readsBody).toBe(false);
    expect(route({ locations: ['json'] })).toMatchObject({ needsJsonBody: true, readsBody: true });
    expect(route({ locations: ['cookies'] }).readsBody).toBe(false);
    const formCsrf = compileRoute(config({ tokenLocation: ['cookies'], csrfCheckForm: true }), {});
    expect(formCsrf).toMatchObject({ needsFormBody: true, readsBody: true });
  });
});

describe('claim checks', () => {
  const header = { alg: 'HS256' } as JwtHeader;
  it('refuses an expired token unless allowed, and honours the leeway', () => {
    const expired = () => ({ sub: 'a', exp: NOW - 1 }); // checkClaims fills defaults into the object
    expect(() => checkClaims(header, expired(), config(), {})).toThrow(
      same(ExpiredSignatureError, 'Signature has expired'),
    );
    expect(checkClaims(header, expired(), config(), { allowExpired: true }).sub).toBe('a');
    expect(checkClaims(header, expired(), config({ decodeLeeway: 5 }), {}).sub).toBe('a');
  });

  it('refuses nbf and iat in the future', () => {
    expect(() => checkClaims(header, { sub: 'a', nbf: NOW + 30 }, config(), {})).toThrow(
      same(ImmatureSignatureError, 'The token is not yet valid (nbf)'),
    );
    expect(() => checkClaims(header, { sub: 'a', iat: NOW + 30 }, config(), {})).toThrow(
      'The token is not yet valid (iat)',
    );
  });

  it('checks audience and issuer when configured', () => {
    const aud = config({ decodeAudience: 'api' });
    expect(() => checkClaims(header, { sub: 'a', aud: 'web' }, aud, {})).toThrow(InvalidAudienceError);
    expect(checkClaims(header, { sub: 'a', aud: ['web', 'api'] }, aud, {}).sub).toBe('a');
    expect(() => checkClaims(header, { sub: 'a', iss: 'evil' }, config({ decodeIssuer: 'me' }), {})).toThrow(
      InvalidIssuerError,
    );
  });

  it('compares the CSRF value with the csrf claim, and fills flask defaults', () => {
    expect(() => checkClaims(header, { sub: 'a', csrf: 'x' }, config(), { csrfValue: 'y' })).toThrow(
      same(CsrfError, 'CSRF double submit tokens do not match'),
    );
    expect(checkClaims(header, { sub: 'a', csrf: 'x' }, config(), { csrfValue: 'x' })).toMatchObject({
      type: 'access',
      fresh: false,
    });
  });
});

describe('cookie lines', () => {
  it('sets the HttpOnly token cookie and the readable CSRF cookie, each its own line', () => {
    const lines = setCookieLines(config({ tokenLocation: 'cookies' }), 'access', 'tok', 'c1', {}, NOW * 1000);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^access_token_cookie=tok; .*HttpOnly; Path=\//);
    expect(lines[1]).toMatch(/^csrf_access_token=c1; /);
    expect(lines[1]).not.toContain('HttpOnly');
  });

  it('unsets with an empty value dated in the past, on the refresh path for refresh cookies', () => {
    const lines = unsetCookieLines(config({ tokenLocation: 'cookies' }), 'refresh', {});
    expect(lines[0]).toMatch(/^refresh_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; .*Path=\//);
    expect(lines[1]).toMatch(/^csrf_refresh_token=; /);
  });
});

describe('locators', () => {
  it("headers: the bearer token; a wrong scheme is flask's message", () => {
    expect(fromHeaders(view({ authorization: 'Bearer abc' }), config(), false).token).toBe('abc');
    expect(() => fromHeaders(view({ authorization: 'Basic abc' }), config(), false)).toThrow(
      "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
    );
    expect(() => fromHeaders(view({}), config(), false)).toThrow(NoAuthorizationError);
  });

  it("query string: the jwt parameter, or flask's message (with its typo)", () => {
    expect(fromQueryString(view({}, 'http://x/p?jwt=abc'), config(), false).token).toBe('abc');
    expect(() => fromQueryString(view({}, 'http://x/p'), config(), false)).toThrow("Missing 'jwt' query paramater");
  });
});
