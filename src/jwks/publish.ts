/**
 * The `/.well-known/jwks.json` response every adapter serves in one line: the manager's public
 * keys, as JSON, with a `Cache-Control` that lets verifiers cache the set for a few minutes.
 *
 * @module
 */
import { JwtConfigError } from '../errors.js';
import type { JwkSet } from '../keys/jwk.js';

/**
 * The conventional path of a JWK Set (RFC 8414 / OpenID Connect discovery use it too).
 *
 * @example
 * ```ts
 * app.get(JWKS_PATH, jwksHandler(jwt)) // '/.well-known/jwks.json'
 * ```
 */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * Options of the JWKS route.
 *
 * @example
 * ```ts
 * jwksHandler(jwt, { maxAge: 60 } satisfies JwksResponseOptions)
 * ```
 */
export interface JwksResponseOptions {
  /**
   * Seconds verifiers may cache the set (`Cache-Control: public, max-age=N`). Default 300. Add
   * a new key to the keyring at least this long before promoting it, so every verifier knows it
   * before the first token it signed arrives.
   */
  maxAge?: number;
}

/** A JWKS response as an adapter writes it: status, headers and the JSON text. */
export interface JwksHttpResponse {
  readonly status: 200;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Checks the options once (a bad `maxAge` throws {@link JwtConfigError} when the route is
 * declared, never on a request) and returns what a JWKS route answers: the current public keys
 * (read on every call, so a rotation shows at once) with `Content-Type: application/json` and
 * `Cache-Control: public, max-age=300`. Adapters call it when their handler is created.
 *
 * @example
 * ```ts
 * const respond = createJwksResponder(jwt, { maxAge: 60 });
 * server.on('request', (req, res) => { const { status, headers, body } = respond(); res.writeHead(status, headers).end(body) });
 * ```
 */
export function createJwksResponder(
  source: { jwks(): JwkSet },
  options: JwksResponseOptions = {},
): () => JwksHttpResponse {
  const maxAge = options.maxAge ?? 300;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new JwtConfigError('jwks maxAge must be a whole number of seconds >= 0 (default 300)');
  }
  const headers = Object.freeze({
    'content-type': 'application/json; charset=utf-8',
    'cache-control': `public, max-age=${maxAge}`,
  });
  return () => ({ status: 200, headers, body: JSON.stringify(source.jwks()) });
}

/**
 * The response of a JWKS route, built now: {@link createJwksResponder} called once.
 *
 * @example
 * ```ts
 * const { status, headers, body } = jwksResponse(jwt);
 * res.writeHead(status, headers).end(body);
 * ```
 */
export function jwksResponse(source: { jwks(): JwkSet }, options: JwksResponseOptions = {}): JwksHttpResponse {
  return createJwksResponder(source, options)();
}
