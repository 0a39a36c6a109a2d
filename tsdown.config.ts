import { defineConfig } from 'tsdown';

/**
 * One entry per public subpath; ESM and CommonJS with declarations for both.
 *
 * `unbundle` mirrors `src/` in `dist/` (dist/manager.mjs, dist/manager.d.mts, ...): go-to-definition
 * in an editor lands in a file named after its module, not in a hashed shared chunk, and a stack
 * trace names the file the code lives in.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    context: 'src/context.ts',
    'adapters/express': 'src/adapters/express.ts',
    'adapters/fetch': 'src/adapters/fetch.ts',
    'adapters/fastify': 'src/adapters/fastify.ts',
    'adapters/hono': 'src/adapters/hono.ts',
    'adapters/koa': 'src/adapters/koa.ts',
    'adapters/nestjs': 'src/adapters/nestjs.ts',
    'kit/index': 'src/kit/index.ts',
    'stores/index': 'src/stores/index.ts',
    'stores/memory': 'src/stores/memory.ts',
    'stores/redis': 'src/stores/redis.ts',
  },
  unbundle: true,
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  // Frameworks, their type packages and Redis stay imports: the declarations must not inline a
  // copy of `@types/express-serve-static-core` (it would declare the global Express namespace twice).
  external: [/^node:/, /^express/, /^@types\//, /^fastify/, /^hono/, /^koa/, /^@koa\//, /^@nestjs\//, 'ioredis'],
});
