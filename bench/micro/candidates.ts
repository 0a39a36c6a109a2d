/** What one micro row is: something to call, or the reason there is nothing to call. */
import type { Alg } from './fixtures.js';

export type Op = 'sign' | 'verify';
/** `jwt-extended-previous`: the checkout given by `--baseline`, measured beside this one. */
export type Library = 'floor' | 'jwt-extended' | 'jwt-extended-previous' | 'fast-jwt' | 'jsonwebtoken' | 'jose';

export type Run = (() => unknown) | (() => Promise<unknown>);

export interface Candidate {
  /** Stable id used in the JSON summary, e.g. `HS256.verify.fast-jwt`. */
  id: string;
  alg: Alg;
  op: Op;
  library: Library;
  label: string;
  /** sign: returns a compact token; verify: returns the payload. */
  run?: Run;
  async?: boolean;
  /** Set instead of `run`: why the row cannot be measured (`not built yet`, `unsupported`, ...). */
  unavailable?: string;
  /** A row whose library cannot do this at all (not a harness failure). */
  unsupported?: boolean;
  /** Extra words for the docs (what exactly is measured). */
  note?: string;
  /**
   * Replaces the generic correctness check (payload out, tampered token refused) for rows whose
   * `run` does not return a payload, e.g. the request-pipeline rows. Throws when the row is wrong.
   */
  selfCheck?: () => void;
}
