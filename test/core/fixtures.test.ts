/**
 * Compatibility proof against tokens made by the real flask-jwt-extended 4.7.1 (all algorithms):
 * each decodes here to the same payload with the same outcome, answers the three fixture routes
 * with the same status and body, and tokens made here decode to the same claims.
 */
import { describe, expect, it } from 'vitest';
import { JwtManager, type JwtManagerOptions, isClientError } from '../../src/index.js';
import { callRoute } from '../helpers/core-request.js';
import { type TokenCase, identityOf, optionsFromFlaskConfig, seedLoaders, tokenFixtures } from '../helpers/fixtures.js';

const ROUTES = {
  'jwt_required()': {},
  'jwt_required(fresh=True)': { fresh: true },
  'jwt_required(refresh=True)': { refresh: true },
} as const;

/** A manager configured like the app that made the case. */
function managerFor(c: TokenCase, extra: Record<string, unknown> = {}): JwtManager {
  const options = optionsFromFlaskConfig(c.config, tokenFixtures.keys[c.key] ?? {});
  // PyJWT 2.6 did not check `sub`; jwt-extended follows PyJWT >= 2.10 unless told otherwise.
  if (c.name === 'integer-identity') options.verifySub = false;
  return new JwtManager({ ...options, ...(c.loaders ? seedLoaders : {}), ...extra } as JwtManagerOptions);
}

describe('flask-jwt-extended 4.7.1 tokens', () => {
  it('covers all 45 cases', () => {
    expect(tokenFixtures.cases).toHaveLength(45);
  });

  for (const c of tokenFixtures.cases) {
    describe(c.name, () => {
      it('decodes with the same outcome', async () => {
        const jwt = managerFor(c);
        const expected = c.expect.decode_token;
        if (expected.ok) {
          expect(await jwt.decodeToken(c.token)).toEqual(c.payload);
          expect(jwt.getUnverifiedJwtHeaders(c.token)).toEqual(c.header);
          return;
        }
        const error = await jwt.decodeToken(c.token).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isClientError(error)).toBe(true);
        expect((error as Error).message).toBe(expected.message);
        const response = await jwt.errorResponse(error);
        expect({ status: response.status, body: response.body }).toEqual({
          status: expected.status,
          body: expected.body,
        });
        if (c.validity === 'expired') {
          expect(await jwt.decodeToken(c.token, { allowExpired: true })).toEqual(c.payload);
        }
      });

      for (const [route, options] of Object.entries(ROUTES)) {
        it(`answers ${route} as flask did`, async () => {
          const result = await callRoute(managerFor(c), { headers: { Authorization: `Bearer ${c.token}` } }, options);
          expect(result).toEqual(c.expect.endpoints[route as keyof typeof ROUTES]);
        });
      }

      it('is reproduced here with the same claims', async () => {
        const patchedNow = c.clock.mode === 'patched' ? c.clock.nowEpoch * 1000 : undefined;
        const jwt = managerFor(c, patchedNow === undefined ? {} : { clock: () => patchedNow });
        const options = {
          expiresDelta: c.call.expires_delta_seconds,
          additionalClaims: c.call.additional_claims,
          additionalHeaders: c.call.additional_headers,
        };
        const fresh = c.call.fresh;
        const token =
          c.call.function === 'create_access_token'
            ? await jwt.createAccessToken(identityOf(c.call.identity), {
                ...options,
                fresh: typeof fresh === 'object' ? fresh.timedelta_seconds : (fresh ?? false),
              })
            : await jwt.createRefreshToken(identityOf(c.call.identity), options);
        expect(jwt.getUnverifiedJwtHeaders(token)).toEqual(c.header);
        // Not-yet-valid cases are decoded as the fixture did: with a clock past their nbf/iat.
        const decoder =
          c.validity === 'not-yet-valid' ? managerFor(c, { clock: () => Date.UTC(2126, 0, 1, 0, 0, 1) }) : jwt;
        const ours = await decoder.decodeToken(token, { allowExpired: true });
        // Random (jti, csrf) and, on the real clock, time-dependent claims differ; the layout must not.
        expect(Object.keys(ours)).toEqual(Object.keys(c.payload));
        const stable = (p: Record<string, unknown>) => {
          const copy: Record<string, unknown> = { ...p };
          for (const claim of ['jti', 'csrf']) if (typeof copy[claim] === 'string') copy[claim] = 'uuid4';
          if (patchedNow === undefined) {
            for (const claim of ['iat', 'nbf', 'exp', 'fresh'])
              if (typeof copy[claim] === 'number') copy[claim] = 'time';
          }
          return copy;
        };
        expect(stable(ours)).toEqual(stable(c.payload));
        if (typeof ours.jti === 'string') {
          // A random UUID as flask writes, in version 7: its first 48 bits are the issue
          // millisecond (src/issue-time.ts), which falls inside the iat second.
          expect(ours.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          const ms = parseInt(ours.jti.slice(0, 8) + ours.jti.slice(9, 13), 16);
          expect(Math.floor(ms / 1000)).toBe(ours.iat);
        }
      });
    });
  }
});
