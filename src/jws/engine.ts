/**
 * The signing engine behind one small interface: the synchronous node:crypto engine for Node, Bun
 * and Deno, and the asynchronous WebCrypto engine for runtimes without node:crypto.
 *
 * @module
 */
import type { Algorithm, JwtHeader } from '../types.js';
import { parseCompactJws } from './compact.js';
import { importSigningKey, importVerifyingKey } from './keys.js';
import { nodeCrypto } from './node-crypto.js';
import { signCompactJws } from './sign.js';
import { verifyCompactJws } from './verify.js';
import { webCryptoEngine } from './webcrypto/index.js';

/**
 * A key as the core sees it: bound to one algorithm and one use. Each engine's keys carry their
 * own material (a `KeyObject`, a `CryptoKey`); a key only works with the engine that imported it.
 *
 * @example
 * ```ts
 * const key: EngineKey = engine.importVerifyingKey('RS256', publicPem, 'publicKey');
 * ```
 */
export interface EngineKey {
  readonly alg: Algorithm;
  readonly use: 'sign' | 'verify';
}

/**
 * A token taken apart by an engine, not yet trusted.
 *
 * @example
 * ```ts
 * const { header, payload }: EngineParsedJws = engine.parse(token, 8192);
 * ```
 */
export interface EngineParsedJws {
  readonly header: JwtHeader;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

/**
 * What the manager needs from a JWS implementation: import keys once (synchronously, so a wrong key
 * fails when the manager is created), sign, parse, verify. `sign` and `verify` return promises only
 * for an asynchronous engine (`async: true`); the node:crypto engine never allocates one.
 *
 * @example
 * ```ts
 * const engine: JwsEngine = nodeCryptoEngine;
 * const key = engine.importSigningKey('HS256', secret, 'secretKey');
 * const token = await engine.sign('{"alg":"HS256","typ":"JWT"}', '{"sub":"me"}', key);
 * ```
 */
export interface JwsEngine {
  /** `'node'` and `'webcrypto'` name the built-in engines; a plugged-in engine names itself. */
  readonly name: string;
  /** Whether `sign` and `verify` return promises. */
  readonly async: boolean;
  importSigningKey(alg: Algorithm, material: unknown, what?: string): EngineKey;
  importVerifyingKey(alg: Algorithm, material: unknown, what?: string): EngineKey;
  sign(headerJson: string, payloadJson: string, key: EngineKey): string | Promise<string>;
  parse(token: unknown, maxLength: number): EngineParsedJws;
  verify(parsed: EngineParsedJws, key: EngineKey): void | Promise<void>;
}

/**
 * The engine on node:crypto: synchronous, `KeyObject`s imported once, `timingSafeEqual` for HMAC.
 *
 * @example
 * ```ts
 * const parsed = nodeCryptoEngine.parse(token, 8192);
 * nodeCryptoEngine.verify(parsed, verifyingKey);
 * ```
 */
export const nodeCryptoEngine = Object.freeze({
  name: 'node' as const,
  async: false,
  importSigningKey,
  importVerifyingKey,
  sign: signCompactJws,
  parse: parseCompactJws,
  verify: verifyCompactJws,
}) satisfies JwsEngine;

/**
 * Which engine a manager signs and verifies with: `'node'` (synchronous, the fastest), `'webcrypto'`
 * (asynchronous, runs where node:crypto does not), or `'auto'`: node:crypto when the runtime has it,
 * WebCrypto otherwise.
 *
 * @example
 * ```ts
 * new JwtManager({ secretKey, engine: 'webcrypto' })
 * ```
 */
export type EngineChoice = 'auto' | 'node' | 'webcrypto';

/**
 * The engine for a choice; `undefined` when `'node'` is asked for where node:crypto is missing
 * (the configuration reports it).
 *
 * @example
 * ```ts
 * engineFor('auto').name // 'node' on Node, 'webcrypto' on a Worker without nodejs_compat
 * ```
 */
export function engineFor(choice: EngineChoice): JwsEngine | undefined {
  if (choice === 'webcrypto') return webCryptoEngine;
  if (nodeCrypto !== undefined) return nodeCryptoEngine as JwsEngine;
  return choice === 'auto' ? webCryptoEngine : undefined;
}
