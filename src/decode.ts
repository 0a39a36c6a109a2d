/**
 * `decode_token`: parse, algorithm allow-list, key, signature, then every claim check.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import { type ClaimCheckOptions, checkClaims } from './claims.js';
import type { ResolvedConfig } from './config.js';
import { JwtConfigError } from './errors.js';
import {
  type BoundKey,
  type KeyMaterial,
  type ParsedJws,
  assertAlgorithmAllowed,
  nodeCryptoEngine,
} from './jws/index.js';
import type { Keyring } from './keyring.js';
import { isPromiseLike } from './internal/promise.js';
import type { JwtHeader, JwtPayload, MaybePromise } from './types.js';

/** Options of `decodeToken` (flask's keyword arguments). */
export interface DecodeOptions {
  /** The CSRF value to compare with the token's `csrf` claim. */
  csrfValue?: string | null;
  /** Accept an expired token (e.g. to read who it belonged to). */
  allowExpired?: boolean;
}

/** A verified token: its header and its payload with flask's defaults filled. */
export interface DecodedToken {
  readonly header: JwtHeader;
  readonly payload: JwtPayload;
}

/** What the decoder needs from its manager. */
export interface DecoderContext {
  readonly config: ResolvedConfig;
  readonly keys: Keyring;
  readonly allowedAlgorithms: ReadonlySet<ResolvedConfig['algorithm']>;
  readonly callbacks: Pick<ManagerCallbacks<never, unknown, unknown, unknown>, 'decodeKeyLoader'>;
}

/**
 * Decodes and verifies a token; returns a promise only when a `decodeKeyLoader` returned one, so
 * the common path stays synchronous.
 *
 * @example
 * ```ts
 * const { payload } = await decode(context, token, {})
 * ```
 */
export function decode(context: DecoderContext, token: unknown, options: DecodeOptions): MaybePromise<DecodedToken> {
  const parsed = nodeCryptoEngine.parse(token, context.config.maxTokenSize);
  const loader = context.callbacks.decodeKeyLoader;
  if (!loader) {
    const alg = assertAlgorithmAllowed(parsed.header, context.allowedAlgorithms);
    return finish(context, parsed, context.keys.verifyingKeys.get(alg) as BoundKey, options);
  }
  // flask hands the loader the unverified header and payload (for `kid`, `iss`, tenant lookups).
  const material = loader(parsed.header, parsed.payload as JwtPayload);
  if (isPromiseLike<KeyMaterial>(material)) {
    return Promise.resolve(material).then((resolved) => finishWithLoadedKey(context, parsed, resolved, options));
  }
  return finishWithLoadedKey(context, parsed, material, options);
}

/**
 * {@link decode} for callers that cannot await: throws a {@link JwtConfigError} if the
 * `decodeKeyLoader` is asynchronous.
 *
 * @example
 * ```ts
 * const { payload } = decodeSync(context, token, {})
 * ```
 */
export function decodeSync(context: DecoderContext, token: unknown, options: DecodeOptions): DecodedToken {
  const result = decode(context, token, options);
  if (isPromiseLike(result)) {
    Promise.resolve(result).catch(() => undefined);
    throw new JwtConfigError(
      'decodeKeyLoader returned a promise: use the async decodeToken() instead of decodeTokenSync()',
    );
  }
  return result;
}

function finishWithLoadedKey(
  context: DecoderContext,
  parsed: ParsedJws,
  material: KeyMaterial,
  options: DecodeOptions,
): DecodedToken {
  const alg = assertAlgorithmAllowed(parsed.header, context.allowedAlgorithms);
  return finish(context, parsed, context.keys.verifyingKeyFrom(alg, material), options);
}

function finish(context: DecoderContext, parsed: ParsedJws, key: BoundKey, options: DecodeOptions): DecodedToken {
  nodeCryptoEngine.verify(parsed, key);
  const claimOptions: ClaimCheckOptions = options;
  return { header: parsed.header, payload: checkClaims(parsed.header, parsed.payload, context.config, claimOptions) };
}
