/**
 * Test helper: the engine throws one class, `JwsError`, with a code. These stand-ins let a test
 * say which code it expects where it would name a class (`toThrow(Malformed)`,
 * `expectThrow(fn, UnusableKey, message)`): each matches a `JwsError` of its code only, so a
 * wrong code fails the test as a wrong class would.
 */
import { JwsError, type JwsErrorCode } from '../../src/jws/index.js';

function ofCode(code: JwsErrorCode) {
  return class extends JwsError {
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof JwsError && value.code === code;
    }
  };
}

/** `JwsError` `malformed` (the core answers it as `JwtDecodeError`). */
export const Malformed = ofCode('malformed');
/** `JwsError` `signature` (the core answers it as `InvalidSignatureError`). */
export const BadSignature = ofCode('signature');
/** `JwsError` `algorithm` (the core answers it as `InvalidAlgorithmError`). */
export const AlgorithmNotAllowed = ofCode('algorithm');
/** `JwsError` `key` (the core answers it as `JwtConfigError`). */
export const UnusableKey = ofCode('key');
/** `JwsError` `encode` (the core answers it as `JwtEncodeError`). */
export const Unencodable = ofCode('encode');
