/**
 * Remote JWKS verification against a real HTTP server on 127.0.0.1 serving the JWK Set of an
 * issuer built with jose (an independent implementation). The manager's clock is frozen and moved
 * by hand, so max age and cooldown are tested without sleeping; every fetch is counted by the
 * server itself.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createPublicKey, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager, KeySetUnavailableError, UnknownKeyIdError } from '../../src/index.js';
import type { JwtManagerOptions } from '../../src/index.js';
import { callRoute } from '../helpers/core-request.js';

/** An issuer made with jose: keys by kid, a published set, tokens signed by the active key. */
class JoseIssuer {
  readonly keys = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
  published: string[] = [];
  active = '';

  async addKey(kid: string, alg = 'RS256'): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    this.keys.set(kid, { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } });
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.published.map((kid) => this.keys.get(kid)?.jwk as JWK) };
  }

  async token(sub: string, kid = this.active, extraHeader: Record<string, unknown> = {}): Promise<string> {
    const key = this.keys.get(kid);
    if (key === undefined) throw new Error(`no key ${kid}`);
    return new SignJWT({ sub })
      .setProtectedHeader({ alg: String(key.jwk.alg), kid, typ: 'JWT', ...extraHeader })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key.privateKey);
  }
}

type Mode = 'ok' | 'fail' | 'hang' | 'garbage' | 'huge';

/** The issuer's JWKS endpoint: counts requests, can fail, hang, or answer after a delay. */
class JwksServer {
  fetches = 0;
  mode: Mode = 'ok';
  delayMs = 0;
  url = '';
  readonly #server: Server;
  readonly #hanging: ServerResponse[] = [];

