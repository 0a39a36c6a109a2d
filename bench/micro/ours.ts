/**
 * jwt-extended's own rows. The library is written alongside this harness, so every module is
 * loaded dynamically and a missing one turns its rows into `n/a (not built yet)`.
 *
 * Rows per algorithm:
 *   sign   JwtManager.createAccessTokenSync  (claims, uuids, JSON, signature: what an app calls)
 *   sign   engine.sign(headerJson, payloadJson, key)   (fixed payload: the JWS core alone)
 *   verify JwtManager.decodeTokenSync         (full flask-jwt-extended checks)
 *   verify engine.parse + engine.verify       (the JWS core alone)
 *
 * The same manager on the WebCrypto engine (`engine: 'webcrypto'`, async), next to jose, the other
 * WebCrypto implementation:
 *   sign   JwtManager.createAccessToken   (WebCrypto)
 *   verify JwtManager.decodeToken         (WebCrypto)
 *
 * HS256 only, the request pipeline as every adapter runs it (`JwtManager.authorize`):
 *   verify authorize, GET with the token             (no cache: locate, full decode, checks, state)
 *   verify authorize, GET, verifiedTokenCache hit    (same token every call, so every call hits)
 *   verify authorize, OPTIONS                        (the pipeline's entry cost: OPTIONS skips decoding)
 * The hit's cost is the cached row minus the OPTIONS row (see bench/lib/targets.ts).
 */
import { pathToFileURL } from 'node:url';
import { importOptional } from '../lib/optional.js';
import type { Candidate } from './candidates.js';
import { keyRows } from './keys.js';
import type { Claims, KeySet } from './fixtures.js';

// Specifiers are variables so the type checker does not need the modules to exist yet.
const indexSpecifier: string = '../../src/index.js';
const jwsSpecifier: string = '../../src/jws/index.js';

interface ManagerLike {
  createAccessToken(identity: unknown, options?: { additionalClaims?: Record<string, unknown> }): Promise<string>;
  decodeToken(token: string): Promise<Record<string, unknown>>;
  createAccessTokenSync(identity: unknown, options?: { additionalClaims?: Record<string, unknown> }): string;
  decodeTokenSync(token: string): Record<string, unknown>;
  compileRoute(): unknown;
  /** `undefined` on success for a synchronous configuration; the error response otherwise. */
  authorize(carrier: object, port: PortLike, route: unknown): unknown;
}

/** The shape of `RequestPort` in src/ports.ts (the fields a bearer-header GET needs). */
interface PortLike {
  readonly method: string;
  readonly url: string;
  header(lowerCaseName: string): string | undefined;
}

/** Ids of the pipeline rows; bench/lib/targets.ts reads the cache-hit target from the last two. */
export const authorizeIds = {
  plain: 'HS256.verify.jwt-extended-authorize',
  cached: 'HS256.verify.jwt-extended-authorize-cached',
  options: 'HS256.verify.jwt-extended-authorize-options',
} as const;
type ManagerCtor = new (options: Record<string, unknown>) => ManagerLike;

/** The shape of `JwsEngine` in src/jws/engine.ts, restated so this file type-checks on its own. */
interface EngineLike {
  importSigningKey(alg: string, material: unknown): unknown;
  importVerifyingKey(alg: string, material: unknown): unknown;
  sign(headerJson: string, payloadJson: string, key: unknown): string;
  parse(token: unknown, maxLength: number): { payload: Record<string, unknown> };
  verify(parsed: unknown, key: unknown): void;
}

/** The manager's default token size limit (8 KiB), passed to the engine's parse. */
const maxTokenBytes = 8192;

export interface OursInput {
  keys: KeySet;
  claims: Claims;
  token: string;
  /** `--baseline`: an earlier checkout whose manager and pipeline rows run beside ours. */
  baseline?: string | null;
}

/** Where a set of manager rows comes from: this checkout, or the `--baseline` one. */
interface RowSource {
  specifier: URL;
  library: 'jwt-extended' | 'jwt-extended-previous';
  /** Appended to row ids and labels. */
  idSuffix: string;
  labelSuffix: string;
}

const current: RowSource = {
  specifier: new URL(indexSpecifier, import.meta.url),
  library: 'jwt-extended',
  idSuffix: '',
  labelSuffix: '',
};

