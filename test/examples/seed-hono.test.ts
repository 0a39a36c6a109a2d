/**
 * The seed example on Hono answers exactly as the Express one: the same requests go to both
 * (same secret) and must get the same status, body and Set-Cookie lines (token values, which
 * differ by `jti` and `csrf`, are compared by their claims). `npm start` runs it with FRAMEWORK=hono.
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { expect, it } from 'vitest';
import { createSeedApp } from '../../examples/seed/app-hono.js';
import { describeSeedHardening } from './seed-hardening.js';
import {
  FIXTURE_TOKEN,
  SEED_BODY,
  type StartSeedApp,
  bearer,
  describeNpmStart,
  describeSeedParity,
  listen,
  quietSeed,
} from './seed-parity.js';

const startHono: StartSeedApp = async (seed) =>
  listen(createAdaptorServer({ fetch: createSeedApp(seed).fetch }) as Server);

describeSeedParity('seed example on Hono answers as the Express one', startHono, () => {
  it('answers in-process through app.request() too', async () => {
    const app = createSeedApp(quietSeed());
    const res = await app.request('/protected', { headers: bearer(FIXTURE_TOKEN) });
    expect([res.status, await res.json()]).toEqual([200, SEED_BODY]);
  });
});

describeSeedHardening('seed example hardening on Hono, as on Express', startHono);

describeNpmStart('hono', 'Hono');
