/**
 * The keyring (`keys` option): tokens carry the signing key's kid, verification picks the key by
 * kid, an unknown kid is a 422 unless a decodeKeyLoader resolves it, and a rotation (add, promote,
 * retire) never refuses a token that is still valid.
 */
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, jwtVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtConfigError, JwtEncodeError, JwtManager, UnknownKeyIdError, jwkThumbprint } from '../../src/index.js';
import { callRoute } from '../helpers/core-request.js';

const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pemOf = (key: ReturnType<typeof ec>['privateKey']) =>
  key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }) as string;
const headerOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('keyring: kid in, kid out', () => {
  it('signs with the active key and puts its kid in the header; verifies by kid', async () => {
    const [a, b] = [ec(), ec()];
    const jwt = new JwtManager({
      algorithm: 'ES256',
      keys: [
        { kid: 'a', privateKey: pemOf(a.privateKey) },
        { kid: 'b', privateKey: b.privateKey },
      ],
    });
    const token = jwt.createAccessTokenSync('alice');
    expect(headerOf(token)).toEqual({ alg: 'ES256', kid: 'a', typ: 'JWT' });
    expect(jwt.decodeTokenSync(token).sub).toBe('alice');
    // The token verifies with a's public key alone (jose): it really was signed by a.
    await expect(jwtVerify(token, a.publicKey)).resolves.toBeDefined();
    await expect(jwtVerify(token, b.publicKey)).rejects.toThrow();
  });

  it('with extra headers, keeps the kid and refuses one that would name another key', () => {
    const jwt = new JwtManager({ algorithm: 'ES256', keys: [{ kid: 'k1', privateKey: ec().privateKey }] });
    const token = jwt.createAccessTokenSync('me', { additionalHeaders: { x: 1 } });
    expect(headerOf(token)).toEqual({ alg: 'ES256', kid: 'k1', typ: 'JWT', x: 1 });
    expect(() => jwt.createAccessTokenSync('me', { additionalHeaders: { kid: 'k2' } })).toThrow(JwtEncodeError);
  });

  it('defaults the kid to the RFC 7638 thumbprint, the same as jose computes', async () => {
    const pair = ec();
    const jwt = new JwtManager({ algorithm: 'ES256', keys: [{ privateKey: pair.privateKey }] });
    const expected = await calculateJwkThumbprint(await exportJWK(pair.publicKey));
    expect(jwkThumbprint(pair.privateKey)).toBe(expected);
    expect(headerOf(jwt.createAccessTokenSync('me')).kid).toBe(expected);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(jwkThumbprint(rsa.publicKey)).toBe(await calculateJwkThumbprint(await exportJWK(rsa.publicKey)));
    const ed = generateKeyPairSync('ed25519');
    expect(jwkThumbprint(ed.publicKey)).toBe(await calculateJwkThumbprint(await exportJWK(ed.publicKey)));
  });

  it('takes keys as PEM, JWK (its own kid and alg) and KeyObject', async () => {
    const [pemKey, jwkKey, objectKey] = [ec(), ec(), ec()];
    const jwk = { ...(await exportJWK(jwkKey.privateKey)), kid: 'from-jwk', alg: 'ES256' };
    const issuer = new JwtManager({
      algorithm: 'ES256',
      keys: [
        { kid: 'pem', privateKey: pemOf(pemKey.privateKey) },
        { privateKey: jwk },
        { kid: 'obj', privateKey: objectKey.privateKey },
      ],
    });
    const verifier = new JwtManager({
      algorithm: 'ES256',
      keys: [
        { kid: 'pem', publicKey: pemOf(pemKey.publicKey) },
        { publicKey: { ...(await exportJWK(jwkKey.publicKey)), kid: 'from-jwk' } },
        { kid: 'obj', publicKey: objectKey.publicKey },
      ],
    });
    for (const kid of ['pem', 'from-jwk', 'obj']) {
      issuer.promoteKey(kid);
      const token = issuer.createAccessTokenSync(kid);
      expect(headerOf(token).kid).toBe(kid);
      expect(verifier.decodeTokenSync(token).sub).toBe(kid);
    }
  });

  it('refuses an unknown kid with 422 and a message that does not repeat it', async () => {
    const issuer = new JwtManager({ algorithm: 'ES256', keys: [{ kid: 'other', privateKey: ec().privateKey }] });
    const verifier = new JwtManager({ algorithm: 'ES256', keys: [{ kid: 'mine', privateKey: ec().privateKey }] });
    const token = issuer.createAccessTokenSync('eve');
    expect(() => verifier.decodeTokenSync(token)).toThrow(UnknownKeyIdError);
    expect(await callRoute(verifier, bearer(token))).toEqual({
      status: 422,
      body: { msg: "No key has the token's kid" },
    });
  });

  it('asks the decodeKeyLoader (the resolver) for a kid it does not know, and only then', async () => {
    const known = ec();
    const other = ec();
    const asked: unknown[] = [];
    const verifier = new JwtManager({
      algorithm: 'ES256',
      keys: [{ kid: 'known', publicKey: known.publicKey }],
      decodeKeyLoader: async (header) => {
        asked.push(header.kid);
        return other.publicKey;
      },
    });
    const knownToken = new JwtManager({
      algorithm: 'ES256',
      keys: [{ kid: 'known', privateKey: known.privateKey }],
    }).createAccessTokenSync('k');
    const otherToken = new JwtManager({
      algorithm: 'ES256',
      keys: [{ kid: 'new', privateKey: other.privateKey }],
    }).createAccessTokenSync('o');
    expect(verifier.decodeTokenSync(knownToken).sub).toBe('k');
    expect((await verifier.decodeToken(otherToken)).sub).toBe('o');
    expect(asked).toEqual(['new']);
  });

  it('refuses a kid that is not a string with 422', async () => {
    const jwt = new JwtManager({ algorithm: 'ES256', keys: [{ kid: 'a', privateKey: ec().privateKey }] });
    const [, payload, signature] = jwt.createAccessTokenSync('me').split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 7, typ: 'JWT' })).toString('base64url');
    expect(await callRoute(jwt, bearer(`${header}.${payload}.${signature}`))).toEqual({
      status: 422,
      body: { msg: 'Key ID header parameter must be a string' },
    });
  });
});

