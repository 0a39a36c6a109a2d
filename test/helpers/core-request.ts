/**
 * Drives the core pipeline without a framework: a plain RequestPort built from a method, URL,
 * headers and body, and the response an adapter would send. For core tests only; the behaviour
 * suite goes through real HTTP on every framework.
 */
import type { JwtManager, RouteOptions } from '../../src/index.js';
import type { RequestPort } from '../../src/kit/index.js';
import { getJwtIdentity, isClientError } from '../../src/index.js';

/** A request as a test describes it. */
export interface FakeRequest {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
}

/** Builds a port from a fake request. */
export function portOf(request: FakeRequest): RequestPort {
  const headers = new Map(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    header: (name) => headers.get(name),
    jsonBody: () => request.json,
    formField: (name) => request.form?.[name],
  };
}

/**
 * Runs a protected "route" that answers `{ identity }` on success, and the manager's error
 * response otherwise: what flask's test app in the fixtures did.
 */
export async function callRoute(
  jwt: JwtManager,
  request: FakeRequest,
  options: RouteOptions = {},
): Promise<{ status: number; body: unknown }> {
  const carrier = {};
  try {
    await jwt.verifyRequest(carrier, portOf(request), jwt.compileRoute(options));
    return { status: 200, body: { identity: getJwtIdentity(carrier) } };
  } catch (error) {
    if (!isClientError(error)) throw error;
    const response = await jwt.errorResponse(error);
    return { status: response.status, body: response.body };
  }
}
