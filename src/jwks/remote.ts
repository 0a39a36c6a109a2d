/**
 * Verification keys from another issuer's JWK Set URL: fetched with a timeout, cached for a max
 * age, refetched at most once per cooldown (also for an unknown `kid`, so a flood of random kids
 * costs the issuer one request per cooldown), one fetch shared by concurrent requests, and fail
 * closed when nothing was ever fetched. A cached key is found synchronously: only a cache miss
 * makes verification wait.
 *
 * Keys named by a token itself (`jku`, `x5u`, `jwk`, `x5c` headers) are never read: the only keys
 * are the configured URL's.
 *
 * @module
 */
import { JwtConfigError, KeySetUnavailableError, UnknownKeyIdError } from '../errors.js';
import { importVerifyingKey } from '../engine-boundary.js';
import { type BoundKey, isAsymmetric } from '../jws/index.js';
import { isJwkLike, jwkThumbprint } from '../keys/jwk.js';
import type { Jwk } from '../keys/jwk.js';
import type { Algorithm } from '../types.js';

/**
 * Where and how to fetch an issuer's JWK Set.
 *
 * @example
 * ```ts
 * const remote: RemoteJwksOptions = { url: 'https://issuer.example/.well-known/jwks.json', maxAgeMs: 600_000 };
 * ```
 */
export interface RemoteJwksOptions {
  /** The JWK Set URL: `https:`, or `http:` on a loopback address (127.0.0.1, ::1, localhost). */
  url: string | URL;
  /** Abort a fetch after this many milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Refetch a set older than this (in the background: cached keys keep working). Default 600000 (10 min). */
  maxAgeMs?: number;
  /** At most one fetch per this many milliseconds, whatever tokens arrive. Default 30000. */
  cooldownMs?: number;
  /** The largest response accepted, in bytes. Default 1 MiB. */
  maxBytes?: number;
}

/** The remote set as the decoder uses it. */
export interface RemoteKeySet {
  /**
   * The keys that may verify a token of `alg` with this `kid` (all keys of `alg` when `kid` is
   * undefined): synchronously on a cache hit, a promise when the set has to be fetched. Throws
   * {@link UnknownKeyIdError} or {@link KeySetUnavailableError}.
   */
  lookup(kid: string | undefined, alg: Algorithm): readonly BoundKey[] | Promise<readonly BoundKey[]>;
  /** Fetches the set now (respecting nothing but an in-flight fetch), e.g. at start-up. */
  refresh(): Promise<void>;
}

interface CachedSet {
  readonly byKid: ReadonlyMap<string, readonly BoundKey[]>;
  readonly byAlg: ReadonlyMap<Algorithm, readonly BoundKey[]>;
  readonly fetchedAt: number;
}

const EMPTY: readonly BoundKey[] = Object.freeze([]);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Checks the options once, at construction, and returns them with defaults filled.
 *
 * @example
 * ```ts
 * resolveRemoteJwksOptions('https://issuer.example/.well-known/jwks.json').cooldownMs // 30000
 * ```
 */
export function resolveRemoteJwksOptions(value: string | URL | RemoteJwksOptions): Required<RemoteJwksOptions> & {
  url: URL;
} {
  const options: RemoteJwksOptions = typeof value === 'string' || value instanceof URL ? { url: value } : value;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new JwtConfigError(
      'remoteJwks.url must be an absolute URL such as https://issuer.example/.well-known/jwks.json',
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new JwtConfigError(
      'remoteJwks.url must use https (plain http is accepted only for 127.0.0.1, ::1 and localhost): keys fetched over plain http could be replaced on the way',
    );
  }
  const positive = (name: keyof RemoteJwksOptions, fallback: number): number => {
    const v = options[name] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new JwtConfigError(`remoteJwks.${name} must be a positive number (default ${fallback})`);
    }
    return v;
  };
  return {
    url,
    timeoutMs: positive('timeoutMs', 5000),
    maxAgeMs: positive('maxAgeMs', 600_000),
    cooldownMs: positive('cooldownMs', 30_000),
    maxBytes: positive('maxBytes', 1 << 20),
  };
}

/**
 * Creates the cache of one issuer's keys. Nothing is fetched until the first token (or
 * `refresh()`).
 *
 * @param allowed - the manager's decode algorithms, in order: a JWK without `alg` is bound to the
 *   first of them its type fits; a JWK whose `alg` is not among them is ignored
 * @param clock - epoch milliseconds (the manager's clock)
 *
 * @example
 * ```ts
 * const remote = createRemoteKeySet(resolveRemoteJwksOptions(url), ['RS256'], Date.now);
 * const keys = await remote.lookup(header.kid, 'RS256');
 * ```
 */
