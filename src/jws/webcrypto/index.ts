/**
 * The WebCrypto engine: the same JWS rules as the node:crypto engine on `crypto.subtle`, for
 * runtimes without node:crypto (Workers, edge runtimes). Asynchronous: signing and verifying
 * return promises.
 *
 * @module
 */
import { importWebSigningKey, importWebVerifyingKey } from './keys.js';
import { parseCompactJwsWeb } from './parse.js';
import { signCompactJwsWeb } from './sign.js';
import { verifyCompactJwsWeb } from './verify.js';

export { decodeBase64urlBytes, encodeBase64urlBytes } from './base64url.js';
export { importWebSigningKey, importWebVerifyingKey } from './keys.js';
export type { WebBoundKey, WebKeyMaterial } from './keys.js';
export { parseCompactJwsWeb } from './parse.js';
export type { WebParsedJws } from './parse.js';
export { signCompactJwsWeb } from './sign.js';
export { signatureShapeValid, verifyCompactJwsWeb } from './verify.js';

/**
 * The WebCrypto engine as one object, shaped like the node:crypto engine: import keys once (checked
 * synchronously, imported asynchronously), sign and verify asynchronously, parse synchronously.
 *
 * @example
 * ```ts
 * const key = webCryptoEngine.importSigningKey('HS256', secret, 'secretKey');
 * const token = await webCryptoEngine.sign('{"alg":"HS256","typ":"JWT"}', '{"sub":"me"}', key);
 * ```
 */
export const webCryptoEngine = Object.freeze({
  name: 'webcrypto' as const,
  async: true,
  importSigningKey: importWebSigningKey,
  importVerifyingKey: importWebVerifyingKey,
  sign: signCompactJwsWeb,
  parse: parseCompactJwsWeb,
  verify: verifyCompactJwsWeb,
});
