/**
 * The behaviour suite's app on Express 4, installed as the `express4` alias package (it ships no
 * types; its API is the subset of Express 5's that the builder uses).
 */
import { createRequire } from 'node:module';
import { type ExpressModule, expressAppFactory } from './express-app.js';

const express4 = createRequire(import.meta.url)('express4') as ExpressModule;

/** The AppFactory for Express 4. */
export const createExpress4App = expressAppFactory(express4);
