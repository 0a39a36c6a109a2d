/**
 * How every adapter writes a callback's `JwtResponse.headers`, over real HTTP on 127.0.0.1: a
 * `Set-Cookie` line is appended after the ones the app set earlier (never replacing them), and
 * any other header replaces the app's value. The case: an `expiredTokenLoader` that also clears
 * the stale access cookie, behind a middleware that set a session cookie and a default header.
 */
import { type Server, createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express5, { type Express } from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { jwtRequired as expressJwtRequired } from '../../src/adapters/express.js';
import { jwtRequired as honoJwtRequired } from '../../src/adapters/hono.js';
import { jwtRequired as koaJwtRequired } from '../../src/adapters/koa.js';
import { JwtManager } from '../../src/index.js';
import { send } from '../behaviour/http.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express5;
const Koa2 = require('koa2') as typeof Koa;

const NOW_MS = Date.UTC(2030, 0, 1, 12, 0, 0);
const SESSION = 'session=abc; Path=/';
const CLEAR_ACCESS = 'access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/';

let now = NOW_MS;
const jwt = new JwtManager({
  secretKey: 'a-test-secret-for-response-headers',
  clock: () => now,
  expiredTokenLoader: () => ({
    status: 401,
    body: { msg: 'Token has expired' },
    headers: { 'Set-Cookie': CLEAR_ACCESS, 'X-Token-State': 'expired' },
  }),
});

/** An app whose first middleware sets a session cookie and `X-Token-State: unknown`. */
const APPS: Record<string, () => Server> = {
  express5: () => createServer(expressApp(express5)),
  express4: () => createServer(expressApp(express4)),
  hono: () => {
    const app = new Hono();
    app.use(async (c, next) => {
      c.header('Set-Cookie', SESSION, { append: true });
      c.header('X-Token-State', 'unknown');
      await next();
    });
    app.get('/p', honoJwtRequired(jwt), (c) => c.json({}));
    return createAdaptorServer({ fetch: app.fetch }) as Server;
  },
  koa3: () => createServer(koaApp(new Koa()).callback()),
  koa2: () => createServer(koaApp(new Koa2()).callback()),
};

function expressApp(express: typeof express5): Express {
  const app = express();
  app.use((_req, res, next) => {
    res.append('Set-Cookie', SESSION);
    res.setHeader('X-Token-State', 'unknown');
    next();
  });
  app.get('/p', expressJwtRequired(jwt), (_req, res) => void res.json({}));
  return app;
}

function koaApp(app: Koa): Koa {
  app.use(async (ctx, next) => {
    ctx.append('Set-Cookie', SESSION);
    ctx.set('X-Token-State', 'unknown');
    await next();
  });
  app.use(koaJwtRequired(jwt));
  app.use((ctx) => {
    ctx.body = {};
  });
  return app;
}

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a callback response’s headers', () => {
  for (const [name, build] of Object.entries(APPS)) {
    it(`${name}: appends its Set-Cookie after the app's, and replaces any other header`, async () => {
      const base = await listen(build());
      now = NOW_MS;
      const token = await jwt.createAccessToken('alice');
      now = NOW_MS + 2 * 60 * 60 * 1000; // the default lifetime is 15 minutes
      const res = await send(base, { path: '/p', headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ msg: 'Token has expired' });
      expect(res.setCookie).toEqual([SESSION, CLEAR_ACCESS]);
      expect(res.headers['x-token-state']).toBe('expired');
    });
  }
});
