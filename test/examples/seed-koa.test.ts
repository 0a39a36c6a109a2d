/**
 * The seed example on Koa answers exactly as the Express one: the same requests go to both
 * (same secret) and must get the same status, body and Set-Cookie lines (token values, which
 * differ by `jti` and `csrf`, are compared by their claims). `npm start` runs it with FRAMEWORK=koa.
 */
import { createServer } from 'node:http';
import { createSeedApp } from '../../examples/seed/app-koa.js';
import { describeSeedHardening } from './seed-hardening.js';
import { type StartSeedApp, describeNpmStart, describeSeedParity, listen } from './seed-parity.js';

const startKoa: StartSeedApp = async (seed) => listen(createServer(createSeedApp(seed).callback()));

describeSeedParity('seed example on Koa answers as the Express one', startKoa);

describeSeedHardening('seed example hardening on Koa, as on Express', startKoa);

describeNpmStart('koa', 'Koa');
