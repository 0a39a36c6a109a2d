/**
 * Test helper: asserts that `fn` throws an instance of `type` with exactly `message` and, when
 * given, `code`. Returns the error for further checks.
 */
import { expect } from 'vitest';

export function expectThrow<E extends Error>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E,
  message: string | RegExp,
  code?: string,
): E {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected the call to throw').toBeInstanceOf(type);
  const error = caught as E;
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  if (code !== undefined) expect((error as E & { code?: unknown }).code).toBe(code);
  return error;
}
