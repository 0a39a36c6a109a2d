/**
 * Random UUIDs for `jti`, `csrf` and refresh-token families, from node:crypto where the runtime has
 * it (its batched generator) and from WebCrypto elsewhere: no static node:crypto import, so the
 * core loads in runtimes without it.
 *
 * @module
 */
import { nodeCrypto } from '../jws/node-crypto.js';

/**
 * A random (version 4) UUID.
 *
 * @example
 * ```ts
 * const jti = randomUUID(); // '2f1c...'
 * ```
 */
export const randomUUID: () => string =
  nodeCrypto?.randomUUID ?? ((): string => (globalThis.crypto as { randomUUID(): string }).randomUUID());
