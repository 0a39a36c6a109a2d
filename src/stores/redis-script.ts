/**
 * The one Lua script the Redis store writes with. A script makes "keep the later expiry / the
 * later cut-off" a single atomic step, which plain `SET ... EX` cannot (it would shorten a TTL)
 * and `EXPIRE ... GT` only can on Redis 7+.
 *
 * @module
 */

/**
 * `EVAL WIDEN_SCRIPT 1 key value ttlMs mode`
 *
 * - `ttlMs`: milliseconds, or an empty string to keep the key for good;
 * - `mode`: `"max"` keeps the larger of the stored and the new number (identity cut-offs),
 *   anything else stores `value` as is.
 *
 * The key's expiry never shrinks: a key kept for good stays so, a longer remaining life wins.
 *
 * @example
 * ```ts
 * await client.call('EVAL', WIDEN_SCRIPT, 1, 'jwt-extended:jti:j1', '1', 900_000, '');
 * ```
 */
export const WIDEN_SCRIPT = `
local value = ARGV[1]
local current = redis.call('GET', KEYS[1])
if ARGV[3] == 'max' and current then
  local stored = tonumber(current)
  if stored and stored > tonumber(value) then value = current end
end
local ttl = tonumber(ARGV[2])
local left = redis.call('PTTL', KEYS[1])
if left == -1 then
  ttl = nil
elseif ttl and left > ttl then
  ttl = left
end
if ttl then
  redis.call('SET', KEYS[1], value, 'PX', ttl)
else
  redis.call('SET', KEYS[1], value)
end
return 1
`;
