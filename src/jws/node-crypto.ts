/**
 * node:crypto when the runtime has it, through `process.getBuiltinModule` instead of a static
 * import: a static `import 'node:crypto'` fails to load at all where the module is missing
 * (Cloudflare Workers without the Node compatibility flag, Vercel's edge runtime), and the
 * package must load there to run on its WebCrypto engine.
 *
 * `process.getBuiltinModule` exists in Node >= 20.16 and >= 22.3, Bun, Deno 2 and workerd with
 * `nodejs_compat`; where it does not, the WebCrypto engine is chosen.
 *
 * @module
 */
import type * as NodeCryptoModule from 'node:crypto';

/** The node:crypto module's type. */
export type NodeCrypto = typeof NodeCryptoModule;

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

function load(): NodeCrypto | undefined {
  const process = (globalThis as { process?: ProcessWithBuiltins }).process;
  try {
    return process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined; // a runtime that lists the function but refuses the module
  }
}

/**
 * node:crypto, or undefined where the runtime has none.
 *
 * @example
 * ```ts
 * const engine = nodeCrypto === undefined ? webCryptoEngine : nodeCryptoEngine;
 * ```
 */
export const nodeCrypto: NodeCrypto | undefined = load();

/**
 * node:crypto for the node:crypto engine's modules: the real module, or an empty object where the
 * runtime has none (the engine is then never chosen, so its functions are never called).
 *
 * @example
 * ```ts
 * const { createHmac } = nodeCryptoOrEmpty;
 * ```
 */
export const nodeCryptoOrEmpty: NodeCrypto = nodeCrypto ?? ({} as NodeCrypto);

/**
 * Whether `x` is a node:crypto `KeyObject` (always false where the runtime has no node:crypto).
 *
 * @example
 * ```ts
 * isKeyObject(crypto.createSecretKey(bytes)) // true
 * ```
 */
export function isKeyObject(x: unknown): x is NodeCryptoModule.KeyObject {
  return nodeCrypto !== undefined && x instanceof nodeCrypto.KeyObject;
}

/**
 * Whether `x` is a WebCrypto `CryptoKey` of this runtime.
 *
 * @example
 * ```ts
 * isCryptoKey(await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])) // true
 * ```
 */
export function isCryptoKey(x: unknown): x is NodeCryptoModule.webcrypto.CryptoKey {
  const ctor = (globalThis as { CryptoKey?: abstract new () => object }).CryptoKey;
  return ctor !== undefined && x instanceof ctor;
}
