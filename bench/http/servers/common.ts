/**
 * Shared plumbing of the benchmark servers. Each server is its own process, started by
 * bench/http/run.ts with BENCH_VARIANT and BENCH_SECRET in its environment. It prints one JSON
 * line on stdout, `{"event":"ready","port":N}` or `{"event":"unavailable","reason":...}`, and
 * exits as soon as its stdin closes, so it cannot outlive the harness even if the harness is
 * killed with SIGKILL.
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { importOptional } from '../../lib/optional.js';
import { repoRoot } from '../../lib/options.js';
import { floorVerifier } from '../../micro/floor.js';
import type { Verifier } from '../../micro/floor.js';
import { builtEntry } from './built-entry.js';
import { refreshRotationOptions } from './rotation.js';

export type Variant =
  | 'bare'
  | 'floor'
  | 'usual'
  | 'jwt-extended'
  | 'jwt-extended-cookie-csrf'
  | 'jwt-extended-revocation'
  | 'jwt-extended-refresh'
  | 'jwt-extended-previous';

const knownVariants: readonly string[] = [
  'bare',
  'floor',
  'usual',
  'jwt-extended',
  'jwt-extended-cookie-csrf',
  'jwt-extended-revocation',
  'jwt-extended-refresh',
  'jwt-extended-previous',
];
export const variant = process.env.BENCH_VARIANT as Variant;
if (!knownVariants.includes(variant)) throw new Error(`BENCH_VARIANT must be one of ${knownVariants.join(', ')}`);

const secretValue = process.env.BENCH_SECRET;
if (secretValue === undefined || secretValue.length < 32) throw new Error('BENCH_SECRET is missing');
export const secret: string = secretValue;

/**
 * The floor's HS256 check, the very verifier of the micro floor row, with the key imported once
 * here at start-up (not per request): split, HMAC + timingSafeEqual, base64url + JSON.parse of
 * header and payload. No claim checks. Every framework's floor middleware calls this.
 */
export const floorVerify: Verifier = (() => {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return floorVerifier({
    alg: 'HS256',
    signingString: secret,
    verifyingString: secret,
    signingKey: key,
    verifyingKey: key,
  });
})();

/** The token of an `Authorization: Bearer <t>` header, or `undefined` for any other header. */
export function bearerToken(header: string | undefined): string | undefined {
  return header !== undefined && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * The floor middleware's whole decision, shared so every framework does exactly the same work:
 * the payload's `sub`, or `undefined` when the header is missing, malformed or the MAC is wrong.
 */
export function floorSub(header: string | undefined): unknown {
  const token = bearerToken(header);
  if (token === undefined) return undefined;
  try {
    return floorVerify(token).sub;
  } catch {
    return undefined;
  }
}

export const host = '127.0.0.1';

function announce(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The file jwt-extended's core was loaded from, told to the harness with `ready` (it checks for dist/). */
let loaded: string | undefined;

export function ready(address: AddressInfo | string | null): void {
  if (address === null || typeof address === 'string') throw new Error('server is not on a TCP port');
  announce({ event: 'ready', port: address.port, ...(loaded === undefined ? {} : { loaded }) });
}

export function unavailable(reason: string): never {
  announce({ event: 'unavailable', reason });
  process.exit(0);
}

process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));

export interface Manager {
  decodeTokenSync(token: string): Record<string, unknown>;
  rotateTokens(refreshPayload: unknown, input: unknown): Promise<{ accessToken: string; refreshToken: string }>;
}

/** The route options of the protected route: the refresh row's route takes refresh tokens only. */
export const routeOptions: Record<string, unknown> = variant === 'jwt-extended-refresh' ? { refresh: true } : {};

/**
 * The refresh row's answer (flask's refresh route, with rotation): a new pair of the same family,
 * whose refresh token the load generator sends next.
 */
