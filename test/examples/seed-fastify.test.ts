/**
 * The seed example on Fastify answers exactly as the Express one: the same requests go to both
 * (same secret) and must get the same status, body and Set-Cookie lines (token values, which
 * differ by `jti` and `csrf`, are compared by their claims). `npm start` runs it with FRAMEWORK=fastify.
 */
import { expect, it } from 'vitest';
import { createSeedApp } from '../../examples/seed/app-fastify.js';
import { describeSeedHardening } from './seed-hardening.js';
import {
  SEED_BODY,
  type StartSeedApp,
  TEST_CREDENTIALS,
  bearer,
  describeNpmStart,
  describeSeedParity,
  login,
  quietSeed,
} from './seed-parity.js';
import { send } from '../behaviour/http.js';

const startFastify: StartSeedApp = async (seed) => {
  const app = await createSeedApp(seed);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
};

describeSeedParity('seed example on Fastify answers as the Express one', startFastify, () => {
  it('answers in-process through inject() too', async () => {
    const app = await createSeedApp(quietSeed());
    const login = await app.inject({ method: 'POST', url: '/login', payload: TEST_CREDENTIALS });
    const { access_token } = login.json() as { access_token: string };
    const answer = await app.inject({ url: '/protected', headers: bearer(access_token) });
    expect([answer.statusCode, answer.json()]).toEqual([200, SEED_BODY]);
    await app.close();
  });
});

describeSeedHardening('seed example hardening on Fastify, as on Express', startFastify);

describeNpmStart('fastify', 'Fastify', {
  askProtected: async (url) => {
    const { access_token } = (await login(url, TEST_CREDENTIALS)).json as { access_token: string };
    return send(url, { path: '/protected', headers: bearer(access_token) });
  },
});
