/**
 * The signing engine: compact JWS on node:crypto `KeyObject`s bound to one algorithm each.
 *
 * @module
 */
export { ALGORITHMS, isAlgorithm, isAsymmetric } from './algorithms.js';
export { decodeBase64urlStrict, encodeBase64url } from './base64url.js';
export { parseCompactJws } from './compact.js';
export type { ParsedJws } from './compact.js';
export { engineFor, nodeCryptoEngine } from './engine.js';
export { JwsError } from './errors.js';
export type { JwsErrorCode } from './errors.js';
export type { EngineChoice, EngineKey, EngineParsedJws, JwsEngine } from './engine.js';
export { pythonCompatibleJson, sortedHeaderJson } from './json.js';
export { createKeyCache } from './key-cache.js';
export type { KeyCache, KeyCacheOptions } from './key-cache.js';
export { importSigningKey, importVerifyingKey } from './keys.js';
export type { BoundKey, JwkObject, KeyMaterial } from './keys.js';
export { signCompactJws } from './sign.js';
export { assertAlgorithmAllowed, verifyCompactJws } from './verify.js';
