/**
 * The seed example on Koa answers exactly as the Express one: the same requests go to both
 * (same secret) and must get the same status, body and Set-Cookie lines (token values, which
 * differ by `jti` and `csrf`, are compared by their claims). `npm start` runs it with FRAMEWORK=koa.
 */
import { createServer } from 'node:http';
import { expect, it } from 'vitest';
import { createSeedApp } from '../../examples/seed/app-koa.js';
import { createSeed } from '../../examples/seed/shared.js';
import { INVALID_JSON_LOGIN, describeNpmStart, describeSeedParity, listen, quiet } from './seed-parity.js';

const koaErrors: unknown[] = [];

describeSeedParity(
  'seed example on Koa answers as the Express one',
  () => {
    const app = createSeedApp(createSeed(quiet));
    // Koa's own log of client errors (the invalid-JSON 400 below) goes here instead of stderr.
    app.on('error', (error: unknown) => koaErrors.push(error));
    return listen(createServer(app.callback()));
  },
  ({ sendEach }) => {
    it('refuses invalid JSON with a 400, as express.json() does', async () => {
      const [fromExpress, fromKoa] = await sendEach(INVALID_JSON_LOGIN);
      expect([fromKoa.status, fromExpress.status]).toEqual([400, 400]);
      expect(koaErrors).toEqual([expect.objectContaining({ status: 400, name: 'SyntaxError' })]);
    });
  },
);

describeNpmStart('koa', 'Koa');
