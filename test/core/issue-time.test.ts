/**
 * The time-ordered `jti` (a UUIDv7 carrying the issue millisecond) and reading it back. The
 * timestamp text is remembered for the last millisecond only, so a token of another millisecond,
 * including an earlier one after a later one, must still get its own.
 */
import { describe, expect, it } from 'vitest';
import { issueTimeOf, timeOrderedJti } from '../../src/issue-time.js';

const RANDOM = '3b241101-e2bb-4255-8caf-4136c566a962';

describe('timeOrderedJti', () => {
  it('writes the millisecond in the first 48 bits, version 7, and keeps the random rest', () => {
    // 1 700 000 000 123 ms = 0x18bcfe5687b.
    expect(timeOrderedJti(1_700_000_000_123, RANDOM)).toBe('018bcfe5-687b-7255-8caf-4136c566a962');
    expect(timeOrderedJti(0, RANDOM)).toBe('00000000-0000-7255-8caf-4136c566a962');
  });

  it('gives each millisecond its own timestamp, in any order of calls', () => {
    const times = [1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124, 1_700_000_000_123, 1_900_000_000_000];
    for (const ms of times) {
      const jti = timeOrderedJti(ms, RANDOM);
      expect(parseInt(jti.slice(0, 8) + jti.slice(9, 13), 16)).toBe(ms);
      expect(jti.slice(14)).toBe('7255-8caf-4136c566a962');
    }
  });

  it('floors a fractional clock and falls back to the random UUID outside the 48-bit range', () => {
    expect(timeOrderedJti(1_700_000_000_123.9, RANDOM)).toBe('018bcfe5-687b-7255-8caf-4136c566a962');
    expect(timeOrderedJti(-1, RANDOM)).toBe(RANDOM);
    expect(timeOrderedJti(2 ** 48, RANDOM)).toBe(RANDOM);
    // The fallback leaves no stale timestamp behind for the next in-range call.
    expect(timeOrderedJti(1_700_000_000_124, RANDOM)).toBe('018bcfe5-687c-7255-8caf-4136c566a962');
  });

  it('is read back by issueTimeOf when it falls inside the iat second', () => {
    const jti = timeOrderedJti(1_700_000_000_250, RANDOM);
    expect(issueTimeOf({ iat: 1_700_000_000, jti })).toBe(1_700_000_000.25);
    expect(issueTimeOf({ iat: 1_700_000_001, jti })).toBe(1_700_000_001);
  });
});
