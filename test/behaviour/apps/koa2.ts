/**
 * The behaviour suite's app on Koa 2 (the `koa2` alias of koa@2). koa@2 ships no types; its API
 * is the one Koa 3's types describe for everything the app uses, so it is loaded with those.
 */
import { createRequire } from 'node:module';
import type Koa from 'koa';
import { koaAppFactory } from './koa-app.js';

const Koa2 = createRequire(import.meta.url)('koa2') as typeof Koa;

/** The AppFactory for Koa 2. */
export const createKoa2App = koaAppFactory(Koa2);
