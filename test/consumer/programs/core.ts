/**
 * The core with no framework: Node's own HTTP server protected through the adapter kit, the
 * core's getters typed by the registered manager, the zero-argument getters of
 * `jwt-extended/context`, and revocation on the memory store.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type JwtPayload, type JwtState, type RegisteredJwtState, getJwtClaims, getJwtIdentity } from 'jwt-extended';
import { getCurrentUser } from 'jwt-extended/context';
import { NodeRequestPort, type ResponseTarget, runInRequestScope, writeJwtResponse } from 'jwt-extended/kit';
import { type Equal, assertType, checkServer, protectedRouteExchanges, run } from './harness.js';
import { type AppUser, jwt, testUser } from './manager.js';

const route = jwt.compileRoute();

function target(res: ServerResponse): ResponseTarget {
  return {
    header: (name, value, append) => (append ? res.appendHeader(name, value) : res.setHeader(name, value)),
    send: (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const verdict = await jwt.authorize(req, new NodeRequestPort(req, req.url ?? '/', {}), route);
  if (verdict !== undefined) return writeJwtResponse(target(res), verdict);
  runInRequestScope(req, () => {
    const identity = getJwtIdentity(req);
    const claims = getJwtClaims(req);
    const user = getCurrentUser();
    assertType<Equal<typeof identity, string | null>>();
    assertType<Equal<typeof claims, { roles: string[] } | Record<string, never>>>();
    assertType<Equal<typeof user, AppUser | null>>();
    assertType<Equal<RegisteredJwtState, JwtState<string, { roles: string[] }, AppUser>>>();
    // @ts-expect-error `admin` was never declared by the manager's claims loader
    void claims.admin;
    const body = { identity, roles: claims.roles, user: user?.username, slot: identity };
    writeJwtResponse(target(res), { status: 200, body });
  });
}

run(async () => {
  const token = await jwt.createAccessToken(testUser);
  const payload = await jwt.decodeToken(token);
  assertType<Equal<typeof payload, JwtPayload & { roles: string[] }>>();
  if (payload.sub !== 'test' || payload.roles.join() !== 'foo,bar')
    throw new Error(`decoded ${JSON.stringify(payload)}`);
  const revoked = await jwt.createAccessToken(testUser);
  await jwt.revokeToken(revoked);
  const server = createServer((req, res) => void handle(req, res).catch((error) => res.destroy(error as Error)));
  await checkServer('core', server, [
    ...protectedRouteExchanges(token),
    { path: '/protected', token: revoked, status: 401, body: { msg: 'Token has been revoked' } },
  ]);
});
