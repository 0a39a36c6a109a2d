/**
 * `decode_token`: parse, algorithm allow-list, key, signature, then every claim check.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import { type ClaimCheckOptions, checkClaims } from './claims.js';
import type { ResolvedConfig } from './config.js';
import { InvalidSignatureError, JwtConfigError, JwtDecodeError } from './errors.js';
import type { EngineKey, EngineParsedJws, JwsEngine } from './jws/index.js';
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
 * Decodes and verifies a token; returns a promise only when the key lookup is asynchronous (a
 * `decodeKeyLoader` returned a promise, or a remote key set is fetched), so the common path stays
 * synchronous.
 *
 * @example
 * ```ts
 * const { payload } = await decode(context, token, {})
 * ```
 */
export function decode(context: DecoderContext, token: unknown, options: DecodeOptions): MaybePromise<DecodedToken> {
  const parsed = context.config.engine.parse(token, context.config.maxTokenSize);
  const keys = context.keys.verifyingKeysFor(parsed);
  if (isPromiseLike<readonly EngineKey[]>(keys)) {
    return Promise.resolve(keys).then((resolved) => finish(context, parsed, resolved, options));
  }
  return finish(context, parsed, keys, options);
}

/**
 * {@link decode} for callers that cannot await: throws a {@link JwtConfigError} if the
 * `decodeKeyLoader` is asynchronous, or the engine is (WebCrypto).
 *
 * @example
 * ```ts
 * const { payload } = decodeSync(context, token, {})
 * ```
 */
export function decodeSync(context: DecoderContext, token: unknown, options: DecodeOptions): DecodedToken {
  if (context.config.engine.async) {
    throw new JwtConfigError(
      'the WebCrypto engine verifies asynchronously: use the async decodeToken() instead of decodeTokenSync()',
    );
  }
  const result = decode(context, token, options);
  if (isPromiseLike(result)) {
    Promise.resolve(result).catch(() => undefined);
    throw new JwtConfigError(
      'the key lookup is asynchronous (a decodeKeyLoader returned a promise, or the remote JWKS is not cached yet): use the async decodeToken() instead of decodeTokenSync()',
    );
  }
  return result;
}

/**
 * flask `get_jti`: the `jti` of a verified token. Needs a synchronous engine (the WebCrypto one
 * verifies asynchronously: decode with `decode` instead).
 *
 * @example
 * ```ts
 * const jti = jtiOf(decoder, token)
 * ```
 */
export function jtiOf(context: DecoderContext, token: string): string | null {
  if (context.config.engine.async) {
    throw new JwtConfigError(
      'the WebCrypto engine verifies asynchronously: use (await jwt.decodeToken(token)).jti instead of getJti()',
    );
  }
  return decodeSync(context, token, {}).payload.jti;
}

/**
 * flask `get_csrf_token`: the `csrf` claim of a verified token.
 *
 * @example
 * ```ts
 * const csrf = csrfTokenOf(decoder, token)
 * ```
 */
export function csrfTokenOf(context: DecoderContext, token: string): string {
  const csrf = decodeSync(context, token, {}).payload.csrf;
  if (typeof csrf !== 'string') throw new JwtDecodeError('Missing claim: csrf');
  return csrf;
}

function finish(
  context: DecoderContext,
  parsed: EngineParsedJws,
  keys: readonly EngineKey[],
  options: DecodeOptions,
): MaybePromise<DecodedToken> {
  const engine = context.config.engine;
  // Only an asynchronous engine returns a promise: the node:crypto path allocates no closure.
  if (engine.async) return verifyWithAnyAsync(engine, parsed, keys).then(() => checked(context, parsed, options));
  verifyWithAny(engine, parsed, keys);
  return checked(context, parsed, options);
}

function checked(context: DecoderContext, parsed: EngineParsedJws, options: DecodeOptions): DecodedToken {
  const claimOptions: ClaimCheckOptions = options;
  return { header: parsed.header, payload: checkClaims(parsed.header, parsed.payload, context.config, claimOptions) };
}

/**
 * Verifies with the first key (nearly always the only one); a token without `kid` may have a few
 * candidates of its algorithm, tried in order. No candidate at all is a bad signature.
 */
function verifyWithAny(engine: JwsEngine, parsed: EngineParsedJws, keys: readonly EngineKey[]): void {
  const last = keys.length - 1;
  if (last < 0) throw new InvalidSignatureError('Signature verification failed');
  for (let i = 0; i < last; i++) {
    try {
      engine.verify(parsed, keys[i] as EngineKey);
      return;
    } catch {
      // Try the next candidate; the last one's error is the answer.
    }
  }
  engine.verify(parsed, keys[last] as EngineKey);
}

/** {@link verifyWithAny} on an asynchronous engine: the candidates in order, one at a time. */
async function verifyWithAnyAsync(
  engine: JwsEngine,
  parsed: EngineParsedJws,
  keys: readonly EngineKey[],
): Promise<void> {
  const last = keys.length - 1;
  if (last < 0) throw new InvalidSignatureError('Signature verification failed');
  for (let i = 0; i < last; i++) {
    try {
      await engine.verify(parsed, keys[i] as EngineKey);
      return;
    } catch {
      // Try the next candidate; the last one's error is the answer.
    }
  }
  await engine.verify(parsed, keys[last] as EngineKey);
}
