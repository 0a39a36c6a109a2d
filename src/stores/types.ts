/**
 * The revocation store contract, as the stores import it. It lives in the core's ports
 * (`src/ports.ts`): the core defines what it asks of a store, and the stores implement it.
 *
 * @module
 */
export type { OverRevocation, RefreshClaim, RevocationStore, TokenRecord, TtlSeconds } from '../ports.js';