describe('keyring: rotation without logging anyone out', () => {
  it('add, promote, retire: old tokens verify until their key is retired, new ones carry the new kid', async () => {
    const [old, next] = [ec(), ec()];
    const jwt = new JwtManager({
      algorithm: 'ES256',
      keys: [{ kid: '2026-01', privateKey: old.privateKey }],
      verifiedTokenCache: true,
    });
    const before = jwt.createAccessTokenSync('alice');
    expect((await callRoute(jwt, bearer(before))).status).toBe(200); // cached now

    expect(jwt.addKey({ kid: '2026-02', privateKey: next.privateKey })).toBe('2026-02');
    expect(headerOf(jwt.createAccessTokenSync('alice')).kid).toBe('2026-01'); // added, not yet signing
    expect(jwt.jwks().keys.map((k) => k.kid)).toEqual(['2026-01', '2026-02']);

    jwt.promoteKey('2026-02');
    const after = jwt.createAccessTokenSync('alice');
    expect(headerOf(after).kid).toBe('2026-02');
    expect((await callRoute(jwt, bearer(before))).status).toBe(200); // still valid: no one logged out
    expect((await callRoute(jwt, bearer(after))).status).toBe(200);

    jwt.retireKey('2026-01');
    expect(jwt.jwks().keys.map((k) => k.kid)).toEqual(['2026-02']);
    // Refused at once, the verified-token cache included.
    expect(await callRoute(jwt, bearer(before))).toEqual({ status: 422, body: { msg: "No key has the token's kid" } });
    expect((await callRoute(jwt, bearer(after))).status).toBe(200);
  });

  it('refuses to retire the signing key, to promote a public key, and unknown kids', () => {
    const jwt = new JwtManager({
      algorithm: 'ES256',
      keys: [
        { kid: 'a', privateKey: ec().privateKey },
        { kid: 'pub', publicKey: ec().publicKey },
      ],
    });
    expect(() => jwt.retireKey('a')).toThrow(
      'Cannot retire the key "a": it signs new tokens; promote the next key first',
    );
    expect(() => jwt.promoteKey('pub')).toThrow('it is a public key');
    expect(() => jwt.promoteKey('zz')).toThrow('no key has this kid');
    expect(() => jwt.addKey({ kid: 'a', privateKey: ec().privateKey })).toThrow('two keys have the kid "a"');
  });

  it('refuses rotation calls on a one-key manager', () => {
    const jwt = new JwtManager({ secretKey: 'x'.repeat(40) });
    expect(() => jwt.addKey({ kid: 'b', secretKey: 'y'.repeat(40) })).toThrow('addKey needs a keyring');
  });

  it('signingKid chooses the signing key at start-up', () => {
    const jwt = new JwtManager({
      algorithm: 'ES256',
      keys: [
        { kid: 'a', privateKey: ec().privateKey },
        { kid: 'b', privateKey: ec().privateKey },
      ],
      signingKid: 'b',
    });
    expect(headerOf(jwt.createAccessTokenSync('me')).kid).toBe('b');
  });
});

