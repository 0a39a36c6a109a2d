/**
 * Builds and signs a token in flask-jwt-extended 4.x's exact layout: `fresh, iat, jti, type,
 * <identity claim>, nbf, csrf, aud, iss, exp`, then the additional claims, which may override any
 * of those (flask's documented behaviour).
 *
 * @module
 */
import type { ResolvedConfig } from './config.js';
import { type Duration, durationToSeconds } from './duration.js';
import { JwtEncodeError } from './errors.js';
import { buildFlask3Payload } from './flask3.js';
import { timeOrderedJti } from './issue-time.js';
import { pythonCompatibleJson, sortedHeaderJson } from './engine-boundary.js';
import type { EngineKey } from './jws/index.js';
import type { MaybePromise } from './types.js';
import { type PayloadLayout, type PayloadTemplate, compilePayloadTemplate, flask4Layout } from './payload-template.js';
import { uuid4 } from './uuid4.js';

/** Options of `createAccessToken` (flask's keyword arguments). */
export interface AccessTokenOptions {
  /**
   * `true`/`false`, or a duration (seconds or `'15m'`) for which the token stays fresh: stored as
   * a float epoch, as flask stores `fresh=timedelta(...)`. Default `false`.
   */
  fresh?: boolean | Duration;
  /** Overrides `accessTokenExpires`; `false` (or 0) for a token that never expires. */
  expiresDelta?: Duration | null;
  /** Extra claims; they win over the claims loader's and may override reserved claims. */
  additionalClaims?: Record<string, unknown> | null;
  /** Extra JOSE headers; they win over the headers loader's. */
  additionalHeaders?: Record<string, unknown> | null;
}

/** Options of `createRefreshToken`: a refresh token is never fresh. */
export type RefreshTokenOptions = Omit<AccessTokenOptions, 'fresh'>;

/** Everything a token is made of once the loaders have run. */
export interface TokenParts {
  readonly type: 'access' | 'refresh';
  readonly identity: unknown;
  readonly fresh: boolean | Duration;
  readonly expiresDelta: Duration | null | undefined;
  readonly loaderClaims: Record<string, unknown> | null | undefined;
  readonly additionalClaims: Record<string, unknown> | null | undefined;
  readonly loaderHeaders: Record<string, unknown> | null | undefined;
  readonly additionalHeaders: Record<string, unknown> | null | undefined;
  /** The signing key; a keyring's carries the `kid` every token it signs gets in its header. */
  readonly key: EngineKey & { readonly kid?: string };
}

/** Makes the tokens of one configuration; created once per manager. */
export interface TokenEncoder {
  /**
   * Signs a token from its parts. Throws {@link JwtEncodeError} for claims that cannot be a JWT:
   * a missing identity, a non-string `sub` while `verifySub` is on, a non-JSON value, or an `alg`
   * header that differs from the configured algorithm (PyJWT would silently sign with it).
   */
  encode(parts: TokenParts): MaybePromise<string>;
}

/** What an encoder may be given besides the configuration. */
export interface TokenEncoderOptions {
  /** The source of `jti` and `csrf` values (tests make them predictable). Default {@link uuid4}. */
  readonly uuid?: () => string;
  /** The claims of each token type, in order. Default flask-jwt-extended 4.x's ({@link flask4Layout}). */
  readonly layout?: (type: 'access' | 'refresh') => PayloadLayout;
}

/**
 * Creates the encoder of one configuration: the payload templates of both token types are
 * compiled here, once.
 *
 * Two paths write the same bytes. The template path fills a precompiled JSON text and serialises
 * only the application's claims; it is taken when the identity is a string, `fresh` a boolean and
 * no extra claim rewrites one of the layout's claims (or `sub`). Anything else (an override, a
 * non-string identity, `fresh` as a duration) builds the payload object claim by claim, as
 * flask's dict, and serialises it whole.
 *
 * @example
 * ```ts
 * const encoder = createTokenEncoder(config)
 * encoder.encode({ type: 'access', identity: 'test', fresh: false, key, ... })
 * ```
 */
