/**
 * The signing engine behind one small interface, so runtimes without node:crypto (edge runtimes)
 * can later get a WebCrypto engine while Node keeps this synchronous one.
 *
 * @module
 */
import type { Algorithm } from '../types.js';
import { parseCompactJws } from './compact.js';
import type { ParsedJws } from './compact.js';
import { importSigningKey, importVerifyingKey } from './keys.js';
import type { BoundKey, KeyMaterial } from './keys.js';
import { signCompactJws } from './sign.js';
import { verifyCompactJws } from './verify.js';

/**
 * What the manager needs from a JWS implementation: import keys once, sign, parse, verify.
 * Every method has the contract of the function of the same name in `src/jws/`.
 *
 * @example
 * ```ts
 * const engine: JwsEngine = nodeCryptoEngine;
 * const key = engine.importSigningKey('HS256', secret, 'secretKey');
 * const token = engine.sign('{"alg":"HS256","typ":"JWT"}', '{"sub":"me"}', key);
 * ```
 */
export interface JwsEngine {
  importSigningKey(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey;
  importVerifyingKey(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey;
  sign(headerJson: string, payloadJson: string, key: BoundKey): string;
  parse(token: unknown, maxLength: number): ParsedJws;
  verify(parsed: ParsedJws, key: BoundKey): void;
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
export const nodeCryptoEngine: JwsEngine = Object.freeze({
  importSigningKey,
  importVerifyingKey,
  sign: signCompactJws,
  parse: parseCompactJws,
  verify: verifyCompactJws,
});
