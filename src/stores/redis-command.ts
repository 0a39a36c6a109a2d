/**
 * Sends one Redis command under a deadline of our own, whatever the client's configuration.
 *
 * @module
 */
import { StoreUnavailableError } from '../errors.js';

/**
 * The one method the Redis store needs from a client: send a command, get its reply. An ioredis
 * `Redis` instance satisfies it as is; other clients fit with a one-line wrapper.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client: RedisLike = new Redis();
 * // node-redis v4+: const client: RedisLike = { call: (cmd, ...args) => nodeRedis.sendCommand([cmd, ...args.map(String)]) };
 * ```
 */
export interface RedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** The message of every {@link StoreUnavailableError} the Redis store raises; details go in `cause`. */
export const STORE_UNAVAILABLE_MESSAGE = 'Token revocation store unavailable';

/**
 * Runs `client.call(...)` and settles within `timeoutMs`: with the reply, or with a
 * {@link StoreUnavailableError} when the client fails, throws, or stays silent too long.
 *
 * A client's own timeout cannot be relied on: ioredis, by default, queues commands while it is
 * disconnected and retries them for many seconds, which would hold every request open while
 * Redis is down. The command left behind by a timeout settles later on its own; its outcome is
 * observed here so it never becomes an unhandled rejection.
 *
 * @example
 * ```ts
 * const values = await callWithTimeout(client, 500, 'MGET', 'k1', 'k2');
 * ```
 */
export function callWithTimeout(
  client: RedisLike,
  timeoutMs: number,
  command: string,
  ...args: (string | number)[]
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(unavailable(new Error(`Redis did not answer ${command} within ${timeoutMs} ms`)));
    }, timeoutMs);
    // The pending command keeps the socket busy anyway; the timer alone should not hold the process.
    timer.unref();
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(client.call(command, ...args));
    } catch (error) {
      clearTimeout(timer);
      reject(unavailable(error));
      return;
    }
    pending.then(
      (reply) => {
        clearTimeout(timer);
        resolve(reply);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(unavailable(error));
      },
    );
  });
}

function unavailable(cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(STORE_UNAVAILABLE_MESSAGE, { cause });
}
