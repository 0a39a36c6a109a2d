/**
 * The one Lua script the Redis store writes with. A script makes "keep the later expiry / the
 * later cut-off" a single atomic step, which plain `SET ... EX` cannot (it would shorten a TTL)
 * and `EXPIRE ... GT` only can on Redis 7+.
 *
 * @module
 */

/**
 * `EVAL WIDEN_SCRIPT 1 key value ttlMs mode channel`
 *
 * - `ttlMs`: milliseconds, or an empty string to keep the key for good;
 * - `mode`: `"max"` keeps the larger of the stored and the new number (identity cut-offs),
 *   anything else stores `value` as is.
 *
 * The key's expiry never shrinks: a key kept for good stays so, a longer remaining life wins.
 * With a `channel`, the key's name is published there in the same atomic step, so near-caches
 * (see redis-near-cache.ts) drop their copy: no write is visible without its invalidation.
 *
 * @example
 * ```ts
 * await client.call('EVAL', WIDEN_SCRIPT, 1, 'jwt-extended:jti:j1', '1', 900_000, '', 'jwt-extended:invalidate');
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
if ARGV[4] and ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], KEYS[1]) end
return 1
`;

/**
 * `EVAL RECOVER_SCRIPT 1 epochKey cutoff channel`: run when the epoch key is missing, i.e. Redis holds
 * none of our history (a new Redis, a restart without persistence, `FLUSHALL`, a failover to an
 * empty replica, an evicted key). Creates the key with `cutoff` (the global cut-off: every token
 * issued before it is refused, since anything may have been revoked in the data that is gone),
 * unless another process did so first. Returns `{created, cutoff in force}`.
 *
 * @example
 * ```ts
 * const [created, cutoff] = await client.call('EVAL', RECOVER_SCRIPT, 1, 'jwt-extended:epoch', '1900000000.0005');
 * ```
 */
export const RECOVER_SCRIPT = `
local created = redis.call('SET', KEYS[1], ARGV[1], 'NX')
if created and ARGV[2] and ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], KEYS[1]) end
return { created and 1 or 0, redis.call('GET', KEYS[1]) }
`;

/**
 * `EVAL CLAIM_SCRIPT 2|3 epochKey usedKey [latestKey] ttlMs intervalMs jti`: the refresh claim.
 *
 * - the epoch key is missing: `'lost'` (the caller recovers, see {@link RECOVER_SCRIPT});
 * - first use: writes `usedKey` = Redis' own time in ms (one clock for every process) and, with
 *   a family, `latestKey` = this jti; `'first'`;
 * - used less than `intervalMs` ago and still the family's latest used token: `'repeat'`;
 * - otherwise `'reuse'`.
 *
 * `ttlMs` is milliseconds or an empty string for "keep for good".
 *
 * @example
 * ```ts
 * await client.call('EVAL', CLAIM_SCRIPT, 3, epochKey, 'p:used:r1', 'p:latest:f1', 86_400_000, 10_000, 'r1');
 * ```
 */
export const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'lost' end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local used = redis.call('GET', KEYS[2])
if used then
  local latest = KEYS[3] and redis.call('GET', KEYS[3])
  if now - tonumber(used) < tonumber(ARGV[2]) and (not latest or latest == ARGV[3]) then return 'repeat' end
  return 'reuse'
end
local ttl = tonumber(ARGV[1])
for i = 2, #KEYS do
  local value = i == 2 and tostring(now) or ARGV[3]
  if ttl then redis.call('SET', KEYS[i], value, 'PX', ttl) else redis.call('SET', KEYS[i], value) end
end
return 'first'
`;
