/**
 * The Lua scripts the Redis store runs. A script makes each step atomic: "keep the later expiry /
 * the later cut-off" (which plain `SET ... EX` cannot do: it would shorten a TTL), a refresh claim
 * across every process, and a write together with the history counter and the invalidation that
 * announce it.
 *
 * Keys the scripts share (after the store's prefix): `epoch` (the global cut-off, kept for good:
 * its absence means Redis lost our data), `seq` (revocation writes counted, see
 * redis-history.ts) and `evicted` (the server's `evicted_keys` as last acknowledged, see
 * {@link EVICTION_CHECK}). Every invalidation is published as `<epoch> <seq> <key>` (`-` for a
 * missing epoch), so a near-cache learns the history point with the key.
 *
 * @module
 */

/**
 * A Lua function (prepended to the scripts that use it) comparing the server's `evicted_keys`
 * counter with the last acknowledged value. Any difference means Redis may have evicted one of
 * our keys (the counter is server-wide, it cannot say which): the epoch moves to `cutoff` (or just
 * past the current epoch, whichever is later), a global cut-off at the moment the eviction was
 * seen, published like every write. A missing acknowledgement with a counter above zero counts
 * as an eviction too (the acknowledgement itself may be what was evicted). Returns 1 when it
 * moved the epoch, 0 otherwise (also when `INFO` is not allowed: documented, nothing to compare).
 */
export const EVICTION_CHECK = `
local function evictionCheck(epochKey, seqKey, markerKey, cutoff, channel)
  local info = redis.pcall('INFO', 'stats')
  if type(info) ~= 'string' then return 0 end
  local count = string.match(info, 'evicted_keys:(%d+)')
  if not count then return 0 end
  local marker = redis.call('GET', markerKey)
  if marker == count then return 0 end
  redis.call('SET', markerKey, count)
  if not marker and count == '0' then return 0 end
  local epoch = redis.call('GET', epochKey)
  if not epoch then return 0 end
  local value = cutoff
  local current = tonumber(epoch) or 0
  if tonumber(cutoff) <= current then value = string.format('%.4f', current + 0.001) end
  redis.call('SET', epochKey, value)
  local seq = redis.call('GET', seqKey) or '0'
  if channel ~= '' then redis.call('PUBLISH', channel, value .. ' ' .. seq .. ' ' .. epochKey) end
  return 1
end
`;

/**
 * `EVAL WIDEN_SCRIPT 3 key epochKey seqKey value ttlMs mode channel` -> `{epoch|nil, seq}`
 *
 * - `ttlMs`: milliseconds, or an empty string to keep the key for good;
 * - `mode`: `"max"` keeps the larger of the stored and the new number (identity cut-offs),
 *   anything else stores `value` as is.
 *
 * The key's expiry never shrinks: a key kept for good stays so, a longer remaining life wins.
 * The write counter goes up in the same step, and with a `channel` the key's name is published
 * there with the history point, so near-caches drop their copy: no write is visible without its
 * invalidation. Answers the history point after the write.
 *
 * @example
 * ```ts
 * await client.call('EVAL', WIDEN_SCRIPT, 3, 'p:jti:j1', 'p:epoch', 'p:seq', '1', 900_000, '', 'p:invalidate');
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
local seq = redis.call('INCR', KEYS[3])
local epoch = redis.call('GET', KEYS[2])
if ARGV[4] and ARGV[4] ~= '' then
  redis.call('PUBLISH', ARGV[4], (epoch or '-') .. ' ' .. seq .. ' ' .. KEYS[1])
end
return { epoch, seq }
`;

/**
 * `EVAL ADVANCE_SCRIPT 3 epochKey seqKey evictedKey expected newEpoch channel` ->
 * `{applied, epoch|nil, seq}`: the fail-safe, a new era whose global cut-off is `newEpoch`.
 *
 * Moves the epoch to `newEpoch` only if it still holds `expected` (an empty string: only if it is
 * missing), so when several processes find the same loss at once exactly one cut-off is written
 * and reported. Run when Redis lost our data (no epoch), went back in time (a lower history
 * point, see redis-history.ts), or on a fresh Redis. The eviction counter is acknowledged at the
 * same time: the new cut-off covers every eviction before it.
 *
 * @example
 * ```ts
 * const [applied, epoch, seq] = await client.call('EVAL', ADVANCE_SCRIPT, 3, 'p:epoch', 'p:seq', 'p:evicted', '', '1900000000.0005', 'p:invalidate');
 * ```
 */
export const ADVANCE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local applied = 0
if (ARGV[1] == '' and not current) or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  current = ARGV[2]
  applied = 1
  local info = redis.pcall('INFO', 'stats')
  local count = type(info) == 'string' and string.match(info, 'evicted_keys:(%d+)')
  if count then redis.call('SET', KEYS[3], count) end
