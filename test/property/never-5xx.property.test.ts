/**
 * "Never a 5xx" over random requests, through real HTTP on every framework of the behaviour suite:
 * random methods, routes, token headers, cookies, CSRF headers, query strings, content types and
 * bodies (valid tokens, tampered ones, garbage) against an app that reads all four locations with
 * CSRF form checking. No answer may be a 5xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtManager, type JwtManagerOptions } from '../../src/index.js';
import { PROTECTED_ROUTES, type TestApp } from '../behaviour/app-contract.js';
import { FRAMEWORKS } from '../behaviour/frameworks.js';
import { type RequestSpec, send } from '../behaviour/http.js';
import { NOW_MS, SECRET } from '../behaviour/scenarios.js';
import { fuzzParameters, fuzzTimeout } from '../helpers/property.js';

const options: JwtManagerOptions = {
  secretKey: SECRET,
  clock: () => NOW_MS,
  tokenLocation: ['headers', 'cookies', 'query_string', 'json'],
  csrfCheckForm: true,
  userLookupLoader: (_h, p) => (p.sub === 'ghost' ? null : { name: p.sub }),
};
const jwt = new JwtManager(options);

const access = await jwt.createAccessToken('alice');
const refresh = await jwt.createRefreshToken('alice');
const ghost = await jwt.createAccessToken('ghost');
const expired = await jwt.createAccessToken('alice', { expiresDelta: -10 });
const csrf = JSON.parse(Buffer.from(access.split('.')[1] as string, 'base64url').toString()).csrf as string;

/** Printable latin-1 and tab: what an HTTP header value can carry. */
const headerText = fc.string({
  maxLength: 40,
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\t', '\x85', '\xa0', 'é'),
  ),
});
const tokenish = fc.oneof(
  fc.constantFrom(access, refresh, ghost, expired, `${access}x`, access.slice(0, -2), access.replace('.', '..')),
  fc.constantFrom('a.b.c', 'xxx', '', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.', '.', '..'),
  headerText,
);
const authorization = fc.oneof(
  tokenish.map((t) => `Bearer ${t}`),
  fc.tuple(tokenish, tokenish).map(([a, b]) => `Basic x, Bearer ${a}, ${b}`),
  headerText,
);
const cookie = fc
  .array(
    fc.tuple(
      fc.constantFrom('access_token_cookie', 'refresh_token_cookie', 'csrf_access_token', 'x'),
      fc.oneof(tokenish, fc.constantFrom('"quoted"', '%zz', csrf)),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([n, v]) => `${n}=${v.replace(/[;\t]/g, '')}`).join('; '));

const query = fc
  .array(fc.tuple(fc.constantFrom('jwt', 'x', 'jwt%'), tokenish), { maxLength: 3 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));

const body = fc.oneof(
  fc.constant(undefined),
  fc.record({
    json: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ access_token: tokenish, refresh_token: tokenish })),
  }),
  fc.record({ form: fc.record({ csrf_token: fc.oneof(fc.constant(csrf), headerText) }, { requiredKeys: [] }) }),
  fc.record({
    body: fc.string({ maxLength: 200 }),
    contentType: fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/json; charset=latin1',
    ),
  }),
);

const requestSpec: fc.Arbitrary<RequestSpec> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    route: fc.constantFrom(...PROTECTED_ROUTES.map((r) => r.path), '/nowhere'),
    query,
    authorization: fc.option(fc.oneof(authorization, fc.array(authorization, { minLength: 2, maxLength: 2 })), {
      nil: undefined,
    }),
    cookie: fc.option(fc.oneof(cookie, fc.array(cookie, { minLength: 2, maxLength: 2 })), { nil: undefined }),
    csrfHeader: fc.option(fc.oneof(fc.constant(csrf), headerText, fc.constant([csrf, csrf])), { nil: undefined }),
    body,
  })
  .map(({ method, route, query: q, authorization: auth, cookie: c, csrfHeader, body: b }) => {
    const headers: Record<string, string | string[]> = {};
    if (auth !== undefined) headers.authorization = auth;
    if (c !== undefined) headers.cookie = c;
    if (csrfHeader !== undefined)
      headers['x-csrf-token'] = typeof csrfHeader === 'string' ? csrfHeader : [...csrfHeader];
    let spec: RequestSpec = { method, path: `${route}${q ? `?${q}` : ''}`, headers };
    if (b && 'json' in b) spec = { ...spec, json: b.json };
    if (b && 'form' in b) spec = { ...spec, form: b.form as Record<string, string> };
    if (b && 'body' in b) spec = { ...spec, body: b.body, headers: { ...headers, 'content-type': b.contentType } };
    return spec;
  });

for (const framework of FRAMEWORKS) {
  describe(`${framework.name}: never a 5xx`, () => {
    let app: TestApp;
    beforeAll(async () => {
      // A build that needs its own engine (Hono on WebCrypto) gets a twin manager: same secret, same tokens.
      app = await framework.factory(
        framework.managerOptions ? new JwtManager({ ...options, ...framework.managerOptions }) : jwt,
      );
    });
    afterAll(() => app.close());

    const runs = 60;
    it(
      "answers every random request with a 2xx or 4xx (jwt-extended's, or the framework's own for a body it cannot parse)",
      async () => {
        await fc.assert(
          fc.asyncProperty(requestSpec, async (spec) => {
            const response = await send(app.baseUrl, spec);
            expect(response.status, response.text).toBeGreaterThanOrEqual(200);
            expect(response.status, response.text).toBeLessThan(500);
          }),
          fuzzParameters(runs),
        );
      },
      fuzzTimeout(runs, 50),
    );
  });
}
