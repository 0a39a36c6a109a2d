/**
 * The seed example on NestJS 12 (examples/nestjs) answers exactly as the Express one, on both of
 * Nest's platforms: the same requests go to both apps (same secret) and must get the same status,
 * body and Set-Cookie lines, and the same hardening answers. `npm start` runs it with
 * FRAMEWORK=nestjs (Express platform) or FRAMEWORK=nestjs-fastify.
 */
import { createSeedApp } from '../../examples/nestjs/app.js';
import { describeSeedHardening } from './seed-hardening.js';
import { type StartSeedApp, describeNpmStart, describeSeedParity } from './seed-parity.js';

for (const platform of ['express', 'fastify'] as const) {
  const start: StartSeedApp = async (seed) => {
    const app = await createSeedApp(seed, platform);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  };
  describeSeedParity(`seed example on NestJS (${platform}) answers as the Express one`, start);
  describeSeedHardening(`seed example hardening on NestJS (${platform}), as on Express`, start);
}

describeNpmStart('nestjs', 'NestJS (Express platform)');
describeNpmStart('nestjs-fastify', 'NestJS (Fastify platform)');
