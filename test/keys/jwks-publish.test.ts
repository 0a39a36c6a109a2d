/**
 * Publishing: `jwt.jwks()` holds public keys only (never a private member, never a secret), and
 * every adapter (NestJS on both platforms included) serves it at /.well-known/jwks.json in one
 * line, over real HTTP on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { type KeyObject, createPublicKey, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createAdaptorServer } from '@hono/node-server';
import { Controller, Get, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { JWKS_PATH, JwtConfigError, JwtManager, jwksResponse } from '../../src/index.js';
import type { Algorithm, Jwk, JwtManagerOptions, KeyMaterial } from '../../src/index.js';
import { jwksHandler as expressJwks } from '../../src/adapters/express.js';
import { jwksHandler as fastifyJwks } from '../../src/adapters/fastify.js';
import { jwksHandler as fetchJwks } from '../../src/adapters/fetch.js';
import { jwksHandler as honoJwks } from '../../src/adapters/hono.js';
import { jwksHandler as koaJwks } from '../../src/adapters/koa.js';
import { JwtExtendedModule, type JwtExtendedModuleOptions } from '../../src/adapters/nestjs.js';
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

  /** Every asymmetric key type a manager takes, with the algorithm it is used with. */
  const ASYMMETRIC: [string, Algorithm, () => { privateKey: KeyObject; publicKey: KeyObject }][] = [
    ['RSA', 'RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['RSA (PS256)', 'PS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['EC P-256', 'ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['EC P-384', 'ES384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
    ['EC P-521', 'ES512', () => generateKeyPairSync('ec', { namedCurve: 'P-521' })],
    ['EC secp256k1', 'ES256K', () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' })],
    ['Ed25519', 'EdDSA', () => generateKeyPairSync('ed25519')],
    ['Ed448', 'EdDSA', () => generateKeyPairSync('ed448')],
  ];
  /** The forms a private key is configured in: PEM text, a JWK (with its private members), a KeyObject. */
  const FORMS: [string, (key: KeyObject) => KeyMaterial][] = [
    ['PEM', (key) => key.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['JWK', (key) => key.export({ format: 'jwk' }) as Jwk],
    ['KeyObject', (key) => key],
  ];
  const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64url');

  it.each(ASYMMETRIC)(
    '%s: one key or a keyring, from PEM, JWK or KeyObject, publishes exactly its public key',
    (_name, algorithm, make) => {
      const { privateKey, publicKey } = make();
      for (const [form, as] of FORMS) {
        const configs: [string, JwtManagerOptions][] = [
          ['one key', { algorithm, privateKey: as(privateKey) }],
          ['keyring', { algorithm, keys: [{ privateKey: as(privateKey) }] }],
          ['keyring of the public key', { algorithm, keys: [{ publicKey }] }],
        ];
        for (const [config, options] of configs) {
          const where = `${form}, ${config}`;
          const { keys } = new JwtManager(options).jwks();
          expect(keys, where).toHaveLength(1);
          expectPublicOnly(keys);
          const [jwk] = keys as [Jwk];
          expect(jwk.alg, where).toBe(algorithm);
          // The published members are the public key itself, nothing less and nothing more.
          expect(spki(createPublicKey({ key: jwk as never, format: 'jwk' })), where).toBe(spki(publicKey));
          const { kid: _kid, alg: _alg, use: _use, ...members } = jwk;
          expect(members, where).toEqual(publicKey.export({ format: 'jwk' }));
        }
      }
    },
  );

  it('publishes nothing for an HMAC secret in any form: string, Buffer, JWK, KeyObject', () => {
    const bytes = randomBytes(32);
    const secrets: KeyMaterial[] = [
      'h'.repeat(40),
      bytes,
      { kty: 'oct', k: bytes.toString('base64url') },
      createSecretKey(bytes),
    ];
    for (const secretKey of secrets) {
      for (const algorithm of ['HS256', 'HS384', 'HS512'] as const) {
        const one = new JwtManager({ algorithm, secretKey });
        const ring = new JwtManager({ algorithm, keys: [{ kid: 'a', secretKey }, { secretKey: 'z'.repeat(40) }] });
        expect(one.jwks()).toEqual({ keys: [] });
        expect(ring.jwks()).toEqual({ keys: [] });
        // The secrets really are in use: the managers sign and verify with them.
        expect(ring.decodeTokenSync(ring.createAccessTokenSync('me')).sub).toBe('me');
      }
    }
  });

  it('publishes nothing for HMAC secrets, one key or a keyring', () => {
    expect(new JwtManager({ secretKey: 'h'.repeat(40) }).jwks()).toEqual({ keys: [] });
    expect(new JwtManager({ keys: [{ kid: 'a', secretKey: 'h'.repeat(40) }] }).jwks()).toEqual({ keys: [] });
  });
});

/** A route the module's `defaultRoute` protects: proves the guard is on while the JWKS route stays public. */
@Controller()
class GuardedController {
  @Get('guarded')
  guarded() {
    return { ok: true };
  }
}

/** A NestJS app with the module's `jwks` option (and `defaultRoute`, so every other route needs a token). */
async function nestApp(
  platform: 'express' | 'fastify',
  jwt: JwtManager,
  jwks: JwtExtendedModuleOptions['jwks'] = true,
): Promise<TestApp> {
  const root: Type = class RootModule {};
  Module({
    imports: [JwtExtendedModule.forRoot(jwt, { jwks, defaultRoute: {} })],
    controllers: [GuardedController],
  })(root);
  const adapter = platform === 'express' ? new ExpressAdapter(express()) : new FastifyAdapter();
  const app = await NestFactory.create(root, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

describe.each([
  ['nestjs (express platform)', (jwt: JwtManager) => nestApp('express', jwt)],
  ['nestjs (fastify platform)', (jwt: JwtManager) => nestApp('fastify', jwt)],
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
    const nest = (manager: JwtManager, options: { maxAge: number }) =>
      JwtExtendedModule.forRoot(manager, { jwks: options });
    for (const make of [expressJwks, fastifyJwks, honoJwks, koaJwks, fetchJwks, nest]) {
      for (const maxAge of [-1, 1.5, Number.NaN]) {
        expect(() => make(jwt, { maxAge })).toThrow(JwtConfigError);
        expect(() => make(jwt, { maxAge })).toThrow('jwks maxAge must be a whole number of seconds >= 0');
      }
    }
    expect(() => JwtExtendedModule.forRoot(jwt, { jwks: { path: 'jwks.json' } })).toThrow(
      'jwks.path must be a path such as "/.well-known/jwks.json"',
    );
    expect(() => JwtExtendedModule.forRootAsync({ useFactory: () => jwt, jwks: { maxAge: -1 } })).toThrow(
      JwtConfigError,
    );
    expect(jwksResponse(jwt, { maxAge: 0 }).headers['cache-control']).toBe('public, max-age=0');
  });
});

describe.each(['express', 'fastify'] as const)('nestjs (%s platform): the jwks option', (platform) => {
  it('takes a path and a max age; the route is public under defaultRoute, other routes are not', async () => {
    const jwt = new JwtManager({ algorithm: 'EdDSA', privateKey: generateKeyPairSync('ed25519').privateKey });
    const app = await nestApp(platform, jwt, { path: '/keys/jwks.json', maxAge: 60 });
    try {
      const response = await fetch(`${app.baseUrl}/keys/jwks.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=60');
      expect(await response.json()).toEqual(jwt.jwks());
      expect((await fetch(`${app.baseUrl}${JWKS_PATH}`)).status).toBe(404);
      const guarded = await fetch(`${app.baseUrl}/guarded`);
      expect([guarded.status, await guarded.json()]).toEqual([401, { msg: 'Missing Authorization Header' }]);
      const token = jwt.createAccessTokenSync('alice');
      expect((await fetch(`${app.baseUrl}/guarded`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        200,
      );
    } finally {
      await app.close();
    }
  });

  it('with jwks: false (the default), serves no JWKS route', async () => {
    const jwt = new JwtManager({ algorithm: 'EdDSA', privateKey: generateKeyPairSync('ed25519').privateKey });
    const app = await nestApp(platform, jwt, false);
    try {
      expect((await fetch(`${app.baseUrl}${JWKS_PATH}`)).status).toBe(404);
    } finally {
      await app.close();
    }
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