function previous(baseline: string): RowSource {
  return {
    specifier: pathToFileURL(`${baseline}/src/index.ts`),
    library: 'jwt-extended-previous',
    idSuffix: '-previous',
    labelSuffix: ' (previous)',
  };
}

function managerOptions(keys: KeySet): Record<string, unknown> {
  // Defaults otherwise: they already give the benchmark token's layout, `csrf` claim included.
  const common = { algorithm: keys.alg };
  return keys.alg === 'HS256'
    ? { ...common, secretKey: keys.signingString }
    : { ...common, privateKey: keys.signingString, publicKey: keys.verifyingString };
}

function unavailableRows(keys: KeySet, reason: { manager?: string; engine?: string }): Candidate[] {
  const { alg } = keys;
  const base = { alg, library: 'jwt-extended' as const };
  const rows: Candidate[] = [];
  if (reason.manager !== undefined) {
    rows.push(
      {
        ...base,
        id: `${alg}.sign.jwt-extended`,
        op: 'sign',
        label: 'jwt-extended createAccessTokenSync',
        unavailable: reason.manager,
      },
      {
        ...base,
        id: `${alg}.verify.jwt-extended`,
        op: 'verify',
        label: 'jwt-extended decodeTokenSync',
        unavailable: reason.manager,
      },
    );
  }
  if (reason.engine !== undefined) {
    rows.push(
      {
        ...base,
        id: `${alg}.sign.jwt-extended-engine`,
        op: 'sign',
        label: 'jwt-extended engine sign',
        unavailable: reason.engine,
      },
      {
        ...base,
        id: `${alg}.verify.jwt-extended-engine`,
        op: 'verify',
        label: 'jwt-extended engine parse+verify',
        unavailable: reason.engine,
      },
    );
  }
  return rows;
}

async function managerRows({ keys, token }: OursInput, source: RowSource = current): Promise<Candidate[]> {
  const { alg } = keys;
  // The baseline's rows are left out, not marked n/a, when it cannot be loaded.
  const unavailable = (reason: string) => (source === current ? unavailableRows(keys, { manager: reason }) : []);
  const mod = await importOptional<{ JwtManager?: ManagerCtor }>(source.specifier);
  if (!mod.ok) return unavailable(mod.reason);
  const Ctor = mod.value.JwtManager;
  if (typeof Ctor !== 'function') return unavailable('not built yet (no JwtManager export)');
  let manager: ManagerLike;
  try {
    manager = new Ctor(managerOptions(keys));
  } catch (error) {
    return unavailable(`configuration failed: ${(error as Error).message}`);
  }
  const additional = { additionalClaims: { roles: ['foo', 'bar'] } };
  const base = { alg, library: source.library };
  const { idSuffix, labelSuffix } = source;
  return [
    {
      ...base,
      id: `${alg}.sign.jwt-extended${idSuffix}`,
      op: 'sign',
      label: `jwt-extended createAccessTokenSync${labelSuffix}`,
      note: 'makes iat/nbf/exp, two uuid4s and the flask claims, then signs',
      run: () => manager.createAccessTokenSync('test', additional),
    },
    {
      ...base,
      id: `${alg}.verify.jwt-extended${idSuffix}`,
      op: 'verify',
      label: `jwt-extended decodeTokenSync${labelSuffix}`,
      note: 'full flask-jwt-extended checks',
      run: () => manager.decodeTokenSync(token),
    },
  ];
}

/** The manager rows again on the asynchronous WebCrypto engine: the peer to compare is jose. */
async function webCryptoRows({ keys, token }: OursInput): Promise<Candidate[]> {
  const { alg } = keys;
  const base = { alg, library: 'jwt-extended' as const, async: true };
  const labels = {
    sign: 'jwt-extended createAccessToken (WebCrypto engine)',
    verify: 'jwt-extended decodeToken (WebCrypto engine)',
  };
  const mod = await importOptional<{ JwtManager?: ManagerCtor }>(new URL(indexSpecifier, import.meta.url));
  const Ctor = mod.ok ? mod.value.JwtManager : undefined;
  let manager: ManagerLike | undefined;
  let reason = mod.ok ? 'not built yet (no JwtManager export)' : mod.reason;
  try {
    if (typeof Ctor === 'function') manager = new Ctor({ ...managerOptions(keys), engine: 'webcrypto' });
  } catch (error) {
    reason = `configuration failed: ${(error as Error).message}`;
  }
  if (manager === undefined) {
    return (['sign', 'verify'] as const).map((op) => ({
      ...base,
      id: `${alg}.${op}.jwt-extended-webcrypto`,
      op,
      label: labels[op],
      unavailable: reason,
    }));
  }
  const webManager = manager;
  const additional = { additionalClaims: { roles: ['foo', 'bar'] } };
  return [
    {
      ...base,
      id: `${alg}.sign.jwt-extended-webcrypto`,
      op: 'sign',
      label: labels.sign,
      note: 'as createAccessTokenSync, signed with crypto.subtle',
      run: () => webManager.createAccessToken('test', additional),
    },
    {
      ...base,
      id: `${alg}.verify.jwt-extended-webcrypto`,
      op: 'verify',
      label: labels.verify,
      note: 'full flask-jwt-extended checks, verified with crypto.subtle',
      run: () => webManager.decodeToken(token),
    },
  ];
}