export async function refreshAnswer(jwt: Manager, state: unknown): Promise<Record<string, unknown>> {
  const sub = identityOf(state);
  const pair = await jwt.rotateTokens((state as { payload: unknown }).payload, sub);
  return { ok: true, sub, access_token: pair.accessToken, refresh_token: pair.refreshToken };
}

// The HTTP servers load jwt-extended as users do: the built package (bench/run.ts builds it first),
// not the TypeScript sources through tsx, whose transform adds per-call helpers. Not by its name:
// in this repository tsconfig's paths map `jwt-extended/*` to src/ (for the examples), and tsx
// follows them, so the files are found through the checkout's package.json exports map instead.

/**
 * Loads jwt-extended's manager and one adapter; a missing module ends the process with an
 * `unavailable` line, which the harness prints as `n/a (not built yet)`.
 */
export async function loadJwtExtended<A>(
  adapter: 'express' | 'fastify' | 'hono' | 'koa',
): Promise<{ jwt: Manager; adapter: A; core: Record<string, unknown> }> {
  // The previous build is loaded from its own dist/, as its package would be.
  const baseline = process.env.BENCH_BASELINE ?? '';
  const previous = variant === 'jwt-extended-previous';
  if (previous && baseline === '') unavailable('no --baseline given');
  const from = (subpath: string): string => {
    const entry = builtEntry(previous ? baseline : repoRoot, subpath);
    if (entry === null) return unavailable(`${previous ? baseline : repoRoot}/package.json exports no ${subpath}`);
    loaded ??= entry;
    return entry;
  };
  const core = await importOptional<{ JwtManager?: new (o: Record<string, unknown>) => Manager }>(from(''));
  if (!core.ok) unavailable(core.reason);
  const Ctor = core.value.JwtManager;
  if (typeof Ctor !== 'function') unavailable('not built yet (no JwtManager export)');
  const mod = await importOptional<A>(from(adapter));
  if (!mod.ok) unavailable(mod.reason);
  const options: Record<string, unknown> = { secretKey: secret, algorithm: 'HS256' };
  if (variant === 'jwt-extended-cookie-csrf') options.tokenLocation = ['cookies'];
  if (variant === 'jwt-extended-revocation' || variant === 'jwt-extended-refresh') {
    const stores = await importOptional<{ createMemoryStore?: () => unknown }>(from('stores/memory'));
    if (!stores.ok || typeof stores.value.createMemoryStore !== 'function') unavailable('no memory store');
    options.blocklist = stores.value.createMemoryStore();
  }
  if (variant === 'jwt-extended-refresh') Object.assign(options, refreshRotationOptions);
  const jwt = new Ctor(options);
  if (variant === 'jwt-extended-revocation') await revokeOthers(jwt);
  return { jwt, adapter: mod.value, core: core.value as Record<string, unknown> };
}

/** A store that is not empty: 1 000 other tokens revoked, as on a server that has run a while. */
async function revokeOthers(jwt: Manager): Promise<void> {
  const nowS = Math.floor(Date.now() / 1000);
  const revoke = (jwt as unknown as { revokeToken(payload: Record<string, unknown>): Promise<void> }).revokeToken;
  for (let i = 0; i < 1000; i++) {
    await revoke.call(jwt, {
      fresh: false,
      iat: nowS,
      jti: randomUUID(),
      type: 'access',
      sub: `user-${i}`,
      nbf: nowS,
      exp: nowS + 24 * 3600,
    });
  }
}

/** jwt-extended's state in the framework's slot (`req.jwt`, `c.get('jwt')`, `ctx.state.jwt`). */
export function identityOf(state: unknown): unknown {
  return state !== null && typeof state === 'object' ? (state as { identity?: unknown }).identity : undefined;
}

/** The identity a protected handler echoes back, from the payload the usual middleware left. */
export function subOf(payload: unknown): unknown {
  return payload !== null && typeof payload === 'object' ? (payload as { sub?: unknown }).sub : undefined;
}
