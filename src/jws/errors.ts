/**
 * The engine's own errors: one class, five codes. The engine knows nothing of flask or of the
 * manager's error table; the core maps each code to its flask/PyJWT error class in one place
 * (`src/engine-boundary.ts`), keeping the message, so clients get the same bytes as before.
 *
 * @module
 */

/**
 * What went wrong, as the engine sees it:
 * - `malformed`: the token cannot be taken apart (segments, padding, JSON, header fields);
 * - `signature`: the signature does not verify with the key;
 * - `algorithm`: the token's `alg` is not one the caller allows;
 * - `key`: key material that cannot be used for this algorithm or this use;
 * - `encode`: a header or payload that cannot be serialised, or a verifying key given to sign.
 */
export type JwsErrorCode = 'malformed' | 'signature' | 'algorithm' | 'key' | 'encode';

/**
 * An error raised by a signing engine. A second engine throws these too, with the same codes and
 * the PyJWT wording of the node:crypto engine, so the core answers clients the same either way.
 *
 * @example
 * ```ts
 * throw new JwsError('malformed', 'Not enough segments')
 * ```
 */
export class JwsError extends Error {
  /** What went wrong (see {@link JwsErrorCode}). */
  readonly code: JwsErrorCode;

  constructor(code: JwsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwsError';
    this.code = code;
  }
}
