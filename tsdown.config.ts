import { defineConfig } from 'tsdown';

/** One entry per public subpath; ESM and CommonJS with declarations for both. */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    context: 'src/context.ts',
    'adapters/express': 'src/adapters/express.ts',
    'adapters/fastify': 'src/adapters/fastify.ts',
    'adapters/hono': 'src/adapters/hono.ts',
    'adapters/koa': 'src/adapters/koa.ts',
    stores: 'src/stores/index.ts',
    'stores/memory': 'src/stores/memory.ts',
    'stores/redis': 'src/stores/redis.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  external: [/^node:/, 'express', 'fastify', 'hono', /^hono\//, 'koa', 'ioredis'],
});
