/**
 * The payload of a new token as a template compiled once per manager and token type: the claim
 * names and every claim whose value is fixed by the configuration (`type`, `aud`, `iss`) are JSON
 * text made at start-up; a call only fills in the few values that change (`iat`, `exp`, the
 * uuids, the identity, `fresh`) and appends the application's claims.
 *
 * A layout is an ordered list of claims, so the same machinery writes flask-jwt-extended 4.x's
 * order (`fresh, iat, jti, type, <identity>, nbf, csrf, aud, iss, exp`, then the extra claims) or
 * another one (3.x puts the extra claims under a namespace claim: see the `claims` source).
 *
 * @module
 */
import { timeOrderedJti } from './issue-time.js';
import { pythonCompatibleJson } from './engine-boundary.js';

/**
 * Where the value of one claim comes from:
 * - `fresh`: the token's `fresh` value (a boolean);
 * - `issuedAt`: the creation time in whole seconds (`iat`, `nbf`);
 * - `expiresAt`: the expiry in whole seconds; the claim is left out for a token that never expires;
 * - `uuid`: a new random UUID (`csrf`);
 * - `timeOrderedUuid`: a new random UUID version 7 carrying the issue millisecond (`jti`: see
 *   issue-time.ts);
 * - `identity`: the identity, as JSON text;
 * - `constant`: `value`, written once at start-up (`type`, `aud`, `iss`);
 * - `claims`: the extra claims as one object under this claim, left out when there are none
 *   (flask-jwt-extended 3.x's `user_claims`). Without such a claim, the extra claims are merged
 *   into the payload after the layout's claims (4.x).
 */
export type ClaimSource =
  'fresh' | 'issuedAt' | 'expiresAt' | 'uuid' | 'timeOrderedUuid' | 'identity' | 'constant' | 'claims';

/** One claim of a layout. */
export interface LayoutClaim {
  readonly name: string;
  readonly source: ClaimSource;
  /** The value of a `constant` claim. */
  readonly value?: unknown;
}

/** The claims a token type is made of, in the order they are written. */
export type PayloadLayout = readonly LayoutClaim[];

/** The values of one token. */
export interface TemplateValues {
  readonly fresh: boolean;
  /** The creation time in milliseconds (the clock's reading). */
  readonly nowMs: number;
  readonly issuedAt: number;
  /** `false` for a token that never expires. */
  readonly expiresAt: number | false;
  /** The identity as JSON text (`"alice"`). */
  readonly identityJson: string;
  /** The extra claims as JSON object text (`{"roles":["a"]}`), or `''` when there are none. */
  readonly claimsJson: string;
  readonly uuid: () => string;
}

/** A compiled layout: {@link PayloadTemplate.render} writes the payload's JSON text. */
export interface PayloadTemplate {
  /** The layout it was compiled from. */
  readonly layout: PayloadLayout;
  /** Names written by the layout: an extra claim with one of these names must take the general path. */
  readonly claimNames: ReadonlySet<string>;
  /** Whether the extra claims are merged at the top level (4.x) rather than nested under a claim (3.x). */
  readonly mergesClaims: boolean;
  render(values: TemplateValues): string;
}

// Sources as small integers: the render loop switches on them.
const FRESH = 0;
const ISSUED_AT = 1;
const EXPIRES_AT = 2;
const UUID = 3;
const IDENTITY = 4;
const CONSTANT = 5;
const CLAIMS = 6;
const TIME_ORDERED_UUID = 7;
const SOURCE_CODES: Readonly<Record<ClaimSource, number>> = {
  fresh: FRESH,
  issuedAt: ISSUED_AT,
  expiresAt: EXPIRES_AT,
  uuid: UUID,
  identity: IDENTITY,
  constant: CONSTANT,
  claims: CLAIMS,
  timeOrderedUuid: TIME_ORDERED_UUID,
};

