/**
 * The Redis store's start-up check: a revocation store is only as durable as the server under
 * it, so warn (once, at start-up) about the settings that silently drop revocations.
 *
 * @module
 */
import { callWithTimeout, type RedisLike } from './redis-command.js';

/** Reading the configuration is not worth failing anything for: a generous deadline, then a note. */
const CHECK_TIMEOUT_FACTOR = 4;

/**
 * Reads `save`, `appendonly`, `maxmemory` and `maxmemory-policy` with `CONFIG GET` and reports:
 * - no persistence (`save ""` and `appendonly no`): a restart empties Redis;
 * - an evicting `maxmemory-policy` (anything but `noeviction`): Redis may drop revocation keys
 *   under memory pressure; the store detects it (see redis-evictions.ts) but can only answer
 *   with a global cut-off, which logs everyone out;
 * - `CONFIG` not allowed (ACLs, managed services): what to check by hand.
 * Never throws; resolves with the warnings it reported.
 *
 * @example
 * ```ts
 * const warnings = await checkServerConfig(client, 500, (m) => console.warn(m));
 * ```
 */
export async function checkServerConfig(
  client: RedisLike,
  timeoutMs: number,
  warn: ((message: string) => void) | undefined,
): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const reply = await callWithTimeout(client, timeoutMs * CHECK_TIMEOUT_FACTOR, 'CONFIG', 'GET', '*');
    const config = toMap(reply);
    const noSnapshots = (config.get('save') ?? '').trim() === '';
    const noAof = config.get('appendonly') === 'no';
    if (noSnapshots && noAof) {
      warnings.push(
        'jwt-extended: Redis has no persistence (save "" and appendonly no): a restart empties it, and every user must then log in again (the revocation store applies a global cut-off). Enable appendonly yes (or RDB snapshots) for revocations that survive restarts.',
      );
    }
    const policy = config.get('maxmemory-policy');
    if (policy !== undefined && policy !== 'noeviction') {
      warnings.push(
        `jwt-extended: Redis maxmemory-policy is ${policy} (maxmemory ${config.get('maxmemory') ?? '?'}): under memory pressure Redis may evict revocation keys. The store watches evicted_keys and answers any eviction on this server by logging every user out (a global cut-off), so a revoked token never comes back, but each eviction costs everyone a new login. Set maxmemory-policy noeviction (revocation writes then fail loudly instead).`,
      );
    }
  } catch {
    warnings.push(
      'jwt-extended: could not read the Redis configuration (CONFIG GET is not allowed or did not answer). Check by hand that Redis persists its data (appendonly yes or RDB snapshots) and uses maxmemory-policy noeviction: without them revocations can be lost.',
    );
  }
  for (const message of warnings) {
    try {
      if (warn) warn(message);
      else process.emitWarning(message, { code: 'JWT_EXTENDED_REDIS_CONFIG' });
    } catch {
      // A logging hook must not break the store.
    }
  }
  return warnings;
}

/** `CONFIG GET` replies with a flat [name, value, ...] array (RESP2) or a map (RESP3). */
function toMap(reply: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), String(reply[i + 1]));
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) map.set(String(k), String(v));
  } else {
    throw new Error('Unexpected CONFIG GET reply');
  }
  return map;
}
