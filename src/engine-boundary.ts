/**
 * Where the core meets the signing engine. The engine throws its own {@link JwsError}s (five
 * codes, PyJWT's wording); this module is the one place that turns each code into the flask/PyJWT
 * error class the core answers clients with, keeping the message byte for byte. The engine a
 * manager uses is wrapped here once, at construction (`atBoundary`), and the few engine helpers
 * the core calls directly are re-exported here already mapped.
 *
 * @module
 */
import {
  InvalidAlgorithmError,
  InvalidSignatureError,
  JwtConfigError,
  JwtDecodeError,
  JwtEncodeError,
  type JwtExtendedError,
} from './errors.js';
import {
  JwsError,
  assertAlgorithmAllowed as engineAssertAlgorithmAllowed,
  importSigningKey as engineImportSigningKey,
  importVerifyingKey as engineImportVerifyingKey,
  pythonCompatibleJson as enginePythonCompatibleJson,
  sortedHeaderJson as engineSortedHeaderJson,
} from './jws/index.js';
import type { BoundKey, EngineKey, EngineParsedJws, JwsEngine, JwsErrorCode, KeyMaterial } from './jws/index.js';
import type { Algorithm, JwtHeader } from './types.js';

type CoreErrorClass = new (message: string, options?: { cause?: unknown }) => JwtExtendedError;

/** The one mapping: an engine error code to the flask/PyJWT class the error table knows. */
const CORE_ERRORS: Readonly<Record<JwsErrorCode, CoreErrorClass>> = Object.freeze({
  malformed: JwtDecodeError,
  signature: InvalidSignatureError,
  algorithm: InvalidAlgorithmError,
  key: JwtConfigError,
  encode: JwtEncodeError,
});

/**
 * The core's error for an engine error (same message, same cause); anything else unchanged.
 *
 * @example
 * ```ts
 * toCoreError(new JwsError('malformed', 'Not enough segments')) // JwtDecodeError: Not enough segments
 * ```
 */
export function toCoreError(error: unknown): unknown {
  if (!(error instanceof JwsError)) return error;
  const CoreError = CORE_ERRORS[error.code];
  return new CoreError(error.message, error.cause === undefined ? undefined : { cause: error.cause });
}

function rethrowAsCore(error: unknown): never {
  throw toCoreError(error);
}

/** A promise's rejection mapped; a plain value as it is (the synchronous engine allocates nothing). */
function settled<T>(result: T | Promise<T>): T | Promise<T> {
  return result instanceof Promise ? result.then(undefined, rethrowAsCore) : result;
}

/**
 * The engine as the core uses it: the same methods, each throwing (or rejecting with) the core's
 * errors. Called once per manager, on the engine its configuration selected or was given.
 *
 * @example
 * ```ts
 * const engine = atBoundary(nodeCryptoEngine)
 * engine.parse('x', 8192) // throws JwtDecodeError('Not enough segments')
 * ```
 */
export function atBoundary(engine: JwsEngine): JwsEngine {
  return Object.freeze({
    name: engine.name,
    async: engine.async,
    importSigningKey(alg, material, what): EngineKey {
      try {
        return engine.importSigningKey(alg, material, what);
      } catch (error) {
        return rethrowAsCore(error);
      }
    },
    importVerifyingKey(alg, material, what): EngineKey {
      try {
        return engine.importVerifyingKey(alg, material, what);
      } catch (error) {
        return rethrowAsCore(error);
      }
    },
    sign(headerJson, payloadJson, key) {
      try {
        return settled(engine.sign(headerJson, payloadJson, key));
      } catch (error) {
        return rethrowAsCore(error);
      }
    },
    parse(token, maxLength): EngineParsedJws {
      try {
        return engine.parse(token, maxLength);
      } catch (error) {
        return rethrowAsCore(error);
      }
    },
    verify(parsed, key) {
      try {
        return settled(engine.verify(parsed, key));
      } catch (error) {
        return rethrowAsCore(error);
      }
    },
  } satisfies JwsEngine);
}

// The helpers the core calls directly, each written out (no rest arguments: two of them run on
// every request).

/**
 * `jws.pythonCompatibleJson`, throwing `JwtEncodeError` for a value it cannot serialise.
 *
 * @example
 * ```ts
 * pythonCompatibleJson({ sub: 'me' }) // '{"sub": "me"}'
 * ```
 */
export function pythonCompatibleJson(value: unknown): string {
  try {
    return enginePythonCompatibleJson(value);
  } catch (error) {
    return rethrowAsCore(error);
  }
}

/**
 * `jws.sortedHeaderJson`, throwing `JwtEncodeError` for a header it cannot serialise.
 *
 * @example
 * ```ts
 * sortedHeaderJson({ typ: 'JWT', alg: 'HS256' }) // '{"alg":"HS256","typ":"JWT"}'
 * ```
 */
export function sortedHeaderJson(header: Record<string, unknown>): string {
  try {
    return engineSortedHeaderJson(header);
  } catch (error) {
    return rethrowAsCore(error);
  }
}

/**
 * `jws.assertAlgorithmAllowed`, throwing `InvalidAlgorithmError`.
 *
 * @example
 * ```ts
 * const alg = assertAlgorithmAllowed(parsed.header, allowed)
 * ```
 */
export function assertAlgorithmAllowed(
  header: JwtHeader,
  allowed: ReadonlySet<Algorithm> | readonly Algorithm[],
): Algorithm {
  try {
    return engineAssertAlgorithmAllowed(header, allowed);
  } catch (error) {
    return rethrowAsCore(error);
  }
}

/**
 * The node:crypto engine's signing-key import (keyrings and remote key sets are node:crypto
 * only), throwing `JwtConfigError`.
 *
 * @example
 * ```ts
 * const key = importSigningKey('HS256', secret, 'keys[0]')
 * ```
 */
export function importSigningKey(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey {
  try {
    return engineImportSigningKey(alg, material, what);
  } catch (error) {
    return rethrowAsCore(error);
  }
}

/**
 * The node:crypto engine's verifying-key import, throwing `JwtConfigError`.
 *
 * @example
 * ```ts
 * const key = importVerifyingKey('RS256', publicPem, 'publicKey')
 * ```
 */
export function importVerifyingKey(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey {
  try {
    return engineImportVerifyingKey(alg, material, what);
  } catch (error) {
    return rethrowAsCore(error);
  }
}