export function createTokenEncoder(config: ResolvedConfig, options: TokenEncoderOptions = {}): TokenEncoder {
  // flask-jwt-extended 3.x's layout (flask3Layout.write), for a fleet whose 3.x services must
  // accept our tokens: built claim by claim, never on the 4.x template path.
  if (config.flask3Layout?.write) {
    return {
      encode(parts) {
        const payload = buildFlask3Payload(config, parts);
        const headerJson =
          parts.loaderHeaders || parts.additionalHeaders
            ? sortedHeaderJson(buildHeader(config, parts))
            : defaultHeaderJson(parts);
        return config.engine.sign(headerJson, pythonCompatibleJson(payload), parts.key);
      },
    };
  }
  const uuid = options.uuid ?? uuid4;
  const layoutOf = options.layout ?? ((type: 'access' | 'refresh') => flask4Layout(config, type));
  const layouts = { access: layoutOf('access'), refresh: layoutOf('refresh') };
  const templates = { access: templateOf(layouts.access), refresh: templateOf(layouts.refresh) };
  // The fields of the values object are always the same: one hidden class for every call.
  const values = {
    fresh: false,
    nowMs: 0,
    issuedAt: 0,
    expiresAt: 0 as number | false,
    identityJson: '',
    claimsJson: '',
    uuid,
  };
  return {
    encode(parts) {
      // Claims are checked before the header, and both before anything is serialised, as flask does.
      const template = templates[parts.type];
      const extra =
        template !== null && typeof parts.identity === 'string' && typeof parts.fresh === 'boolean'
          ? templateClaims(config, template, parts)
          : undefined;
      const payload = extra === undefined ? buildPayload(config, layouts[parts.type], parts, uuid) : null;
      if (payload === null) {
        const nowMs = config.clock();
        values.fresh = parts.fresh as boolean;
        values.nowMs = nowMs;
        values.issuedAt = Math.floor(nowMs / 1000);
        values.expiresAt = expiresAt(config, parts, nowMs);
      }
      const headerJson =
        parts.loaderHeaders || parts.additionalHeaders
          ? sortedHeaderJson(buildHeader(config, parts))
          : defaultHeaderJson(parts);
      let payloadJson: string;
      if (payload === null) {
        values.identityJson = pythonCompatibleJson(parts.identity);
        values.claimsJson = extra === null || extra === undefined ? '' : pythonCompatibleJson(extra);
        if (values.claimsJson === '{}') values.claimsJson = '';
        payloadJson = (template as PayloadTemplate).render(values);
      } else {
        payloadJson = pythonCompatibleJson(payload);
      }
      return config.engine.sign(headerJson, payloadJson, parts.key);
    },
  };
}

/** The template of a layout, or `null` when one name appears twice (a later claim rewrites an earlier one). */
function templateOf(layout: PayloadLayout): PayloadTemplate | null {
  const names = new Set(layout.map((claim) => claim.name));
  return names.size === layout.length ? compilePayloadTemplate(layout) : null;
}

/**
 * `{"alg":"<alg>","typ":"JWT"}`, the header of every token without extra headers (keys sorted);
 * `{"alg":"<alg>","kid":"<kid>","typ":"JWT"}` with a keyring's key.
 */
function defaultHeaderJson(parts: TokenParts): string {
  // One signing key makes nearly every token: the same string object again lets the signer see
  // its cached header segment with a pointer comparison instead of comparing the text.
  if (parts.key === lastKey) return lastHeaderJson;
  const { kid } = parts.key;
  lastHeaderJson =
    kid === undefined
      ? `{"alg":"${parts.key.alg}","typ":"JWT"}`
      : `{"alg":"${parts.key.alg}","kid":${JSON.stringify(kid)},"typ":"JWT"}`;
  lastKey = parts.key;
  return lastHeaderJson;
}

let lastKey: TokenParts['key'] | undefined;
let lastHeaderJson = '';

/**
 * The extra claims for the template path: `null` when there are none, the object to serialise
 * otherwise, or `undefined` when the template cannot write them (a claim that overrides one of
 * the layout's, `sub` under `verifySub`, a `toJSON` key that would change how the object is
 * written, or an integer-like name that JavaScript orders first). Refuses what the general path refuses, with the same messages.
 */
function templateClaims(
  config: ResolvedConfig,
  template: PayloadTemplate,
  parts: TokenParts,
): Record<string, unknown> | null | undefined {
  const loader = checkedClaims(parts.loaderClaims, 'additionalClaimsLoader');
  const additional = checkedClaims(parts.additionalClaims, 'additionalClaims');
  if (loader === null && additional === null) return null;
  if (template.mergesClaims) {
    if (!claimsFit(loader, template, config) || !claimsFit(additional, template, config)) return undefined;
  }
  // Only a plain object is written exactly as its own enumerable claims (a class could have a
  // toJSON method or inherited getters); anything else, and two sources, are copied in order.
  if (additional === null && isPlainObject(loader)) return loader;
  if (loader === null && isPlainObject(additional)) return additional;
  const merged: Record<string, unknown> = {};
  mergeInto(merged, loader, 'additionalClaimsLoader');
  mergeInto(merged, additional, 'additionalClaims');
  return merged;
}

function checkedClaims(source: unknown, what: string): Record<string, unknown> | null {
  if (source === undefined || source === null) return null;
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new JwtEncodeError(`${what} must be an object of claims, not ${typeName(source)}`);
  }
  return source as Record<string, unknown>;
}

/** True when no claim of `source` is one the template writes itself. */
function claimsFit(source: Record<string, unknown> | null, template: PayloadTemplate, config: ResolvedConfig): boolean {
  if (source === null) return true;
  for (const name in source) {
    if (!Object.hasOwn(source, name)) continue;
    if (template.claimNames.has(name) || name === 'toJSON' || (name === 'sub' && config.verifySub)) return false;
    // An integer-like name ("2") comes first in a JavaScript object, before the layout's claims;
    // the general path writes it there, so a name starting with a digit takes that path.
    const first = name.charCodeAt(0);
    if (first >= 48 && first <= 57) return false;
  }
  return true;
}

