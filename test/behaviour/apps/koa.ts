/** The behaviour suite's app on Koa 3. */
import Koa from 'koa';
import { koaAppFactory } from './koa-app.js';

/** The AppFactory for Koa 3. */
export const createKoaApp = koaAppFactory(Koa);