describe('keyring: HMAC secrets by kid', () => {
  it('signs with the active secret, verifies each by kid, and never publishes one', async () => {
    const jwt = new JwtManager({
      keys: [
        { kid: 's1', secretKey: 'first-secret-'.repeat(4) },
        { kid: 's2', secretKey: createSecretKey(Buffer.alloc(32, 7)) },
      ],
    });
    const t1 = jwt.createAccessTokenSync('me');
    jwt.promoteKey('s2');
    const t2 = jwt.createAccessTokenSync('me');
    expect([headerOf(t1).kid, headerOf(t2).kid]).toEqual(['s1', 's2']);
    expect(jwt.decodeTokenSync(t1).sub).toBe('me');
    expect(jwt.decodeTokenSync(t2).sub).toBe('me');
    await expect(jwtVerify(t2, createSecretKey(Buffer.alloc(32, 7)))).resolves.toBeDefined();
    expect(jwt.jwks()).toEqual({ keys: [] });
  });
});

describe('tokens without kid', () => {
  it("the one-key configuration keeps flask's header and ignores any kid, exactly as before", () => {
    const jwt = new JwtManager({ secretKey: 'z'.repeat(40) });
    const token = jwt.createAccessTokenSync('me');
    expect(headerOf(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const withKid = jwt.createAccessTokenSync('me', { additionalHeaders: { kid: 'anything' } });
    expect(jwt.decodeTokenSync(withKid).sub).toBe('me');
  });

  it('a keyring verifies a token without kid with the keys of its algorithm (e.g. issued before the keyring)', async () => {
    const old = ec();
    const legacy = new JwtManager({ algorithm: 'ES256', privateKey: old.privateKey }).createAccessTokenSync('old');
    const jwt = new JwtManager({
      algorithm: 'ES256',
      keys: [
        { kid: 'new', privateKey: ec().privateKey },
        { kid: 'legacy', publicKey: old.publicKey },
      ],
    });
    expect(headerOf(legacy).kid).toBeUndefined();
    expect(jwt.decodeTokenSync(legacy).sub).toBe('old');
    const stranger = new JwtManager({ algorithm: 'ES256', privateKey: ec().privateKey }).createAccessTokenSync('x');
    expect(await callRoute(jwt, bearer(stranger))).toEqual({
      status: 422,
      body: { msg: 'Signature verification failed' },
    });
  });
});

describe('keyring: configuration mistakes', () => {
  it.each([
    [
      'keys and secretKey together',
      { keys: [{ secretKey: 'a'.repeat(40) }], secretKey: 'b'.repeat(40) },
      'keys replaces secretKey',
    ],
    ['an empty list', { keys: [] }, 'keys must be a non-empty list'],
    [
      'two materials in one key',
      { algorithm: 'ES256', keys: [{ privateKey: ec().privateKey, publicKey: ec().publicKey }] },
      'exactly one of privateKey, publicKey or secretKey',
    ],
    [
      'a key of an algorithm not accepted',
      { algorithm: 'ES256', keys: [{ alg: 'ES384', privateKey: ec().privateKey }] },
      'add ES384 to decodeAlgorithms',
    ],
    ['a secret for ES256', { algorithm: 'ES256', keys: [{ secretKey: 'a'.repeat(40) }] }, 'needs a key pair'],
    ['a key pair for HS256', { keys: [{ privateKey: ec().privateKey }] }, 'needs a shared secret'],
    ['a public key as an HMAC secret', { keys: [{ secretKey: pemOf(ec().publicKey) }] }, 'looks like a PEM key'],
    [
      'an unknown signingKid',
      { algorithm: 'ES256', keys: [{ kid: 'a', privateKey: ec().privateKey }], signingKid: 'b' },
      'no key has this kid',
    ],
  ])('%s', (_name, options, message) => {
    let error: unknown;
    try {
      new JwtManager(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JwtConfigError);
    expect((error as Error).message).toContain(message);
  });

  it('a keyring of public keys only verifies, and says so when asked to sign', () => {
    const jwt = new JwtManager({ algorithm: 'ES256', keys: [{ kid: 'p', publicKey: ec().publicKey }] });
    expect(() => jwt.createAccessTokenSync('me')).toThrow(
      'This JwtManager only verifies tokens and cannot create one: its keys have no private key or secret to sign with',
    );
  });

  it('the published set verifies the tokens in jose (createLocalJWKSet)', async () => {
    const jwt = new JwtManager({ algorithm: 'ES256', keys: [{ kid: 'a', privateKey: ec().privateKey }] });
    const token = jwt.createAccessTokenSync('me');
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwt.jwks() as never));
    expect(payload.sub).toBe('me');
  });
});