end
local seq = redis.call('GET', KEYS[2]) or '0'
if applied == 1 and ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], current .. ' ' .. seq .. ' ' .. KEYS[1]) end
return { applied, current, seq }
`;

/**
 * `EVAL LOOKUP_SCRIPT n+2 epochKey cutoffKey [jtiKey] [familyKey] seqKey evictedKey cutoff channel`
 * -> the values of the first n+1 keys, then 1 if an eviction was found and the epoch moved.
 *
 * The lookup on a server that may evict keys: the eviction check ({@link EVICTION_CHECK}) and the
 * read in one atomic step, so a value read here was never missing because of an eviction the
 * check did not see. On a server that cannot evict the store sends a plain `MGET` instead.
 *
 * @example
 * ```ts
 * await client.call('EVAL', LOOKUP_SCRIPT, 5, 'p:epoch', 'p:cutoff:alice', 'p:jti:j1', 'p:seq', 'p:evicted', '1900000000.0005', 'p:invalidate');
 * ```
 */
export const LOOKUP_SCRIPT = `${EVICTION_CHECK}
local n = #KEYS - 1
local moved = evictionCheck(KEYS[1], KEYS[n], KEYS[#KEYS], ARGV[1], ARGV[2])
local values = redis.call('MGET', unpack(KEYS, 1, n))
values[n + 1] = moved
return values
`;

/**
 * `EVAL CHECK_SCRIPT 3 epochKey seqKey evictedKey cutoff channel` -> `{policy, maxmemory, moved, epoch}`:
 * the store's periodic look at the server: its eviction policy (from `INFO memory`, readable where
 * `CONFIG` is not) and the eviction check. `policy` is `'noinfo'` when `INFO` is not allowed.
 *
 * @example
 * ```ts
 * const [policy, maxmemory, moved, epoch] = await client.call('EVAL', CHECK_SCRIPT, 3, 'p:epoch', 'p:seq', 'p:evicted', '1900000000.0005', 'p:invalidate');
 * ```
 */
export const CHECK_SCRIPT = `${EVICTION_CHECK}
local memory = redis.pcall('INFO', 'memory')
if type(memory) ~= 'string' then return { 'noinfo', '0', 0 } end
local policy = string.match(memory, 'maxmemory_policy:(%S+)') or 'unknown'
local max = string.match(memory, 'maxmemory:(%d+)') or '0'
local moved = evictionCheck(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
return { policy, max, moved, redis.call('GET', KEYS[1]) }
`;

/**
 * `EVAL CLAIM_SCRIPT 4|5 epochKey seqKey evictedKey usedKey [latestKey] ttlMs intervalMs jti
 * seenEpoch seenSeq guard cutoff channel` -> `{outcome, epoch|nil, seq}`: the refresh claim.
 *
 * - the epoch key is missing: `'lost'` (the caller applies the fail-safe, see {@link ADVANCE_SCRIPT});
 * - with `guard` = `'1'`, an eviction found by {@link EVICTION_CHECK}: `'evicted'` (the epoch moved);
 * - the history point is older than `seenEpoch`/`seenSeq` (what the caller had seen; empty: none):
 *   `'rollback'`, nothing written (a "used" mark may be among the lost writes);
 * - first use: writes `usedKey` = Redis' own time in ms (one clock for every process) and, with
 *   a family, `latestKey` = this jti, counts the write; `'first'`;
 * - used less than `intervalMs` ago and still the family's latest used token: `'repeat'`;
 * - otherwise `'reuse'`.
 *
 * `ttlMs` is milliseconds or an empty string for "keep for good".
 *
 * @example
 * ```ts
 * await client.call('EVAL', CLAIM_SCRIPT, 5, epochKey, seqKey, evictedKey, 'p:used:r1', 'p:latest:f1', 86_400_000, 10_000, 'r1', '', '', '', '', '');
 * ```
 */
export const CLAIM_SCRIPT = `${EVICTION_CHECK}
local epoch = redis.call('GET', KEYS[1])
if not epoch then return { 'lost', false, 0 } end
if ARGV[6] == '1' and evictionCheck(KEYS[1], KEYS[2], KEYS[3], ARGV[7], ARGV[8]) == 1 then
  return { 'evicted', redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2]) or '0' }
end
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[4] ~= '' then
  local older = (epoch == ARGV[4] and seq < tonumber(ARGV[5])) or (epoch ~= ARGV[4] and (tonumber(epoch) or 0) < tonumber(ARGV[4]))
  if older then return { 'rollback', epoch, seq } end
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local used = redis.call('GET', KEYS[4])
if used then
  local latest = KEYS[5] and redis.call('GET', KEYS[5])
  if now - tonumber(used) < tonumber(ARGV[2]) and (not latest or latest == ARGV[3]) then return { 'repeat', epoch, seq } end
  return { 'reuse', epoch, seq }
end
local ttl = tonumber(ARGV[1])
for i = 4, #KEYS do
  local value = i == 4 and tostring(now) or ARGV[3]
  if ttl then redis.call('SET', KEYS[i], value, 'PX', ttl) else redis.call('SET', KEYS[i], value) end
end
return { 'first', epoch, redis.call('INCR', KEYS[2]) }
`;
