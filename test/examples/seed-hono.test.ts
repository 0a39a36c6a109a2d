/**
 * The seed example on Hono answers exactly as the Express one: the same requests go to both
 * (same secret) and must get the same status, body and Set-Cookie lines (token values, which
 * differ by `jti` and `csrf`, are compared by their claims). `npm start` runs it with FRAMEWORK=hono.
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { expect, it } from 'vitest';
import { createSeedApp } from '../../examples/seed/app-hono.js';
import { createSeed } from '../../examples/seed/shared.js';
import {
  FIXTURE_TOKEN,
  INVALID_JSON_LOGIN,
  SEED_BODY,
  bearer,
  describeNpmStart,
  describeSeedParity,
  listen,
  quiet,
} from './seed-parity.js';

describeSeedParity(
  'seed example on Hono answers as the Express one',
  () => listen(createAdaptorServer({ fetch: createSeedApp(createSeed(quiet)).fetch }) as Server),
  ({ sendEach }) => {
    it('refuses invalid JSON with a 400, as express.json() does', async () => {
      const [fromExpress, fromHono] = await sendEach(INVALID_JSON_LOGIN);
      expect([fromHono.status, fromHono.text, fromExpress.status]).toEqual([400, 'Bad Request', 400]);
    });

    it('answers in-process through app.request() too', async () => {
      const app = createSeedApp(createSeed(quiet));
      const res = await app.request('/protected', { headers: bearer(FIXTURE_TOKEN) });
      expect([res.status, await res.json()]).toEqual([200, SEED_BODY]);
    });
  },
);

describeNpmStart('hono', 'Hono');
