/**
 * The contract's Hono app, listed a second time in frameworks.ts with `engine: 'webcrypto'`: the
 * app is the same, the managers the suite hands it sign and verify on the WebCrypto engine.
 */
import type { AppFactory } from '../app-contract.js';
import { createHonoApp } from './hono.js';

/** The AppFactory for Hono on the WebCrypto engine (the engine comes from the manager). */
export const createHonoWebCryptoApp: AppFactory = (jwt) => {
  if (jwt.config.engine.name !== 'webcrypto') {
    return Promise.reject(new Error('hono-webcrypto expects a manager created with engine: "webcrypto"'));
  }
  return createHonoApp(jwt);
};
