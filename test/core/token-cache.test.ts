/**
 * The optional verified-token cache: off by default, a hit skips the key and signature work, but
 * never outlives `exp`, and revocation, CSRF and the other checks still run on every request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JwtManager, getJwt } from '../../src/index.js';
import { callRoute, portOf } from '../helpers/core-request.js';
import { fuzzParameters } from '../helpers/property.js';

const SECRET = 'token-cache-secret-0123456789abcdef0123456789abcdef';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** A manager whose decodeKeyLoader counts the full decodes (the cache skips them). */
function counting(options: Record<string, unknown> = {}) {
  let now = Date.UTC(2030, 0, 1);
  const calls = { decodes: 0 };
  const jwt = new JwtManager({
    secretKey: SECRET,
    clock: () => now,
    decodeKeyLoader: () => {
      calls.decodes++;
      return SECRET;
    },
    encodeKeyLoader: () => SECRET,
    ...options,
  });
  return { jwt, calls, advance: (ms: number) => (now += ms) };
}

describe('verified-token cache', () => {
  it('is off by default', async () => {
    const { jwt, calls } = counting();
    const token = await jwt.createAccessToken('alice');
    for (let i = 0; i < 3; i++) expect((await callRoute(jwt, bearer(token))).status).toBe(200);
    expect(calls.decodes).toBe(3);
  });

  it('decodes a repeated token once', async () => {
    const { jwt, calls } = counting({ verifiedTokenCache: true });
    const token = await jwt.createAccessToken('alice');
    for (let i = 0; i < 5; i++)
      expect(await callRoute(jwt, bearer(token))).toEqual({ status: 200, body: { identity: 'alice' } });
    expect(calls.decodes).toBe(1);
  });

  it('never serves a token past its exp', async () => {
    const { jwt, advance } = counting({ verifiedTokenCache: true });
    const token = await jwt.createAccessToken('alice', { expiresDelta: 60 });
    expect((await callRoute(jwt, bearer(token))).status).toBe(200);
    advance(60_000);
    expect(await callRoute(jwt, bearer(token))).toEqual({ status: 401, body: { msg: 'Token has expired' } });
  });

  it('still checks revocation on every request', async () => {
    const { jwt } = counting({ verifiedTokenCache: true });
    const token = await jwt.createAccessToken('alice');
    expect((await callRoute(jwt, bearer(token))).status).toBe(200);
    await jwt.revokeToken(token);
    expect(await callRoute(jwt, bearer(token))).toEqual({ status: 401, body: { msg: 'Token has been revoked' } });
  });

  it('still compares the CSRF value on every request', async () => {
    const { jwt } = counting({ verifiedTokenCache: true, tokenLocation: 'cookies' });
    const token = await jwt.createAccessToken('alice');
    const csrf = jwt.decodeTokenSync(token).csrf as string;
    const post = (value: string) => ({
      method: 'POST',
      headers: { cookie: `access_token_cookie=${token}`, 'x-csrf-token': value },
    });
    expect((await callRoute(jwt, post(csrf))).status).toBe(200);
    expect(await callRoute(jwt, post('wrong'))).toEqual({
      status: 401,
      body: { msg: 'CSRF double submit tokens do not match' },
    });
  });

  it('is bounded: the least recently used token is evicted', async () => {
    const { jwt, calls } = counting({ verifiedTokenCache: { maxEntries: 2 } });
    const [a, b, c] = await Promise.all([
      jwt.createAccessToken('a'),
      jwt.createAccessToken('b'),
      jwt.createAccessToken('c'),
    ]);
    for (const token of [a, b, a, c]) await callRoute(jwt, bearer(token as string)); // c evicts b
    expect(calls.decodes).toBe(3);
    await callRoute(jwt, bearer(a as string));
    expect(calls.decodes).toBe(3);
    await callRoute(jwt, bearer(b as string));
    expect(calls.decodes).toBe(4);
  });

  it('serves a frozen payload no request can change for the others, and can be cleared', async () => {
    const { jwt, calls } = counting({ verifiedTokenCache: true });
    const token = await jwt.createAccessToken('alice');
    await callRoute(jwt, bearer(token));
    const req = {};
    await jwt.verifyRequest(req, portOf(bearer(token)), jwt.compileRoute());
    expect(() => {
      (getJwt(req) as Record<string, unknown>).sub = 'mallory';
    }).toThrow(TypeError);
    expect(await callRoute(jwt, bearer(token))).toEqual({ status: 200, body: { identity: 'alice' } });
    jwt.clearVerifiedTokenCache();
    await callRoute(jwt, bearer(token));
    expect(calls.decodes).toBe(2);
  });

  it('never serves a token whose payload was changed under the same signature', async () => {
    const { jwt, calls } = counting({ verifiedTokenCache: true });
    const token = await jwt.createAccessToken('alice');
    expect((await callRoute(jwt, bearer(token))).status).toBe(200);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${signature}`;
    // Same signature, so the same cache key: the whole-token comparison sends it to a full decode.
    expect(await callRoute(jwt, bearer(forged))).toEqual({
      status: 422,
      body: { msg: 'Signature verification failed' },
    });
    expect(calls.decodes).toBe(2);
    expect(await callRoute(jwt, bearer(token))).toEqual({ status: 200, body: { identity: 'alice' } });
    expect(calls.decodes).toBe(2);
  });
});

/**
 * Issue 9, I6: a hit runs every time check of the full decode (exp, nbf, iat in the future, with
 * the leeway). A cached and an uncached manager share one clock that steps back and forth; at
 * every step both must give the same answer.
 */
describe('verified-token cache: time checks on every hit', () => {
  const start = Date.UTC(2030, 0, 1);

  function twins(leeway: number) {
    let now = start;
    let decodes = 0;
    const options = { secretKey: SECRET, clock: () => now, decodeLeeway: leeway };
    const cached = new JwtManager({
      ...options,
      verifiedTokenCache: true,
      decodeKeyLoader: () => {
        decodes++;
        return SECRET;
      },
    });
    const plain = new JwtManager(options);
    return {
      cached,
      plain,
      setClock: (ms: number) => (now = ms),
      decodes: () => decodes,
    };
  }

  it('refuses a cached token once the clock is stepped back before its iat (the 422 of the uncached path)', async () => {
    const { cached, plain, setClock, decodes } = twins(0);
    const token = cached.createAccessTokenSync('alice');
    expect((await callRoute(cached, bearer(token))).status).toBe(200);
    expect((await callRoute(cached, bearer(token))).status).toBe(200);
    expect(decodes()).toBe(1);
    setClock(start - 60_000);
    const expected = { status: 422, body: { msg: 'The token is not yet valid (iat)' } };
    expect(await callRoute(plain, bearer(token))).toEqual(expected);
    expect(await callRoute(cached, bearer(token))).toEqual(expected);
    setClock(start);
    expect((await callRoute(cached, bearer(token))).status).toBe(200);
  });

  it('refuses a cached token stepped back before its nbf, and forward past its exp, within the leeway only', async () => {
    const { cached, plain, setClock } = twins(10);
    // Valid from start + 30 s (nbf), for 60 s.
    const token = cached.createAccessTokenSync('alice', {
      additionalClaims: { nbf: start / 1000 + 30 },
      expiresDelta: 60,
    });
    setClock(start + 40_000);
    expect((await callRoute(cached, bearer(token))).status).toBe(200);
    const cases: [number, { status: number; body: unknown }][] = [
      [start + 20_000, { status: 200, body: { identity: 'alice' } }], // nbf - 10 s: inside the leeway
      [start + 19_000, { status: 422, body: { msg: 'The token is not yet valid (nbf)' } }],
      [start + 69_000, { status: 200, body: { identity: 'alice' } }], // exp + 9 s
      [start + 70_000, { status: 401, body: { msg: 'Token has expired' } }], // exp + 10 s
    ];
    for (const [at, expected] of cases) {
      setClock(at);
      expect(await callRoute(plain, bearer(token))).toEqual(expected);
      // Cache it again (from a valid moment) before each step, so the step is taken on a hit.
      setClock(start + 40_000);
      await callRoute(cached, bearer(token));
      setClock(at);
      expect(await callRoute(cached, bearer(token))).toEqual(expected);
    }
  });

  it('answers as the uncached path at every step of a random walk of the clock', async () => {
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 5),
        fc.constantFrom(0, 30),
        fc.array(fc.integer({ min: -120_000, max: 1_000_000 }), { minLength: 1, maxLength: 12 }),
        async (leeway, nbfDelay, steps) => {
          const { cached, plain, setClock, decodes } = twins(leeway);
          setClock(start);
          const claims = nbfDelay === 0 ? {} : { nbf: start / 1000 + nbfDelay };
          const token = cached.createAccessTokenSync('alice', { additionalClaims: claims });
          let calls = 0;
          for (const offset of steps) {
            setClock(start + offset);
            // Twice per step: the second call is a hit whenever the first one was accepted.
            for (let i = 0; i < 2; i++) {
              calls++;
              expect(await callRoute(cached, bearer(token))).toEqual(await callRoute(plain, bearer(token)));
            }
          }
          hits += calls - decodes();
        },
      ),
      fuzzParameters(150),
    );
    // The walk really went through the hit path.
    expect(hits).toBeGreaterThan(100);
  });
});
