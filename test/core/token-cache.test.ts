/**
 * The optional verified-token cache: off by default, a hit skips the key and signature work, but
 * never outlives `exp`, and revocation, CSRF and the other checks still run on every request.
 */
import { describe, expect, it } from 'vitest';
import { JwtManager, getJwt } from '../../src/index.js';
import { callRoute, portOf } from '../helpers/core-request.js';

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
});
