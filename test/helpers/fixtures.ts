/**
 * Loads the flask-jwt-extended 4.7.1 fixtures copied into this repository (a user's clone has no
 * ../shared) and turns a case's flask configuration into jwt-extended options.
 */
import { readFileSync } from 'node:fs';
import type { JwtManagerOptions } from '../../src/index.js';

/** One token case of `fje-4.7.1-tokens.json` (only the fields the tests read). */
export interface TokenCase {
  name: string;
  alg: string;
  validity: 'valid' | 'valid-not-fresh' | 'expired' | 'not-yet-valid';
  key: string;
  config: Record<string, unknown>;
  loaders: Record<string, string> | null;
  call: {
    function: 'create_access_token' | 'create_refresh_token';
    identity: unknown;
    fresh?: boolean | { timedelta_seconds: number };
    expires_delta_seconds: number | false | null;
    additional_claims: Record<string, unknown> | null;
    additional_headers: Record<string, unknown> | null;
  };
  clock: { mode: 'real' } | { mode: 'patched'; nowEpoch: number };
  token: string;
  header: Record<string, unknown>;
  rawHeader: string;
  payload: Record<string, unknown>;
  rawPayload: string;
  expect: {
    decode_token: { ok: true } | { ok: false; exception: string; message: string; status: number; body: unknown };
    endpoints: Record<
      'jwt_required()' | 'jwt_required(fresh=True)' | 'jwt_required(refresh=True)',
      { status: number; body: unknown }
    >;
  };
}

/** A key entry: a secret for HS*, PEM strings otherwise. */
export interface FixtureKey {
  secret?: string;
  privateKeyPem?: string;
  publicKeyPem?: string;
}

/** One cookie scenario of `fje-4.7.1-cookies.json`. */
export interface CookieScenario {
  name: string;
  config: Record<string, unknown>;
  accessToken: string;
  refreshToken: string;
  accessCsrf: string | null;
  refreshCsrf: string | null;
  calls: { function: string; args: Record<string, unknown>; setCookie: string[] }[];
}

const here = new URL('../fixtures/', import.meta.url);

/** The token fixtures file. */
export const tokenFixtures = JSON.parse(readFileSync(new URL('fje-4.7.1-tokens.json', here), 'utf8')) as {
  keys: Record<string, FixtureKey>;
  cases: TokenCase[];
};

/** The cookie fixtures file. */
export const cookieFixtures = JSON.parse(readFileSync(new URL('fje-4.7.1-cookies.json', here), 'utf8')) as {
  keys: { HS256: FixtureKey };
  scenarios: CookieScenario[];
};

const camel = (flaskKey: string): string =>
  flaskKey
    .replace(/^JWT_/, '')
    .toLowerCase()
    .replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * jwt-extended options for a flask `JWT_*` config, by the naming rule (drop `JWT_`, camelCase),
 * with the case's key material.
 */
export function optionsFromFlaskConfig(config: Record<string, unknown>, key: FixtureKey): JwtManagerOptions {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) options[camel(name)] = value;
  if (key.secret !== undefined) options.secretKey = key.secret;
  if (key.privateKeyPem !== undefined) options.privateKey = key.privateKeyPem;
  if (key.publicKeyPem !== undefined) options.publicKey = key.publicKeyPem;
  return options as JwtManagerOptions;
}

/** The seed page's UserObject. */
export class UserObject {
  constructor(
    readonly username: string,
    readonly roles: string[],
  ) {}
}

/** The seed's loaders, as the fixture generator registered them. */
export const seedLoaders = {
  userIdentityLoader: (user: UserObject) => user.username,
  additionalClaimsLoader: (user: UserObject) => ({ roles: user.roles }),
};

/** Turns `{"$UserObject": {...}}` into a UserObject; other identities are kept. */
export function identityOf(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$UserObject' in value) {
    const spec = (value as { $UserObject: { username: string; roles: string[] } }).$UserObject;
    return new UserObject(spec.username, spec.roles);
  }
  return value;
}

/** One token of `fje-3.25.1-tokens.json` (flask-jwt-extended 3.25.1's own `tokens.py`). */
export interface Flask3TokenCase {
  readonly name: string;
  readonly kind: 'access' | 'refresh';
  readonly token: string;
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly note: string;
}

/** The 3.x token fixtures file: HS256, one secret, real issue times (decode at each token's `iat`). */
export const flask3Fixtures = JSON.parse(readFileSync(new URL('fje-3.25.1-tokens.json', here), 'utf8')) as {
  secret: string;
  algorithm: 'HS256';
  cases: Flask3TokenCase[];
};
