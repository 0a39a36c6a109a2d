/**
 * `npm start`: runs the seed example (the web page and the JSON API) on one framework.
 *
 * ```sh
 * JWT_SECRET_KEY=$(openssl rand -hex 32) PORT=5000 FRAMEWORK=express npm start
 * ```
 *
 * PORT defaults to 5000, HOST to 127.0.0.1 and FRAMEWORK to `express`. The users live in SQLite:
 * `DATABASE` (default `examples/.data/users.sqlite`, created and seeded on first start).
 */
import type { SeedServerModule } from './seed/shared.js';

/** FRAMEWORK name -> the example module that starts the seed app on it. */
const SEED_APPS: Readonly<Record<string, string>> = {
  express: './seed/app-express.js',
  fastify: './seed/app-fastify.js',
  hono: './seed/app-hono.js',
  koa: './seed/app-koa.js',
  nestjs: './nestjs/express.js',
  'nestjs-fastify': './nestjs/fastify.js',
};

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const framework = process.env.FRAMEWORK || 'express';
const modulePath = Object.hasOwn(SEED_APPS, framework) ? SEED_APPS[framework] : undefined;
if (modulePath === undefined) {
  fail(`Unknown FRAMEWORK "${framework}". Known frameworks: ${Object.keys(SEED_APPS).join(', ')}.`);
}
const port = Number(process.env.PORT || 5000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`PORT must be a port number (0-65535), not "${process.env.PORT}".`);
}

const { startSeedServer } = (await import(modulePath)) as SeedServerModule;
const server = await startSeedServer(port, process.env.HOST || '127.0.0.1');
const account = server.seed.users.demoAccount();
console.log(`Seed example (${framework}) listening on ${server.url}`);
console.log(`Users: SQLite at ${server.seed.users.location}; revocations and login counters: ${server.seed.store}`);
if (account !== null) console.log(`Log in as "${account.username}" with the password "${account.password}"`);
