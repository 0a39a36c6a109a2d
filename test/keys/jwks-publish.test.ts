/**
 * Publishing: `jwt.jwks()` holds public keys only (never a private member, never a secret), and
 * every adapter serves it at /.well-known/jwks.json in one line, over real HTTP on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { JWKS_PATH, JwtConfigError, JwtManager, jwksResponse } from '../../src/index.js';
import type { Jwk } from '../../src/index.js';
import { jwksHandler as expressJwks } from '../../src/adapters/express.js';
import { jwksHandler as fastifyJwks } from '../../src/adapters/fastify.js';
import { jwksHandler as fetchJwks } from '../../src/adapters/fetch.js';
import { jwksHandler as honoJwks } from '../../src/adapters/hono.js';
import { jwksHandler as koaJwks } from '../../src/adapters/koa.js';
import { listenOnLoopback } from '../behaviour/app-contract.js';
import type { TestApp } from '../behaviour/app-contract.js';

/** Every member that would reveal a private key or a secret (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function expectPublicOnly(keys: Jwk[]): void {
  for (const jwk of keys) {
    for (const member of PRIVATE_MEMBERS)
      expect(jwk, `member ${member} of ${String(jwk.kid)}`).not.toHaveProperty(member);
    expect(jwk.kty).not.toBe('oct');
    expect(jwk.use).toBe('sig');
  }
}

describe('jwt.jwks()', () => {
  it('publishes the public half of every private key of a keyring (RSA, EC, OKP)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaJwt = new JwtManager({
      algorithm: 'RS256',
      decodeAlgorithms: ['PS256'],
      keys: [
        { kid: 'r1', privateKey: rsa.privateKey },
        { kid: 'r2', alg: 'PS256', privateKey: rsa.privateKey.export({ format: 'jwk' }) },
      ],
    });
    const ecJwt = new JwtManager({
      algorithm: 'ES256',
      decodeAlgorithms: ['ES384', 'EdDSA'],
      keys: [
        { kid: 'e1', privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey },
        { kid: 'e2', alg: 'ES384', privateKey: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey },
        { kid: 'o1', alg: 'EdDSA', privateKey: generateKeyPairSync('ed25519').privateKey },
      ],
    });
    const rsaKeys = rsaJwt.jwks().keys;
    const ecKeys = ecJwt.jwks().keys;
    expect(rsaKeys.map((k) => [k.kid, k.kty, k.alg])).toEqual([
      ['r1', 'RSA', 'RS256'],
      ['r2', 'RSA', 'PS256'],
    ]);
    expect(ecKeys.map((k) => [k.kid, k.kty, k.crv, k.alg])).toEqual([
      ['e1', 'EC', 'P-256', 'ES256'],
      ['e2', 'EC', 'P-384', 'ES384'],
      ['o1', 'OKP', 'Ed25519', 'EdDSA'],
    ]);
    expectPublicOnly([...rsaKeys, ...ecKeys]);
    // And what is published is enough to verify: jose checks a token of each key.
    for (const kid of ['e1', 'e2', 'o1']) {
      ecJwt.promoteKey(kid);
      const { payload } = await jwtVerify(ecJwt.createAccessTokenSync(kid), createLocalJWKSet(ecJwt.jwks() as never));
      expect(payload.sub).toBe(kid);
    }
  });

  it('publishes nothing for HMAC secrets, one key or a keyring', () => {
    expect(new JwtManager({ secretKey: 'h'.repeat(40) }).jwks()).toEqual({ keys: [] });
    expect(new JwtManager({ keys: [{ kid: 'a', secretKey: 'h'.repeat(40) }] }).jwks()).toEqual({ keys: [] });
  });
});

describe.each([
  [
    'express',
    (jwt: JwtManager) => {
      const app = express();
      app.get('/.well-known/jwks.json', expressJwks(jwt));
      return listenOnLoopback(createServer(app));
    },
  ],
  [
    'fastify',
    async (jwt: JwtManager): Promise<TestApp> => {
      const app = Fastify();
      app.get('/.well-known/jwks.json', fastifyJwks(jwt));
      const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
      return { baseUrl, close: () => app.close() };
    },
  ],
  [
    'hono',
    (jwt: JwtManager) => {
      const app = new Hono();
      app.get('/.well-known/jwks.json', honoJwks(jwt));
      return listenOnLoopback(createAdaptorServer({ fetch: app.fetch }) as Server);
    },
  ],
  [
    'fetch',
    (jwt: JwtManager) => {
      const jwks = fetchJwks(jwt);
      const handler = (request: Request): Response =>
        new URL(request.url).pathname === '/.well-known/jwks.json' ? jwks() : new Response('other');
      return listenOnLoopback(createAdaptorServer({ fetch: handler }) as Server);
    },
  ],
  [
    'koa',
    (jwt: JwtManager) => {
      const app = new Koa();
      app.use(koaJwks(jwt));
      app.use((ctx) => {
        ctx.body = 'other';
      });
      return listenOnLoopback(createServer(app.callback()));
    },
  ],
] as const)('%s: GET /.well-known/jwks.json', (_name, start) => {
  const jwt = new JwtManager({
    algorithm: 'ES256',
    keys: [{ kid: 'k1', privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }],
  });
  const started = Promise.resolve(start(jwt));
  afterAll(async () => (await started).close());

  it('serves the JWK Set as JSON with Cache-Control, and shows a rotation at once', async () => {
    const { baseUrl } = await started;
    const response = await fetch(`${baseUrl}${JWKS_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const body = (await response.json()) as { keys: Jwk[] };
    expect(body).toEqual(jwt.jwks());
    expect(body.keys.map((k) => k.kid)).toEqual(['k1']);
    expectPublicOnly(body.keys);

    jwt.addKey({ kid: 'k2', privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
    const next = (await (await fetch(`${baseUrl}${JWKS_PATH}`)).json()) as { keys: Jwk[] };
    expect(next.keys.map((k) => k.kid)).toEqual(['k1', 'k2']);
  });
});

describe('JWKS route options', () => {
  it('a bad maxAge throws JwtConfigError when the route is declared, on every adapter', () => {
    const jwt = new JwtManager({ algorithm: 'EdDSA', privateKey: generateKeyPairSync('ed25519').privateKey });
    for (const make of [expressJwks, fastifyJwks, honoJwks, koaJwks]) {
      for (const maxAge of [-1, 1.5, Number.NaN]) {
        expect(() => make(jwt, { maxAge })).toThrow(JwtConfigError);
        expect(() => make(jwt, { maxAge })).toThrow('jwks maxAge must be a whole number of seconds >= 0');
      }
    }
    expect(jwksResponse(jwt, { maxAge: 0 }).headers['cache-control']).toBe('public, max-age=0');
  });
});

describe('koa: the JWKS middleware passes other requests on', () => {
  it('answers only GET/HEAD of its path', async () => {
    const jwt = new JwtManager({ algorithm: 'EdDSA', privateKey: generateKeyPairSync('ed25519').privateKey });
    const app = new Koa();
    app.use(koaJwks(jwt, { maxAge: 60 }));
    app.use((ctx) => {
      ctx.body = 'other';
    });
    const server = await listenOnLoopback(createServer(app.callback()));
    try {
      expect(await (await fetch(`${server.baseUrl}/x`)).text()).toBe('other');
      expect(await (await fetch(`${server.baseUrl}${JWKS_PATH}`, { method: 'POST' })).text()).toBe('other');
      const response = await fetch(`${server.baseUrl}${JWKS_PATH}`);
      expect(response.headers.get('cache-control')).toBe('public, max-age=60');
      expect(((await response.json()) as { keys: Jwk[] }).keys).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