type ReadState = (carrier: object) => { payload?: Record<string, unknown> } | undefined;

/** The same token with `sub` changed and the signature kept: every verifier must refuse it. */
function tamper(token: string): string {
  const [h, p, sig] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${sig}`;
}

function bearerPort(method: string, token: string): PortLike {
  const value = `Bearer ${token}`;
  return { method, url: '/p', header: (n) => (n === 'authorization' ? value : undefined) };
}

/**
 * The pipeline rows. Each call gets a new `{}` carrier, as each request brings a new request
 * object; the port and the compiled route are made once, as an adapter makes them at start-up.
 */
async function authorizeRows({ keys, token }: OursInput, source: RowSource = current): Promise<Candidate[]> {
  if (keys.alg !== 'HS256') return [];
  const base = { alg: keys.alg, op: 'verify' as const, library: source.library };
  const { idSuffix, labelSuffix } = source;
  const ids = {
    plain: `${authorizeIds.plain}${idSuffix}`,
    cached: `${authorizeIds.cached}${idSuffix}`,
    options: `${authorizeIds.options}${idSuffix}`,
  };
  const labels = {
    plain: `jwt-extended authorize (pipeline, no cache)${labelSuffix}`,
    cached: `jwt-extended authorize (pipeline, cache hit)${labelSuffix}`,
    options: `jwt-extended authorize (OPTIONS: no decode)${labelSuffix}`,
  };
  const mod = await importOptional<{ JwtManager?: ManagerCtor; readJwtState?: ReadState }>(source.specifier);
  const Ctor = mod.ok ? mod.value.JwtManager : undefined;
  const readState = mod.ok ? mod.value.readJwtState : undefined;
  if (typeof Ctor !== 'function' || typeof readState !== 'function') {
    if (source !== current) return [];
    const reason = mod.ok ? 'not built yet (no JwtManager/readJwtState export)' : mod.reason;
    return (['plain', 'cached', 'options'] as const).map((k) => ({
      ...base,
      id: ids[k],
      label: labels[k],
      unavailable: reason,
    }));
  }
  const plain = new Ctor(managerOptions(keys));
  const cached = new Ctor({ ...managerOptions(keys), verifiedTokenCache: true });
  const get = bearerPort('GET', token);
  const options = bearerPort('OPTIONS', token);
  const plainRoute = plain.compileRoute();
  const cachedRoute = cached.compileRoute();

  /** Accepts the token, leaves the identity on the carrier, and refuses the tampered token. */
  const checkGet = (manager: ManagerLike, route: unknown): void => {
    const carrier = {};
    const result = manager.authorize(carrier, get, route);
    if (result !== undefined) throw new Error(`authorize refused the token: ${JSON.stringify(result)}`);
    const state = readState(carrier);
    if (state?.payload?.sub !== 'test') throw new Error('authorize left no state with the identity on the carrier');
    const bad = {};
    const refused = manager.authorize(bad, bearerPort('GET', tamper(token)), route);
    // A synchronous configuration answers a refusal with a promise of the error response.
    if (refused === undefined) throw new Error('authorize accepted a token with a modified payload');
    if (readState(bad) !== undefined) throw new Error('a refused request left state on its carrier');
  };

  /**
   * Proves the cached row really takes the hit path: on a twin manager whose decode key is
   * swapped after the first request, the cached token must still pass (a hit skips the
   * signature) while a fresh decode must fail. The timed manager is never touched.
   */
  const checkHits = (): void => {
    let key = keys.signingString;
    const probe = new Ctor({
      algorithm: 'HS256',
      secretKey: keys.signingString,
      verifiedTokenCache: true,
      decodeKeyLoader: () => key,
    });
    const route = probe.compileRoute();
    if (probe.authorize({}, get, route) !== undefined) throw new Error('probe manager refused the token');
    key = `${keys.signingString}-rotated`;
    let decodes = true;
    try {
      probe.decodeTokenSync(token);
    } catch {
      decodes = false;
    }
    if (decodes) throw new Error('probe: the swapped key still verifies the token');
    if (probe.authorize({}, get, route) !== undefined) throw new Error('the second request missed the cache');
  };

  return [
    {
      ...base,
      id: ids.plain,
      label: labels.plain,
      note: 'Bearer header, full decode, flask checks, state saved on a new carrier',
      selfCheck: () => checkGet(plain, plainRoute),
      run: () => {
        const carrier = {};
        return plain.authorize(carrier, get, plainRoute) ?? carrier;
      },
    },
    {
      ...base,
      id: ids.cached,
      label: labels.cached,
      note: 'verifiedTokenCache: true, the same token every call',
      selfCheck: () => {
        checkGet(cached, cachedRoute);
        checkHits();
      },
      run: () => {
        const carrier = {};
        return cached.authorize(carrier, get, cachedRoute) ?? carrier;
      },
    },
    {
      ...base,
      id: ids.options,
      label: labels.options,
      note: 'OPTIONS reads no token and saves the anonymous state: the entry cost every request pays',
      selfCheck: () => {
        const carrier = {};
        if (cached.authorize(carrier, options, cachedRoute) !== undefined) throw new Error('OPTIONS was refused');
        const state = readState(carrier);
        if (state === undefined || state.payload?.sub !== undefined) {
          throw new Error('OPTIONS must leave the anonymous state (no payload) on its carrier');
        }
      },
      run: () => {
        const carrier = {};
        return cached.authorize(carrier, options, cachedRoute) ?? carrier;
      },
    },
  ];
}

async function engineRows({ keys, claims, token }: OursInput): Promise<Candidate[]> {
  const { alg } = keys;
  const mod = await importOptional<{ nodeCryptoEngine?: EngineLike }>(new URL(jwsSpecifier, import.meta.url));
  if (!mod.ok) return unavailableRows(keys, { engine: mod.reason });
  const engine = mod.value.nodeCryptoEngine;
  if (engine === undefined) return unavailableRows(keys, { engine: 'not built yet (no nodeCryptoEngine export)' });
  let signingKey: unknown;
  let verifyingKey: unknown;
  try {
    signingKey = engine.importSigningKey(alg, keys.signingString);
    verifyingKey = engine.importVerifyingKey(alg, keys.verifyingString);
  } catch (error) {
    return unavailableRows(keys, { engine: `key import failed: ${(error as Error).message}` });
  }
  const headerJson = JSON.stringify({ alg, typ: 'JWT' });
  const payloadJson = JSON.stringify(claims);
  const base = { alg, library: 'jwt-extended' as const };
  return [
    {
      ...base,
      id: `${alg}.sign.jwt-extended-engine`,
      op: 'sign',
      label: 'jwt-extended engine sign',
      note: 'fixed header and payload JSON strings',
      run: () => engine.sign(headerJson, payloadJson, signingKey),
    },
    {
      ...base,
      id: `${alg}.verify.jwt-extended-engine`,
      op: 'verify',
      label: 'jwt-extended engine parse+verify',
      note: 'parse (strict base64url/JSON, header checks) + signature; no claim checks',
      run: () => {
        const parsed = engine.parse(token, maxTokenBytes);
        engine.verify(parsed, verifyingKey);
        return parsed.payload;
      },
    },
  ];
}

export async function ourCandidates(input: OursInput): Promise<Candidate[]> {
  return [
    ...(await managerRows(input)),
    ...(await keyRows(input)),
    ...(await webCryptoRows(input)),
    ...(await authorizeRows(input)),
    ...(await engineRows(input)),
    ...(input.baseline ? await managerRows(input, previous(input.baseline)) : []),
    ...(input.baseline ? await authorizeRows(input, previous(input.baseline)) : []),
  ];
}
