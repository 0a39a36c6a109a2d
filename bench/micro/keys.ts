/**
 * Key-management rows: `decodeTokenSync` through a keyring (key picked by `kid` among three) and
 * through a cached remote JWKS (asymmetric algorithms; the set is served once from 127.0.0.1, then
 * the server is closed, so every timed call is a cache hit), next to the one-key row
 * `<alg>.verify.jwt-extended`. Target: the same cost as one key, within 1.1x (bench/lib/targets.ts).
 *
 * The tokens carry a `kid`, so they are made here with the same claims as the fixture token; each
 * row proves itself on a token with a modified payload (selfCheck) instead of the generic twin.
 */
import { createServer } from 'node:http';
import { importOptional } from '../lib/optional.js';
import type { Candidate } from './candidates.js';
import type { OursInput } from './ours.js';

const indexSpecifier: string = '../../src/index.js';
const jwsSpecifier: string = '../../src/jws/index.js';

/** Ids of the rows, and of the one-key row they are compared with. */
export const keyRowIds = (alg: string) =>
  ({
    single: `${alg}.verify.jwt-extended`,
    keyring: `${alg}.verify.jwt-extended-keyring`,
    remote: `${alg}.verify.jwt-extended-remote-jwks`,
  }) as const;

interface ManagerLike {
  decodeTokenSync(token: string): Record<string, unknown>;
  jwks(): { keys: unknown[] };
  refreshRemoteJwks(): Promise<void>;
}
type ManagerCtor = new (options: Record<string, unknown>) => ManagerLike;

interface EngineLike {
  importSigningKey(alg: string, material: unknown): unknown;
  sign(headerJson: string, payloadJson: string, key: unknown): string;
}

function tamper(token: string): string {
  const [h, p, sig] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${sig}`;
}

/** Accepts the token with the fixture's claims, refuses the same token with another `sub`. */
function proves(manager: ManagerLike, token: string): () => void {
  return () => {
    const payload = manager.decodeTokenSync(token);
    if (payload.sub !== 'test') throw new Error('verify did not return the payload');
    let accepted = true;
    try {
      manager.decodeTokenSync(tamper(token));
    } catch {
      accepted = false;
    }
    if (accepted) throw new Error('accepted a token with a modified payload');
  };
}

/** Serves a JWK Set once on 127.0.0.1 and gives its URL and a way to close it. */
async function serveOnce(body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The keyring and remote-JWKS verify rows of one algorithm. */
export async function keyRows({ keys, claims }: OursInput): Promise<Candidate[]> {
  const { alg } = keys;
  const ids = keyRowIds(alg);
  const base = { alg, op: 'verify' as const, library: 'jwt-extended' as const };
  const labels = {
    keyring: 'jwt-extended decodeTokenSync, keyring (kid among 3 keys)',
    remote: 'jwt-extended decodeTokenSync, remote JWKS (cache hit)',
  };
  const asymmetric = alg !== 'HS256';
  const mod = await importOptional<{ JwtManager?: ManagerCtor }>(new URL(indexSpecifier, import.meta.url));
  const jws = await importOptional<{ nodeCryptoEngine?: EngineLike }>(new URL(jwsSpecifier, import.meta.url));
  const Ctor = mod.ok ? mod.value.JwtManager : undefined;
  const engine = jws.ok ? jws.value.nodeCryptoEngine : undefined;
  if (typeof Ctor !== 'function' || engine === undefined || typeof Ctor.prototype.jwks !== 'function') {
    const unavailable = 'not built yet (no keyring in JwtManager)';
    return [
      { ...base, id: ids.keyring, label: labels.keyring, unavailable },
      ...(asymmetric ? [{ ...base, id: ids.remote, label: labels.remote, unavailable }] : []),
    ];
  }
  const material = (key: unknown) => (asymmetric ? { privateKey: key } : { secretKey: key });
  const spare = (n: number) => (asymmetric ? keys.signingKey : `${keys.signingString}-spare-${n}`);
  // The signing key in the middle of three: a lookup by kid, not "the first key".
  const keyring = new Ctor({
    algorithm: alg,
    keys: [
      { kid: 'spare-1', ...material(spare(1)) },
      { kid: 'bench', ...material(keys.signingString) },
      { kid: 'spare-2', ...material(spare(2)) },
    ],
    signingKid: 'bench',
  });
  const token = engine.sign(
    JSON.stringify({ alg, kid: 'bench', typ: 'JWT' }),
    JSON.stringify(claims),
    engine.importSigningKey(alg, keys.signingString),
  );
  const rows: Candidate[] = [
    {
      ...base,
      id: ids.keyring,
      label: labels.keyring,
      note: 'same claims as the one-key row, header with kid',
      selfCheck: proves(keyring, token),
      run: () => keyring.decodeTokenSync(token),
    },
  ];
  if (!asymmetric) return rows;

  const published = JSON.stringify(keyring.jwks());
  const issuer = await serveOnce(published);
  const remote = new Ctor({ algorithm: alg, remoteJwks: { url: issuer.url, maxAgeMs: 3_600_000 } });
  try {
    await remote.refreshRemoteJwks();
  } finally {
    await issuer.close(); // every timed call must be a cache hit: there is no server any more
  }
  rows.push({
    ...base,
    id: ids.remote,
    label: labels.remote,
    note: 'JWKS fetched once from 127.0.0.1, then served from the cache',
    selfCheck: proves(remote, token),
    run: () => remote.decodeTokenSync(token),
  });
  return rows;
}
