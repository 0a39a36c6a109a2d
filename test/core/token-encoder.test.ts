/**
 * The payload template writes the very bytes the previous encoder wrote (differential test on
 * random configurations and claims, including claims that override reserved ones), and its
 * layouts can describe another token layout than flask-jwt-extended 4.x's.
 */
import type { MaybePromise } from '../../src/types.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import type { Duration } from '../../src/duration.js';
import { type TokenParts, createTokenEncoder } from '../../src/encode.js';
import { timeOrderedJti } from '../../src/issue-time.js';
import { importSigningKey } from '../../src/jws/index.js';
import { compilePayloadTemplate, flask4Layout } from '../../src/payload-template.js';
import { uuid4 } from '../../src/uuid4.js';
import { referenceEncode } from '../helpers/reference-encoder.js';
import { fuzzParameters } from '../helpers/property.js';

const SECRET = 'token-encoder-secret-0123456789abcdef0123456789';
const key = importSigningKey('HS256', SECRET, 'secretKey');

/** A predictable uuid source; each side of the comparison gets its own, from the same start. */
function counter(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(n++).padStart(12, '0')}`;
}

/** What a call gives: the token, or the error's class and message. */
/** The node:crypto engine signs synchronously: a promise here would be a regression. */
function signed(token: MaybePromise<string>): string {
  if (typeof token !== 'string') throw new Error('the node:crypto engine returned a promise');
  return token;
}

function outcome(make: () => MaybePromise<string>): unknown {
  try {
    return { token: signed(make()) };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

const claimName = fc.oneof(
  fc.constantFrom('fresh', 'iat', 'jti', 'type', 'sub', 'nbf', 'csrf', 'aud', 'iss', 'exp', 'identity', 'toJSON'),
  fc.constantFrom('__proto__', 'roles', 'Zoë', '2', 'a"b'),
  fc.string({ maxLength: 6 }),
);
const claimValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined),
  fc.constant(Number.NaN),
  fc.date({ noInvalidDate: true }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const claims = fc.option(fc.dictionary(claimName, claimValue, { maxKeys: 4 }), { nil: undefined });
const anyClaims = fc.oneof({ weight: 8, arbitrary: claims }, { weight: 1, arbitrary: fc.constantFrom(null, 'x', [1]) });

const configuration = fc.record({
  identityClaim: fc.constantFrom('sub', 'identity', 'jti', 'type'),
  encodeNbf: fc.boolean(),
  cookieCsrfProtect: fc.boolean(),
  encodeAudience: fc.constantFrom(null, 'api', ['a', 'ü']),
  encodeIssuer: fc.constantFrom(null, 'https://issuer.example'),
  verifySub: fc.boolean(),
  accessTokenExpires: fc.constantFrom<Duration>(900, false, '15m', 0.5),
  now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

const call = fc.record({
  type: fc.constantFrom('access' as const, 'refresh' as const),
  identity: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('Zoë', '\u007f', '😀', undefined, 7, null, true)),
  fresh: fc.oneof(fc.boolean(), fc.constantFrom(60, '15m', 0)),
  expiresDelta: fc.constantFrom(undefined, null, 60, false as const, '1h', -10),
  loaderClaims: anyClaims,
  additionalClaims: anyClaims,
  additionalHeaders: fc.constantFrom(undefined, null, { kid: 'k1' }),
});

describe('token encoder', () => {
  it('writes the same bytes and errors as the previous encoder', () => {
    fc.assert(
      fc.property(configuration, call, (c, p) => {
        const { now, ...options } = c;
        const config = resolveConfig({ secretKey: SECRET, ...options, clock: () => now });
        const parts = { ...p, loaderHeaders: undefined, key } as TokenParts;
        const ours = outcome(() => createTokenEncoder(config, { uuid: counter() }).encode(parts));
        const reference = outcome(() => referenceEncode(config, parts, counter()));
        expect(ours).toEqual(reference);
      }),
      fuzzParameters(3000),
    );
  });

  it('takes the template path for the usual token and the general path for an override', () => {
    const config = resolveConfig({ secretKey: SECRET, clock: () => 1_700_000_000_000 });
    const parts: TokenParts = {
      type: 'access',
      identity: 'test',
      fresh: false,
      expiresDelta: undefined,
      loaderClaims: undefined,
      additionalClaims: { roles: ['foo', 'bar'] },
      loaderHeaders: undefined,
      additionalHeaders: undefined,
      key,
    };
    const payloadOf = (token: MaybePromise<string>) =>
      Buffer.from(signed(token).split('.')[1] as string, 'base64url').toString();
    const encoder = createTokenEncoder(config, { uuid: counter() });
    const jti = (n: number) => timeOrderedJti(1_700_000_000_000, `00000000-0000-4000-8000-00000000000${n}`);
    expect(payloadOf(encoder.encode(parts))).toBe(
      `{"fresh":false,"iat":1700000000,"jti":"${jti(0)}","type":"access","sub":"test",` +
        '"nbf":1700000000,"csrf":"00000000-0000-4000-8000-000000000001","exp":1700000900,"roles":["foo","bar"]}',
    );
    // An extra `exp` keeps its place in the order with the new value, as in a Python dict.
    expect(payloadOf(encoder.encode({ ...parts, additionalClaims: { exp: 1, roles: [] } }))).toBe(
      `{"fresh":false,"iat":1700000000,"jti":"${jti(2)}","type":"access","sub":"test",` +
        '"nbf":1700000000,"csrf":"00000000-0000-4000-8000-000000000003","exp":1,"roles":[]}',
    );
  });

  it('writes another layout: flask-jwt-extended 3.x, extra claims under user_claims', () => {
    const config = resolveConfig({ secretKey: SECRET, clock: () => 1_700_000_000_000, identityClaim: 'identity' });
    const layout3 = (type: 'access' | 'refresh') => [
      { name: 'iat', source: 'issuedAt' as const },
      { name: 'nbf', source: 'issuedAt' as const },
      { name: 'jti', source: 'uuid' as const },
      { name: 'exp', source: 'expiresAt' as const },
      { name: 'identity', source: 'identity' as const },
      { name: 'fresh', source: 'fresh' as const },
      { name: 'type', source: 'constant' as const, value: type },
      { name: 'user_claims', source: 'claims' as const },
      { name: 'csrf', source: 'uuid' as const },
    ];
    const base: TokenParts = {
      type: 'access',
      identity: 'test',
      fresh: true,
      expiresDelta: undefined,
      loaderClaims: { roles: ['foo'] },
      additionalClaims: undefined,
      loaderHeaders: undefined,
      additionalHeaders: undefined,
      key,
    };
    const payloadOf = (token: MaybePromise<string>) =>
      Buffer.from(signed(token).split('.')[1] as string, 'base64url').toString();
    const template = createTokenEncoder(config, { uuid: counter(), layout: layout3 });
    const expected =
      '{"iat":1700000000,"nbf":1700000000,"jti":"00000000-0000-4000-8000-000000000000","exp":1700000900,' +
      '"identity":"test","fresh":true,"type":"access","user_claims":{"roles":["foo"]},' +
      '"csrf":"00000000-0000-4000-8000-000000000001"}';
    expect(payloadOf(template.encode(base))).toBe(expected);
    // The general path (a number identity) follows the same layout; no claims, no user_claims.
    const general = createTokenEncoder(config, { uuid: counter(), layout: layout3 });
    expect(payloadOf(general.encode({ ...base, identity: 7, loaderClaims: undefined }))).toBe(
      expected.replace('"identity":"test"', '"identity":7').replace(',"user_claims":{"roles":["foo"]}', ''),
    );
  });

  it("writes each token's header from its own key, whichever key signed before", () => {
    // The header text is remembered for the last key: alternating keys must not reuse another's.
    const config = resolveConfig({ secretKey: SECRET, clock: () => 1_700_000_000_000 });
    const hs512 = importSigningKey('HS512', SECRET, 'secretKey');
    const withKid = Object.freeze({ ...key, kid: 'k1' });
    const encoder = createTokenEncoder(config, { uuid: counter() });
    const headerOf = (k: TokenParts['key']) =>
      Buffer.from(
        signed(
          encoder.encode({
            type: 'access',
            identity: 'test',
            fresh: false,
            expiresDelta: undefined,
            loaderClaims: undefined,
            additionalClaims: undefined,
            loaderHeaders: undefined,
            additionalHeaders: undefined,
            key: k,
          }),
        ).split('.')[0] as string,
        'base64url',
      ).toString();
    for (let round = 0; round < 2; round++) {
      expect(headerOf(key)).toBe('{"alg":"HS256","typ":"JWT"}');
      expect(headerOf(hs512)).toBe('{"alg":"HS512","typ":"JWT"}');
      expect(headerOf(withKid)).toBe('{"alg":"HS256","kid":"k1","typ":"JWT"}');
    }
  });

  it('refuses a layout that starts with a claim that may be left out', () => {
    expect(() => compilePayloadTemplate([{ name: 'exp', source: 'expiresAt' }])).toThrow(/must start with a claim/);
    expect(() => compilePayloadTemplate([])).toThrow(/must start with a claim/);
  });

  it('lists the 4.x claims in flask order', () => {
    const names = flask4Layout(
      {
        identityClaim: 'sub',
        encodeNbf: true,
        cookieCsrfProtect: true,
        encodeAudience: 'a',
        encodeIssuer: 'i',
      },
      'refresh',
    ).map((claim) => claim.name);
    expect(names).toEqual(['fresh', 'iat', 'jti', 'type', 'sub', 'nbf', 'csrf', 'aud', 'iss', 'exp']);
  });
});

describe('uuid4', () => {
  it('gives version 4, variant 10xx UUIDs, each one new', () => {
    const seen = new Set<string>();
    // Several batches (256 a batch), so refills are crossed too.
    for (let i = 0; i < 2000; i++) {
      const id = uuid4();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
  });

  it('uses every random hex digit (no position stuck)', () => {
    const digits = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 3000; i++) [...uuid4()].forEach((ch, at) => digits[at]?.add(ch));
    const sizes = digits.map((set) => set.size);
    // Dashes and the version digit are fixed; the variant digit takes 4 values; the rest all 16.
    expect(sizes).toEqual(
      [...'xxxxxxxx-xxxx-Vxxx-Rxxx-xxxxxxxxxxxx'].map((c) => (c === '-' || c === 'V' ? 1 : c === 'R' ? 4 : 16)),
    );
  });
});
