/**
 * The seed example on NestJS 12, on either of Nest's HTTP platforms: `JwtExtendedModule` over the
 * seed's manager, the routes as controllers (`seed.controller.ts`), and the same HTTP rules as the
 * Express and Fastify seed apps (security headers, JSON bodies of at most 16 KiB without
 * `__proto__` keys, JSON errors and 404s).
 *
 * ```sh
 * FRAMEWORK=nestjs npm start           # Nest on Express, http://127.0.0.1:5000
 * FRAMEWORK=nestjs-fastify npm start   # Nest on Fastify
 * ```
 */
import { type INestApplication, Module } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';
import { JwtExtendedModule } from 'jwt-extended/nestjs';
import { BODY_LIMIT_BYTES, parseJsonText, refuseDeclaredTooLarge, refuseProtoKeys } from '../seed/http-rules.js';
import { type Seed, type SeedServer, createSeed } from '../seed/shared.js';
import { SEED, seedControllers } from './seed.controller.js';
import { SeedExceptionFilter } from './seed.filter.js';

/** Nest's two HTTP platforms. */
export type Platform = 'express' | 'fastify';

/**
 * The seed app on Nest (initialised, not listening yet).
 *
 * @example
 * ```ts
 * const app = await createSeedApp(createSeed(), 'fastify')
 * await app.listen(5000, '127.0.0.1')
 * ```
 */
export async function createSeedApp(
  seed: Seed = createSeed(),
  platform: Platform = 'express',
): Promise<INestApplication> {
  @Module({
    imports: [JwtExtendedModule.forRoot(seed.jwt)],
    controllers: seedControllers(platform === 'express' ? 'nestjs' : 'nestjs-fastify'),
    providers: [{ provide: SEED, useValue: seed }],
  })
  class SeedModule {}

  const adapter = platform === 'express' ? expressPlatform(seed) : fastifyPlatform(seed);
  // The body parsers are the platform's, set up below as the seed's other apps have them.
  const app = await NestFactory.create(SeedModule, adapter, { bodyParser: false, logger: ['error', 'warn'] });
  app.useGlobalFilters(new SeedExceptionFilter(app.get(HttpAdapterHost)));
  app.enableShutdownHooks();
  return app.init();
}

function expressPlatform(seed: Seed): ExpressAdapter {
  const server = express();
  server.disable('x-powered-by');
  server.use((req, res, next) => {
    res.set(seed.headers);
    // A declared oversized body, of any type: 413 before anything reads it.
    const refused = refuseDeclaredTooLarge(req.headers['content-length']);
    if (refused === null) return next();
    res.status(refused.status).set(refused.headers).json(refused.body);
  });
  // JSON bodies only, at most BODY_LIMIT_BYTES (413 beyond), no `__proto__` keys; parse errors
  // reach Nest's exception layer, where the seed's filter answers them.
  server.use(express.json({ limit: BODY_LIMIT_BYTES, strict: false, reviver: refuseProtoKeys }));
  return new ExpressAdapter(server);
}

function fastifyPlatform(seed: Seed): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
  const app = adapter.getInstance();
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(seed.headers);
    // A declared oversized body, of any type: 413 before any route or parser reads it.
    const refused = refuseDeclaredTooLarge(request.headers['content-length']);
    if (refused !== null)
      return reply
        .code(refused.status)
        .headers(refused.headers ?? {})
        .send(refused.body);
  });
  // JSON as the other platforms read it: an empty body is no body, a `__proto__` key is refused;
  // other content types are never read (Fastify's own text/plain parser would read them).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, parseJsonText(text as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  return adapter;
}

/**
 * Starts the seed app on Nest (what `npm start` runs with `FRAMEWORK=nestjs` or `nestjs-fastify`).
 *
 * @example
 * ```ts
 * const server = await startSeedServer(5000, '127.0.0.1', createSeed(), 'express')
 * ```
 */
export async function startSeedServer(
  port: number,
  host = '127.0.0.1',
  seed = createSeed(),
  platform: Platform = 'express',
): Promise<SeedServer> {
  const app = await createSeedApp(seed, platform);
  await app.listen(port, host);
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://${host}:${address.port}`,
    seed,
    close: async () => {
      await app.close();
      await seed.close();
    },
  };
}