function isPlainObject(value: object | null): value is Record<string, unknown> {
  if (value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function expiresAt(config: ResolvedConfig, parts: TokenParts, nowMs: number): number | false {
  const defaultExpiry = parts.type === 'access' ? config.accessTokenExpires : config.refreshTokenExpires;
  const expires =
    parts.expiresDelta === undefined || parts.expiresDelta === null
      ? defaultExpiry
      : durationToSeconds(parts.expiresDelta, 'expiresDelta');
  return expires === false ? false : Math.floor((nowMs + expires * 1000) / 1000);
}

/** The general path: the payload object, claim by claim in the layout's order, as flask's dict. */
function buildPayload(
  config: ResolvedConfig,
  layout: PayloadLayout,
  parts: TokenParts,
  uuid: () => string,
): Record<string, unknown> {
  if (parts.identity === undefined) {
    throw new JwtEncodeError(
      'The token identity is undefined: pass an identity to createAccessToken, or return one from userIdentityLoader',
    );
  }
  const nowMs = config.clock();
  const iat = Math.floor(nowMs / 1000);
  const payload: Record<string, unknown> = {};
  let namespace: string | null = null;
  for (const claim of layout) {
    switch (claim.source) {
      case 'fresh':
        defineClaim(payload, claim.name, freshClaim(parts.fresh, nowMs));
        break;
      case 'issuedAt':
        defineClaim(payload, claim.name, iat);
        break;
      case 'expiresAt': {
        const exp = expiresAt(config, parts, nowMs);
        if (exp !== false) defineClaim(payload, claim.name, exp);
        break;
      }
      case 'uuid':
        defineClaim(payload, claim.name, uuid());
        break;
      case 'timeOrderedUuid':
        defineClaim(payload, claim.name, timeOrderedJti(nowMs, uuid()));
        break;
      case 'identity':
        defineClaim(payload, claim.name, parts.identity);
        break;
      case 'constant':
        defineClaim(payload, claim.name, claim.value);
        break;
      case 'claims':
        namespace = claim.name;
        // Holds the claim's place in the order; filled (or removed) below.
        defineClaim(payload, claim.name, undefined);
        break;
    }
  }
  const target: Record<string, unknown> = namespace === null ? payload : {};
  mergeInto(target, parts.loaderClaims, 'additionalClaimsLoader');
  mergeInto(target, parts.additionalClaims, 'additionalClaims');
  if (namespace !== null) {
    if (Object.keys(target).length > 0) defineClaim(payload, namespace, target);
    else delete payload[namespace];
  }
  if (config.verifySub && Object.hasOwn(payload, 'sub') && typeof payload.sub !== 'string') {
    throw new JwtEncodeError(
      `The "sub" claim must be a string (got ${typeName(payload.sub)}): return a string from userIdentityLoader (e.g. String(user.id)), or set verifySub: false`,
    );
  }
  return payload;
}

function freshClaim(fresh: boolean | Duration, nowMs: number): boolean | number {
  if (fresh === true || fresh === false) return fresh;
  const seconds = durationToSeconds(fresh, 'fresh');
  // flask stores `now + timedelta` as a float epoch with sub-second precision.
  return seconds === false ? false : (nowMs + seconds * 1000) / 1000;
}

function buildHeader(config: ResolvedConfig, parts: TokenParts): Record<string, unknown> {
  const { kid } = parts.key;
  const header: Record<string, unknown> = { typ: 'JWT', alg: parts.key.alg };
  if (kid !== undefined) header.kid = kid;
  mergeInto(header, parts.loaderHeaders, 'additionalHeadersLoader');
  mergeInto(header, parts.additionalHeaders, 'additionalHeaders');
  if (header.alg !== parts.key.alg) {
    throw new JwtEncodeError(
      `The "alg" header cannot be changed per token: it is "${parts.key.alg}", the signing key's algorithm`,
    );
  }
  if (kid !== undefined && header.kid !== kid) {
    throw new JwtEncodeError(
      `The "kid" header cannot be changed per token: it is the signing key's ("${kid}"); promote another key instead`,
    );
  }
  if (!header.typ) delete header.typ;
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new JwtEncodeError('The "kid" header must be a string');
  }
  return header;
}

/** Copies claims in order; `__proto__` stays a plain claim instead of changing the prototype. */
function mergeInto(target: Record<string, unknown>, source: unknown, what: string): void {
  if (source === undefined || source === null) return;
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new JwtEncodeError(`${what} must be an object of claims, not ${typeName(source)}`);
  }
  for (const [name, value] of Object.entries(source)) defineClaim(target, name, value);
}

function defineClaim(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