  constructor(private readonly body: () => unknown) {
    this.#server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.fetches++;
      if (this.mode === 'hang') {
        this.#hanging.push(res);
        return;
      }
      setTimeout(() => {
        if (this.mode === 'fail') res.writeHead(500).end('down');
        else if (this.mode === 'garbage') res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":');
        else if (this.mode === 'huge') res.writeHead(200).end(JSON.stringify({ keys: [], pad: 'x'.repeat(2 << 20) }));
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.body()));
      }, this.delayMs);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}/.well-known/jwks.json`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A manager on a frozen clock that the test moves. */
function verifierFor(url: string, options: Partial<JwtManagerOptions> = {}) {
  const clock = { now: Date.now() };
  const jwt = new JwtManager({
    algorithm: 'RS256',
    remoteJwks: { url, cooldownMs: 30_000, maxAgeMs: 600_000, timeoutMs: 2000 },
    clock: () => clock.now,
    ...options,
  });
  return { jwt, clock };
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

let issuer: JoseIssuer;
let server: JwksServer;

beforeAll(async () => {
  issuer = new JoseIssuer();
  await issuer.addKey('k1');
  await issuer.addKey('k2');
  await issuer.addKey('ec1', 'ES256');
  issuer.published = ['k1'];
  issuer.active = 'k1';
  server = await new JwksServer(() => issuer.jwks()).start();
});
afterAll(async () => server.stop());

function resetIssuer(): void {
  issuer.published = ['k1'];
  issuer.active = 'k1';
  server.mode = 'ok';
  server.delayMs = 0;
  server.fetches = 0;
}

describe('remote JWKS: fetch and cache', () => {
  it('verifies a jose token; the first lookup fetches, the next ones are synchronous cache hits', async () => {
    resetIssuer();
    const { jwt } = verifierFor(server.url);
    const token = await issuer.token('alice');
    expect(() => jwt.decodeTokenSync(token)).toThrow('the key lookup is asynchronous');
    expect((await jwt.decodeToken(token)).sub).toBe('alice');
    // Cached: the synchronous API works now, and nothing more is fetched.
    for (let i = 0; i < 5; i++) expect(jwt.decodeTokenSync(token).sub).toBe('alice');
    expect(await callRoute(jwt, bearer(token))).toEqual({ status: 200, body: { identity: 'alice' } });
    expect(server.fetches).toBeLessThanOrEqual(2); // the refused sync call may have started the first one
    const before = server.fetches;
    jwt.decodeTokenSync(token);
    expect(server.fetches).toBe(before);
  });

  it('shares one fetch between concurrent requests', async () => {
    resetIssuer();
    server.delayMs = 150;
    const { jwt } = verifierFor(server.url);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => issuer.token(`u${i}`)));
    const results = await Promise.all(tokens.map((t) => callRoute(jwt, bearer(t))));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(server.fetches).toBe(1);
  });

  it('refetches a set older than maxAge in the background, answering from the cache meanwhile', async () => {
    resetIssuer();
    const { jwt, clock } = verifierFor(server.url);
    const token = await issuer.token('bob');
    await jwt.refreshRemoteJwks();
    expect(server.fetches).toBe(1);
    clock.now += 600_001;
    // Synchronous hit although stale: the refresh runs behind it.
    expect(jwt.decodeTokenSync(token).sub).toBe('bob');
    await expect.poll(() => server.fetches, { timeout: 10_000 }).toBe(2);
  });

  it('binds a JWK without alg to the first allowed algorithm its type fits, and skips symmetric keys', async () => {
    const ecIssuer = new JoseIssuer();
    await ecIssuer.addKey('e', 'ES256');
    const { alg: _alg, ...noAlg } = ecIssuer.keys.get('e')?.jwk as JWK;
    const body = { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'e' }, noAlg] };
    const local = await new JwksServer(() => body).start();
    try {
      const { jwt } = verifierFor(local.url, { algorithm: 'ES256' });
      expect((await jwt.decodeToken(await ecIssuer.token('eve', 'e'))).sub).toBe('eve');
    } finally {
      await local.stop();
    }
  });
});

describe('remote JWKS: a verify-only manager for each asymmetric algorithm', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    "%s: the issuer's JWK Set alone verifies its tokens; creating a token says what is missing",
    async (alg) => {
      const own = new JoseIssuer();
      await own.addKey('signing', alg);
      own.published = ['signing'];
      own.active = 'signing';
      const local = await new JwksServer(() => own.jwks()).start();
      try {
        const { jwt } = verifierFor(local.url, { algorithm: alg });
        const token = await own.token('alice');
        expect(await callRoute(jwt, bearer(token))).toEqual({ status: 200, body: { identity: 'alice' } });
        const missing = 'This JwtManager only verifies tokens and cannot create one: it verifies with remoteJwks only';
        expect(() => jwt.createAccessTokenSync('alice')).toThrow(JwtConfigError);
        expect(() => jwt.createAccessTokenSync('alice')).toThrow(missing);
        await expect(jwt.createRefreshToken('alice')).rejects.toThrow(missing);
        // Another key under the same kid: the signature decides.
        const stranger = new JoseIssuer();
        await stranger.addKey('signing', alg);
        expect(await callRoute(jwt, bearer(await stranger.token('alice', 'signing')))).toEqual({
          status: 422,
          body: { msg: 'Signature verification failed' },
        });

        // The same set given locally (public JWKs in keys) is a verify-only manager too.
        const offline = new JwtManager({ algorithm: alg, keys: own.jwks().keys.map((publicKey) => ({ publicKey })) });
        expect(offline.decodeTokenSync(token).sub).toBe('alice');
        expect(() => offline.createAccessTokenSync('alice')).toThrow(
          'This JwtManager only verifies tokens and cannot create one: its keys have no private key or secret to sign with',
        );
        expect(local.fetches).toBe(1);
      } finally {
        await local.stop();
      }
    },
  );
});

describe('remote JWKS: issuer rotation without downtime', () => {
  it('publish next key, wait maxAge, promote, retire: every request in between succeeds', async () => {
    resetIssuer();
    const { jwt, clock } = verifierFor(server.url);
    const statuses: number[] = [];
    const call = async (token: string) => statuses.push((await callRoute(jwt, bearer(token))).status);

    const oldToken = await issuer.token('alice');
    await call(oldToken);
    issuer.published = ['k1', 'k2']; // step 1: the issuer publishes its next key
    clock.now += 600_001; // verifiers refresh within their max age
    await call(oldToken);
    await expect.poll(() => server.fetches, { timeout: 10_000 }).toBe(2);
    issuer.active = 'k2'; // step 2: the issuer promotes it
    const newToken = await issuer.token('alice');
    await call(newToken);
    await call(oldToken);
    issuer.published = ['k2']; // step 3: the old key is retired once its tokens expired
    clock.now += 600_001;
    await call(newToken);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // Once the background refresh has landed, the retired key is gone: its tokens are refused.
    await expect.poll(async () => (await callRoute(jwt, bearer(oldToken))).status, { timeout: 10_000 }).toBe(422);
    expect(server.fetches).toBe(3);
  });

  it('an unknown kid (the issuer rotated without publishing first) triggers one refetch', async () => {
    resetIssuer();
    const { jwt, clock } = verifierFor(server.url);
    await jwt.refreshRemoteJwks();
    issuer.published = ['k1', 'k2'];
    issuer.active = 'k2';
    clock.now += 30_001; // past the cooldown since the last fetch
    const token = await issuer.token('carol');
    expect(await callRoute(jwt, bearer(token))).toEqual({ status: 200, body: { identity: 'carol' } });
    expect(server.fetches).toBe(2);
  });
});

describe('remote JWKS: bounded refetching', () => {
  it('a flood of random kids costs the issuer at most one fetch per cooldown', async () => {
    resetIssuer();
    const { jwt, clock } = verifierFor(server.url);
    await jwt.refreshRemoteJwks();
    const forged = async () => issuer.token('mallory', 'k1', { kid: randomUUID() });
    const flood = async () => {
      const tokens = await Promise.all(Array.from({ length: 50 }, forged));
      return Promise.all(tokens.map((t) => callRoute(jwt, bearer(t))));
    };
    // Within the cooldown of the first fetch: refused without asking the issuer.
    const first = await flood();
    expect(first.every((r) => r.status === 422)).toBe(true);
    expect(first[0]?.body).toEqual({ msg: "No key of the issuer's key set has the token's kid" });
    expect(server.fetches).toBe(1);
    // After the cooldown: one refetch for the whole flood, then refusals again.
    clock.now += 30_001;
    expect((await flood()).every((r) => r.status === 422)).toBe(true);
    expect(server.fetches).toBe(2);
    expect((await flood()).every((r) => r.status === 422)).toBe(true);
    expect(server.fetches).toBe(2);
  });
});

describe('remote JWKS: failing closed', () => {
  it('answers 503 when the issuer is unreachable and nothing is cached, then recovers', async () => {
    const down = await new JwksServer(() => issuer.jwks()).start();
    const url = down.url;
    await down.stop(); // nothing listens on this port any more
    const { jwt } = verifierFor(url);
    const token = await issuer.token('alice');
    expect(await callRoute(jwt, bearer(token))).toEqual({
      status: 503,
      body: { msg: "The token issuer's keys are unavailable" },
    });
    // Within the cooldown, refused at once without another attempt.
    expect(() => jwt.decodeTokenSync(token)).toThrow(KeySetUnavailableError);
  });

  it.each([
    ['a server that never answers (timeout)', 'hang'],
    ['HTTP 500', 'fail'],
    ['a body that is not JSON', 'garbage'],
    ['a body over maxBytes', 'huge'],
  ] as const)('answers 503 for %s, and verifies once the issuer is back', async (_name, mode) => {
    resetIssuer();
    server.mode = mode;
    const { jwt, clock } = verifierFor(server.url, {
      remoteJwks: { url: server.url, timeoutMs: 200, cooldownMs: 30_000 },
    });
    const token = await issuer.token('alice');
    expect((await callRoute(jwt, bearer(token))).status).toBe(503);
    server.mode = 'ok';
    expect((await callRoute(jwt, bearer(token))).status).toBe(503); // cooldown: no new attempt yet
    expect(server.fetches).toBe(1);
    clock.now += 30_001;
    expect(await callRoute(jwt, bearer(token))).toEqual({ status: 200, body: { identity: 'alice' } });
  });

  it('keeps verifying with the cached keys while the issuer is down', async () => {
    resetIssuer();
    const { jwt, clock } = verifierFor(server.url);
    const token = await issuer.token('dave');
    await jwt.refreshRemoteJwks();
    server.mode = 'fail';
    clock.now += 600_001;
    expect(jwt.decodeTokenSync(token).sub).toBe('dave');
    await expect.poll(() => server.fetches, { timeout: 10_000 }).toBe(2);
    expect((await callRoute(jwt, bearer(token))).status).toBe(200);
  });
});

describe('remote JWKS: keys named by the token are never trusted', () => {
  it('ignores jku, x5u, an embedded jwk and x5c: an attacker key is refused and its URL never fetched', async () => {
    resetIssuer();
    const attacker = new JoseIssuer();
    await attacker.addKey('evil');
    attacker.published = ['evil'];
    const attackerServer = await new JwksServer(() => attacker.jwks()).start();
    try {
      const { jwt } = verifierFor(server.url);
      await jwt.refreshRemoteJwks();
      const evil = attacker.keys.get('evil')?.jwk as JWK;
      // The attacker's public key as x5c would carry it (DER, base64): never read either.
      const evilDer = createPublicKey({ key: evil as never, format: 'jwk' }).export({ type: 'spki', format: 'der' });
      const forged = await attacker.token('admin', 'evil', {
        jku: attackerServer.url,
        x5u: attackerServer.url,
        jwk: evil,
        x5c: [evilDer.toString('base64')],
      });
      const response = await callRoute(jwt, bearer(forged));
      expect(response.status).toBe(422);
      expect(attackerServer.fetches).toBe(0);
      // Same kid as a real key: the signature decides, and it fails.
      const sameKid = await attacker.token('admin', 'evil', { kid: 'k1', jwk: attacker.keys.get('evil')?.jwk });
      expect(await callRoute(jwt, bearer(sameKid))).toEqual({
        status: 422,
        body: { msg: 'Signature verification failed' },
      });
    } finally {
      await attackerServer.stop();
    }
  });
});

describe('remote JWKS: configuration', () => {
  it.each([
    [
      'plain http off loopback',
      { algorithm: 'RS256', remoteJwks: 'http://issuer.example/jwks.json' },
      'must use https',
    ],
    ['not a URL', { algorithm: 'RS256', remoteJwks: 'jwks.json' }, 'must be an absolute URL'],
    ['an HMAC algorithm', { remoteJwks: 'https://issuer.example/jwks.json' }, 'asymmetric tokens only'],
    [
      'with a local key',
      { algorithm: 'RS256', remoteJwks: 'https://issuer.example/jwks.json', publicKey: 'x' },
      "verifies with the issuer's keys only",
    ],
    [
      'a zero cooldown',
      { algorithm: 'RS256', remoteJwks: { url: 'https://i.example/j', cooldownMs: 0 } },
      'cooldownMs must be a positive number',
    ],
  ])('refuses %s at start-up', (_name, options, message) => {
    expect(() => new JwtManager(options as never)).toThrow(JwtConfigError);
    expect(() => new JwtManager(options as never)).toThrow(message);
  });

  it('only verifies: creating a token says so; jwks() publishes nothing of the issuer', () => {
    const jwt = new JwtManager({ algorithm: 'RS256', remoteJwks: 'https://issuer.example/.well-known/jwks.json' });
    expect(() => jwt.createAccessTokenSync('x')).toThrow('it verifies with remoteJwks only');
    expect(jwt.jwks()).toEqual({ keys: [] });
  });

  it('an unknown kid is UnknownKeyIdError', async () => {
    resetIssuer();
    const { jwt } = verifierFor(server.url);
    await jwt.refreshRemoteJwks();
    await expect(jwt.decodeToken(await issuer.token('x', 'k2'))).rejects.toBeInstanceOf(UnknownKeyIdError);
  });
});