/**
 * Compiles a layout. Every claim's text starts with `,"<name>":`; the first claim's comma becomes
 * the object's `{`. A claim that may be left out (`expiresAt`, `claims`) cannot come first.
 *
 * @example
 * ```ts
 * const template = compilePayloadTemplate([{ name: 'sub', source: 'identity' }, { name: 'exp', source: 'expiresAt' }])
 * template.render({ identityJson: '"a"', expiresAt: 60, ... }) // '{"sub":"a","exp":60}'
 * ```
 */
export function compilePayloadTemplate(layout: PayloadLayout): PayloadTemplate {
  const first = layout[0];
  if (first === undefined || first.source === 'expiresAt' || first.source === 'claims') {
    throw new Error('A payload layout must start with a claim that is always written');
  }
  const codes = layout.map((claim) => SOURCE_CODES[claim.source]);
  const prefixes = layout.map((claim, i) => {
    const key = `${i === 0 ? '{' : ','}${pythonCompatibleJson(claim.name)}:`;
    // Constants are written whole; uuids bring their opening quote (the closing one is added after).
    if (claim.source === 'constant') return key + pythonCompatibleJson(claim.value);
    return claim.source === 'uuid' || claim.source === 'timeOrderedUuid' ? `${key}"` : key;
  });
  const mergesClaims = !layout.some((claim) => claim.source === 'claims');
  return {
    layout,
    claimNames: new Set(layout.map((claim) => claim.name)),
    mergesClaims,
    render(values) {
      let json = '';
      for (let i = 0; i < codes.length; i++) {
        const prefix = prefixes[i] as string;
        switch (codes[i]) {
          case FRESH:
            json += prefix + (values.fresh ? 'true' : 'false');
            break;
          case ISSUED_AT:
            json += prefix + values.issuedAt;
            break;
          case EXPIRES_AT:
            if (values.expiresAt !== false) json += prefix + values.expiresAt;
            break;
          case UUID:
            json += `${prefix + values.uuid()}"`;
            break;
          case TIME_ORDERED_UUID:
            json += `${prefix + timeOrderedJti(values.nowMs, values.uuid())}"`;
            break;
          case IDENTITY:
            json += prefix + values.identityJson;
            break;
          case CONSTANT:
            json += prefix;
            break;
          case CLAIMS:
            if (values.claimsJson !== '') json += prefix + values.claimsJson;
        }
      }
      if (!mergesClaims || values.claimsJson === '') return `${json}}`;
      // `{"a":1}` appended to `{"fresh":...` is `,"a":1}`.
      return `${json},${values.claimsJson.slice(1)}`;
    },
  };
}

/** What a layout depends on in the configuration. */
export interface LayoutOptions {
  readonly identityClaim: string;
  readonly encodeNbf: boolean;
  readonly cookieCsrfProtect: boolean;
  readonly encodeAudience: string | readonly string[] | null;
  readonly encodeIssuer: string | null;
}

/**
 * flask-jwt-extended 4.x's claims, in its order (`_encode_jwt`): `fresh, iat, jti, type,
 * <identity claim>, nbf, csrf, aud, iss, exp`, each present as the configuration says; the extra
 * claims follow.
 *
 * @example
 * ```ts
 * compilePayloadTemplate(flask4Layout(config, 'access'))
 * ```
 */
export function flask4Layout(options: LayoutOptions, type: 'access' | 'refresh'): PayloadLayout {
  const layout: LayoutClaim[] = [
    { name: 'fresh', source: 'fresh' },
    { name: 'iat', source: 'issuedAt' },
    { name: 'jti', source: 'timeOrderedUuid' },
    { name: 'type', source: 'constant', value: type },
    { name: options.identityClaim, source: 'identity' },
  ];
  if (options.encodeNbf) layout.push({ name: 'nbf', source: 'issuedAt' });
  if (options.cookieCsrfProtect) layout.push({ name: 'csrf', source: 'uuid' });
  if (options.encodeAudience) layout.push({ name: 'aud', source: 'constant', value: options.encodeAudience });
  if (options.encodeIssuer) layout.push({ name: 'iss', source: 'constant', value: options.encodeIssuer });
  layout.push({ name: 'exp', source: 'expiresAt' });
  return layout;
}
