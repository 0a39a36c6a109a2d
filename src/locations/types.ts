/**
 * The one shape every locator returns.
 *
 * @module
 */
import type { ResolvedConfig } from '../config.js';
import type { RequestView } from '../request-view.js';

/** A token found in the request, and the CSRF value to compare with its `csrf` claim (cookies only). */
export interface LocatedToken {
  /** The raw value; not always a string (a JSON body may carry a number), the decoder refuses those. */
  readonly token: unknown;
  readonly csrfValue: string | null;
}

/**
 * Finds a token in one location. Throws `NoAuthorizationError` when there is none (the only error
 * that lets the next location be tried) and any other error when what it found is malformed.
 */
export type Locator = (request: RequestView, config: ResolvedConfig, refresh: boolean) => LocatedToken;
