/**
 * Password hashes for the example's user database: scrypt from node:crypto (memory-hard, no native
 * add-on), a random salt per password, and a constant-time comparison.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * The default scrypt cost, as log2(N): N = 2^15 with r = 8 and p = 1 takes 32 MiB and about
 * 50-100 ms per hash on a server core. Tests may lower it (`PASSWORD_HASH_COST`), as Django's test
 * settings swap in a fast hasher: every stored hash names its own cost, so it still verifies.
 */
export const DEFAULT_HASH_COST = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 256 * 1024 * 1024;

/** The cost parameters of log2(N) `cost`, checked (10 to 20). */
function costOf(cost: number): { N: number; r: number; p: number; maxmem: number } {
  if (!Number.isInteger(cost) || cost < 10 || cost > 20) {
    throw new RangeError(`password hash cost must be an integer from 10 to 20 (log2 of scrypt's N), not ${cost}`);
  }
  return { N: 2 ** cost, r: R, p: P, maxmem: MAX_MEMORY };
}

function encode(cost: { N: number; r: number; p: number }, salt: Buffer, hash: Buffer): string {
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The asynchronous scrypt runs on libuv's thread pool: a login never blocks other requests.
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...cost, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a password into a self-describing string: `scrypt$N$r$p$<salt>$<hash>` (base64url).
 *
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery staple')
 * ```
 */
export async function hashPassword(password: string, cost = DEFAULT_HASH_COST): Promise<string> {
  const parameters = costOf(cost);
  const salt = randomBytes(16);
  return encode(parameters, salt, await derive(password, salt, parameters));
}

/**
 * {@link hashPassword}, blocking: only for seeding the database at start-up.
 *
 * @example
 * ```ts
 * db.prepare('INSERT INTO users (username, password_hash) VALUES (?, ?)').run('test', hashPasswordSync(password))
 * ```
 */
export function hashPasswordSync(password: string, cost = DEFAULT_HASH_COST): string {
  const parameters = costOf(cost);
  const salt = randomBytes(16);
  return encode(parameters, salt, scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, parameters));
}

/**
 * Whether `password` matches a hash made by {@link hashPassword}. The derived keys are compared
 * with `timingSafeEqual`; a malformed stored hash is simply no match.
 *
 * @example
 * ```ts
 * if (await verifyPassword(body.password, row.passwordHash)) login(row)
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // A stored hash names its cost; refuse absurd ones rather than let a bad row exhaust memory.
  const sane = Object.values(cost).every(Number.isSafeInteger) && cost.N <= 2 ** 20 && cost.r <= 32 && cost.p <= 16;
  if (expected.length !== KEY_LENGTH || !sane) return false;
  const actual = await derive(password, Buffer.from(salt, 'base64url'), cost);
  return timingSafeEqual(actual, expected);
}

const unknownUserHashes = new Map<number, Promise<string>>();

/**
 * A valid hash of a random password nobody knows (made once per cost, on first need). Login checks an
 * unknown username against it, so "no such user" takes as long as "wrong password" and does not
 * reveal which usernames exist.
 *
 * @example
 * ```ts
 * await verifyPassword(password, row?.passwordHash ?? (await hashOfNobody()))
 * ```
 */
export function hashOfNobody(cost = DEFAULT_HASH_COST): Promise<string> {
  let hash = unknownUserHashes.get(cost);
  if (hash === undefined) {
    hash = hashPassword(randomBytes(32).toString('base64url'), cost);
    unknownUserHashes.set(cost, hash);
  }
  return hash;
}
