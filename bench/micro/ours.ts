/**
 * jwt-extended's own rows. The library is written alongside this harness, so every module is
 * loaded dynamically and a missing one turns its rows into `n/a (not built yet)`.
 *
 * Rows per algorithm:
 *   sign   JwtManager.createAccessTokenSync  (claims, uuids, JSON, signature: what an app calls)
 *   sign   engine.sign(headerJson, payloadJson, key)   (fixed payload: the JWS core alone)
 *   verify JwtManager.decodeTokenSync         (full flask-jwt-extended checks)
 *   verify engine.parse + engine.verify       (the JWS core alone)
 */
import { importOptional } from '../lib/optional.js';
import type { Candidate } from './candidates.js';
import type { Claims, KeySet } from './fixtures.js';

// Specifiers are variables so the type checker does not need the modules to exist yet.
const indexSpecifier: string = '../../src/index.js';
const jwsSpecifier: string = '../../src/jws/index.js';

interface ManagerLike {
  createAccessTokenSync(identity: unknown, options?: { additionalClaims?: Record<string, unknown> }): string;
  decodeTokenSync(token: string): Record<string, unknown>;
}
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

async function managerRows({ keys, token }: OursInput): Promise<Candidate[]> {
  const { alg } = keys;
  const mod = await importOptional<{ JwtManager?: ManagerCtor }>(new URL(indexSpecifier, import.meta.url));
  if (!mod.ok) return unavailableRows(keys, { manager: mod.reason });
  const Ctor = mod.value.JwtManager;
  if (typeof Ctor !== 'function') return unavailableRows(keys, { manager: 'not built yet (no JwtManager export)' });
  let manager: ManagerLike;
  try {
    manager = new Ctor(managerOptions(keys));
  } catch (error) {
    return unavailableRows(keys, { manager: `configuration failed: ${(error as Error).message}` });
  }
  const additional = { additionalClaims: { roles: ['foo', 'bar'] } };
  const base = { alg, library: 'jwt-extended' as const };
  return [
    {
      ...base,
      id: `${alg}.sign.jwt-extended`,
      op: 'sign',
      label: 'jwt-extended createAccessTokenSync',
      note: 'makes iat/nbf/exp, two uuid4s and the flask claims, then signs',
      run: () => manager.createAccessTokenSync('test', additional),
    },
    {
      ...base,
      id: `${alg}.verify.jwt-extended`,
      op: 'verify',
      label: 'jwt-extended decodeTokenSync',
      note: 'full flask-jwt-extended checks',
      run: () => manager.decodeTokenSync(token),
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
  return [...(await managerRows(input)), ...(await engineRows(input))];
}
