/**
 * The four locators and the cookie parser against the reference models of locators.model.ts, on
 * random requests: the same token or the same error (class and message), and never anything but
 * our own errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config.js';
import { JwtExtendedError, JwtManager, type JwtManagerOptions, parseCookieHeader } from '../../src/index.js';
import { LOCATORS } from '../../src/locations/index.js';
import { createRequestView } from '../../src/request-view.js';
import type { TokenLocation } from '../../src/types.js';
import { fuzzParameters, fuzzTimeout } from '../helpers/property.js';
import {
  type Located,
  type ModelRequest,
  cookieLocationModel,
  cookieModel,
  headerModel,
  jsonModel,
  queryModel,
} from './locators.model.js';

/** Pieces a header value is made of: what matters to the parser, and latin-1 that HTTP can carry. */
const headerPiece = fc.constantFrom(
  'Bearer',
  'Basic',
  'bearer',
  'JWT',
  ' ',
  '  ',
  '\t',
  ',',
  ', ',
  'a.b.c',
  'eyJ0',
  'x',
  '\x85',
  '\xa0',
  '=',
  'é',
);
const headerValue = fc.array(headerPiece, { maxLength: 8 }).map((p) => p.join(''));

const cookieName = fc.constantFrom('access_token_cookie', 'refresh_token_cookie', 'other', ' access_token_cookie', '');
const cookieValue = fc.oneof(
  fc.constantFrom('a.b.c', '"a.b.c"', '"', '""', '%41%42', '%E0%A4%A', '%', 'x=y', ' spaced ', ''),
  fc.string({ maxLength: 8, unit: fc.constantFrom(...'ab%"=. \t'.split('')) }),
);
const cookieHeader = fc
  .tuple(
    fc.array(fc.tuple(cookieName, cookieValue, fc.constantFrom('=', '')), { maxLength: 5 }),
    fc.constantFrom(';', '; '),
  )
  .map(([pairs, separator]) => pairs.map(([n, v, eq]) => `${n}${eq}${v}`).join(separator));

const queryPart = fc.oneof(
  fc.constantFrom('jwt', 'token', 'other', 'jwt=', 'jwt=a.b.c', 'token=Bearer%20a.b', 'jwt=%zz', 'jwt=a+b', '%6Awt=x'),
  fc
    .tuple(
      fc.constantFrom('jwt', 'token'),
      fc.string({ maxLength: 6, unit: fc.constantFrom(...'ab%+=2B0 '.split('')) }),
    )
    .map(([k, v]) => `${k}=${v}`),
);
const url = fc
  .tuple(fc.array(queryPart, { maxLength: 4 }), fc.boolean(), fc.constantFrom('', '#frag', '#jwt=z'))
  .map(([parts, question, hash]) => `/p${question || parts.length > 0 ? `?${parts.join('&')}` : ''}${hash}`);

const request: fc.Arbitrary<ModelRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'put', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
  url,
  headers: fc.record(
    {
      authorization: headerValue,
      'x-token': headerValue,
      cookie: cookieHeader,
      'x-csrf-token': fc.constantFrom('', 'csrf', 'a, b'),
      'content-type': fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/vnd.api+json',
        'text/json',
        'application/x-www-form-urlencoded',
        '',
      ),
    },
    { requiredKeys: [] },
  ),
  repeatedHeaders: fc.subarray(['authorization', 'x-token', 'x-csrf-token']),
  json: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ access_token: fc.jsonValue({ maxDepth: 1 }), refresh_token: fc.constantFrom('r.r.r', '', 0) }),
  ),
  form: fc.record({ csrf_token: fc.constantFrom('', 'form-csrf') }, { requiredKeys: [] }),
});

const configs: fc.Arbitrary<JwtManagerOptions> = fc.record({
  headerType: fc.constantFrom('Bearer', '', 'JWT'),
  headerName: fc.constantFrom('Authorization', 'X-Token'),
  queryStringName: fc.constantFrom('jwt', 'token'),
  queryStringValuePrefix: fc.constantFrom('', 'Bearer '),
  csrfCheckForm: fc.boolean(),
  cookieCsrfProtect: fc.boolean(),
});

const managers = new Map<string, ResolvedConfig>();
function configOf(options: JwtManagerOptions): ResolvedConfig {
  const key = JSON.stringify(options);
  let config = managers.get(key);
  if (config === undefined) {
    config = new JwtManager({ secretKey: 'locator-property-secret', ...options }).config;
    managers.set(key, config);
  }
  return config;
}

function ours(location: TokenLocation, req: ModelRequest, config: ResolvedConfig, refresh: boolean): Located {
  const view = createRequestView({
    method: req.method,
    url: req.url,
    header: (name) => req.headers[name],
    headerRepeated: (name) => req.repeatedHeaders.includes(name),
    jsonBody: () => req.json,
    formField: (name) => req.form[name],
  });
  try {
    const { token, csrfValue } = LOCATORS[location](view, config, refresh);
    return { token, csrfValue };
  } catch (error) {
    expect(error).toBeInstanceOf(JwtExtendedError);
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

const MODELS: Record<TokenLocation, (req: ModelRequest, config: ResolvedConfig, refresh: boolean) => Located> = {
  headers: headerModel,
  cookies: cookieLocationModel,
  query_string: queryModel,
  json: jsonModel,
};

describe('locators against their reference models', () => {
  for (const location of ['headers', 'cookies', 'query_string', 'json'] as const) {
    const runs = 2000;
    it(
      `${location}: the same token or the same error, never another kind of error`,
      () => {
        fc.assert(
          fc.property(request, configs, fc.boolean(), (req, options, refresh) => {
            const config = configOf(options);
            expect(ours(location, req, config, refresh)).toEqual(MODELS[location](req, config, refresh));
          }),
          fuzzParameters(runs),
        );
      },
      fuzzTimeout(runs, 1),
    );
  }
});

describe('parseCookieHeader against its model', () => {
  it(
    'the same cookies, and the same names reported repeated by the request view',
    () => {
      fc.assert(
        fc.property(fc.oneof(cookieHeader, fc.string({ maxLength: 40 })), (header) => {
          const model = cookieModel(header);
          expect(parseCookieHeader(header)).toEqual(model.cookies);
          const view = createRequestView({
            method: 'GET',
            url: '/',
            header: (n) => (n === 'cookie' ? header : undefined),
          });
          for (const name of model.cookies.keys()) expect(view.cookieRepeated(name)).toBe(model.repeated.has(name));
        }),
        fuzzParameters(3000),
      );
    },
    fuzzTimeout(3000, 1),
  );
});
