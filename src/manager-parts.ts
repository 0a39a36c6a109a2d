/**
 * Assembles the manager's parts from its validated configuration, once, at construction: the
 * keyring, the token factory, the decoder, revocation, the optional verified-token cache and the
 * pipeline context over all of them. The facade (`manager.ts`) only holds what this returns, so
 * the wiring between parts lives in one place and nothing patches the pipeline afterwards.
 *
 * @module
 */
import type { ManagerCallbacks } from './callbacks.js';
import type { ResolvedConfig } from './config.js';
import { type DecodeOptions, type DecoderContext, decode } from './decode.js';
import { createTokenEncoder } from './encode.js';
import { type Keyring, createKeyring } from './keyring.js';
import type { JwtManagerOptions } from './options.js';
import { RevocationWiring } from './revocation.js';
import { type VerifiedTokenCache, createVerifiedTokenCache, withVerifiedTokenCache } from './token-cache.js';
import type { TokenFactoryContext } from './tokens.js';
import type { PipelineContext } from './verify.js';

/** What the facade delegates to: one part per job. */
export interface ManagerParts {
  readonly keys: Keyring;
  readonly tokens: TokenFactoryContext;
  readonly decoder: DecoderContext;
  readonly revocation: RevocationWiring;
  readonly tokenCache: VerifiedTokenCache | null;
  readonly pipeline: PipelineContext;
}

/**
 * Builds the parts over one configuration and one callback registry (the registry object is
 * shared, not copied: a loader registered later through `jwt.xxxLoader(fn)` is seen by every part).
 *
 * @example
 * ```ts
 * const parts = assembleParts(config, callbacks, options)
 * ```
 */
export function assembleParts(
  config: ResolvedConfig,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  callbacks: ManagerCallbacks<any, any, any, any>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  options: JwtManagerOptions<any, any, any, any>,
): ManagerParts {
  const registry = callbacks as ManagerCallbacks<never, unknown, unknown, unknown>;
  const keys = createKeyring(config, callbacks);
  const tokens: TokenFactoryContext = {
    config,
    callbacks: callbacks as TokenFactoryContext['callbacks'],
    keys,
    encoder: createTokenEncoder(config),
  };
  const decoder: DecoderContext = {
    config,
    keys,
    allowedAlgorithms: new Set(config.decodeAlgorithms),
    callbacks: registry,
  };
  const rotation = options.refreshTokenRotation === true;
  const revocation = new RevocationWiring(config, options.blocklist, rotation, options.refreshReuseInterval);
  const cacheOption = options.verifiedTokenCache;
  const tokenCache = cacheOption ? createVerifiedTokenCache(config, cacheOption === true ? {} : cacheOption) : null;
  const decodeToken = (token: unknown, o: DecodeOptions) => decode(decoder, token, o);
  const pipeline: PipelineContext = {
    config,
    callbacks: registry,
    decode: tokenCache === null ? decodeToken : withVerifiedTokenCache(tokenCache, decodeToken),
    revocation,
  };
  return { keys, tokens, decoder, revocation, tokenCache, pipeline };
}
