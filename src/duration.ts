/**
 * Durations as users write them: seconds as a number, `false` for "never", or a short human
 * string such as `'15m'`.
 *
 * @module
 */
import { JwtConfigError } from './errors.js';

/** Seconds (number), a human string (`'90s'`, `'15m'`, `'12h'`, `'30d'`, `'2w'`), or `false` for never. */
export type Duration = number | `${number}${DurationUnit}` | false;

type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | ' ms' | ' s' | ' m' | ' h' | ' d' | ' w';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const HUMAN_DURATION = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/;

/**
 * Turns a {@link Duration} into seconds, or `false` for "never".
 *
 * flask-jwt-extended treats a zero delta as "no expiry" (`timedelta(0)` is falsy in Python), and so
 * does this function: `0` and `'0s'` give `false`. Negative values are kept (an already expired token).
 *
 * @example
 * ```ts
 * durationToSeconds('15m', 'accessTokenExpires') // 900
 * durationToSeconds(false, 'accessTokenExpires') // false
 * ```
 */
export function durationToSeconds(value: unknown, optionName: string): number | false {
  if (value === false) return false;
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const match = HUMAN_DURATION.exec(value);
    if (!match) throw invalidDuration(optionName);
    seconds = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
  } else {
    throw invalidDuration(optionName);
  }
  if (!Number.isFinite(seconds)) throw invalidDuration(optionName);
  return seconds === 0 ? false : seconds;
}

function invalidDuration(optionName: string): JwtConfigError {
  return new JwtConfigError(
    `${optionName} must be a number of seconds, a duration string such as '15m', '12h' or '30d', or false for never`,
  );
}