export function createRemoteKeySet(
  options: ReturnType<typeof resolveRemoteJwksOptions>,
  allowed: readonly Algorithm[],
  clock: () => number,
): RemoteKeySet {
  if (allowed.some((alg) => !isAsymmetric(alg))) {
    throw new JwtConfigError(
      'remoteJwks verifies asymmetric tokens only (a JWK Set never carries shared secrets): set algorithm (and decodeAlgorithms) to the issuer\'s, e.g. "RS256" or "ES256"',
    );
  }
  let cached: CachedSet | null = null;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | null = null;
  let lastFailure: unknown = null;

  function fetchNow(): Promise<void> {
    if (inflight !== null) return inflight;
    lastAttemptAt = clock();
    inflight = download(options)
      .then((jwks) => {
        cached = { ...indexKeys(jwks, allowed), fetchedAt: clock() };
        lastFailure = null;
      })
      .catch((error: unknown) => {
        lastFailure = error;
        throw error;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  }

  const coolingDown = (): boolean => clock() - lastAttemptAt < options.cooldownMs;

  function match(set: CachedSet, kid: string | undefined, alg: Algorithm): readonly BoundKey[] {
    if (kid === undefined) return set.byAlg.get(alg) ?? EMPTY;
    const keys = set.byKid.get(kid);
    if (keys === undefined) return EMPTY;
    // A kid of another algorithm: give its keys anyway, the engine refuses the mismatch.
    return keys;
  }

  function afterFetch(kid: string | undefined, alg: Algorithm): Promise<readonly BoundKey[]> {
    return fetchNow().then(
      () => found(kid, alg),
      (error: unknown) => {
        // A failed refetch keeps the keys cached before it (an issuer outage must not log
        // everyone out); only with nothing cached is every token refused.
        if (cached !== null) return found(kid, alg);
        throw unavailable(error);
      },
    );
  }

  function found(kid: string | undefined, alg: Algorithm): readonly BoundKey[] {
    const keys = cached === null ? EMPTY : match(cached, kid, alg);
    if (keys.length === 0) throw unknownKid(kid);
    return keys;
  }

  return {
    lookup(kid, alg) {
      if (cached !== null) {
        if (clock() - cached.fetchedAt >= options.maxAgeMs && !coolingDown()) {
          // Stale: refresh in the background and answer from the cache meanwhile.
          fetchNow().catch(() => undefined);
        }
        const keys = match(cached, kid, alg);
        if (keys.length > 0) return keys;
        // An unknown kid may be the issuer's new key: one refetch, at most once per cooldown.
        if (inflight !== null || !coolingDown()) return afterFetch(kid, alg);
        throw unknownKid(kid);
      }
      if (inflight !== null || !coolingDown()) return afterFetch(kid, alg);
      throw unavailable(lastFailure);
    },
    refresh: () => fetchNow(),
  };
}

function unknownKid(kid: string | undefined): UnknownKeyIdError {
  return new UnknownKeyIdError(
    kid === undefined
      ? "The token has no kid and the issuer's key set has no key for its alg"
      : "No key of the issuer's key set has the token's kid",
  );
}

function unavailable(cause: unknown): KeySetUnavailableError {
  return new KeySetUnavailableError("The token issuer's keys are unavailable", cause === null ? undefined : { cause });
}

async function download(options: ReturnType<typeof resolveRemoteJwksOptions>): Promise<unknown> {
  const response = await fetch(options.url, {
    headers: { accept: 'application/jwk-set+json, application/json' },
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`JWKS fetch answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > options.maxBytes) {
    await response.body?.cancel();
    throw new Error(`JWKS response of ${declared} bytes is over maxBytes`);
  }
  const text = await readLimited(response, options.maxBytes);
  return JSON.parse(text) as unknown;
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new Error('JWKS response is over maxBytes');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Imports the usable keys of a JWK Set: signing keys (`use` absent or `"sig"`) of an allowed
 * algorithm. Symmetric (`oct`) keys and keys that fail the engine's checks are skipped, never
 * trusted. Throws when the document is not a JWK Set at all.
 */
function indexKeys(jwks: unknown, allowed: readonly Algorithm[]): Pick<CachedSet, 'byKid' | 'byAlg'> {
  if (!isJwkLike(jwks) || !Array.isArray(jwks.keys))
    throw new Error('The JWKS response is not a JWK Set ({"keys": [...]})');
  const byKid = new Map<string, BoundKey[]>();
  const byAlg = new Map<Algorithm, BoundKey[]>();
  for (const jwk of jwks.keys as unknown[]) {
    if (!isJwkLike(jwk) || jwk.kty === 'oct' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    const bound = bindJwk(jwk, allowed);
    if (bound === undefined) continue;
    const kid = typeof jwk.kid === 'string' ? jwk.kid : jwkThumbprint(bound.keyObject);
    byKid.set(kid, [...(byKid.get(kid) ?? []), bound]);
    byAlg.set(bound.alg, [...(byAlg.get(bound.alg) ?? []), bound]);
  }
  return { byKid, byAlg };
}

/** Binds a JWK to its own `alg` when allowed, else to the first allowed algorithm it fits. */
function bindJwk(jwk: Jwk, allowed: readonly Algorithm[]): BoundKey | undefined {
  const candidates = jwk.alg === undefined ? allowed : allowed.filter((alg) => alg === jwk.alg);
  // Import the public members only: a set that leaks a private key still yields a public key.
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...publicMembers } = jwk;
  for (const alg of candidates) {
    try {
      return importVerifyingKey(alg, publicMembers, 'remoteJwks key');
    } catch {
      // Not a key of this algorithm: try the next allowed one.
    }
  }
  return undefined;
}
