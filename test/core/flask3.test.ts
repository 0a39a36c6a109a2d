/**
 * The `flask3Layout` option against tokens made by flask-jwt-extended 3.25.1 itself
 * (test/fixtures/fje-3.25.1-tokens.json), and our 3.x tokens against PyJWT plus 3.25.1's own
 * decode rules (python3, which .ci/run installs): both directions of a mixed 3.x / jwt-extended
 * fleet.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager, type JwtManagerOptions } from '../../src/index.js';
import { importSigningKey, nodeCryptoEngine } from '../../src/jws/index.js';
import { callRoute } from '../helpers/core-request.js';
import { type Flask3TokenCase, UserObject, flask3Fixtures, seedLoaders } from '../helpers/fixtures.js';

const { secret, cases } = flask3Fixtures;
const byName = (name: string): Flask3TokenCase => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
};

/** A manager whose clock stands at the fixture's issue time (its tokens expire 15 min later). */
function managerAt(c: Flask3TokenCase, options: JwtManagerOptions = {}): JwtManager {
  return new JwtManager({
    secretKey: secret,
    clock: () => (c.payload.iat as number) * 1000 + 1000,
    flask3Layout: c.name === 'access-custom-keys' ? { identityClaim: 'sub', userClaims: 'ctx' } : true,
    ...options,
  });
}

/** What a 3.x payload reads as in jwt-extended: identity at `sub`, nested claims at the top. */
function asFourX(c: Flask3TokenCase): Record<string, unknown> {
  const { identity, user_claims: userClaims, ctx, ...rest } = c.payload as Record<string, unknown>;
  const nested = (userClaims ?? ctx ?? {}) as Record<string, unknown>;
  return { fresh: false, ...rest, sub: identity ?? c.payload.sub, ...nested };
}

describe('flask3Layout: reading tokens made by flask-jwt-extended 3.25.1', () => {
  it('has the 11 fixture tokens', () => {
    expect(cases).toHaveLength(11);
  });

  for (const c of cases) {
    it(`${c.name}: decodes to the 4.x shape (${c.note})`, () => {
      const payload = managerAt(c).decodeTokenSync(c.token);
      expect(payload).toEqual(asFourX(c));
    });
  }

  it('accepts each at the route of its kind, with the identity and the nested claims', async () => {
    for (const c of cases) {
      const jwt = managerAt(c, { tokenLocation: ['headers'] });
      const route = c.kind === 'refresh' ? { refresh: true } : {};
      const result = await callRoute(jwt, { headers: { authorization: `Bearer ${c.token}` } }, route);
      expect(result, c.name).toEqual({ status: 200, body: { identity: c.payload.identity ?? c.payload.sub } });
    }
  });

  it('fresh: true and an integer epoch in the future are fresh; false is not; refresh tokens have no fresh', async () => {
    const fresh = async (name: string) =>
      (
        await callRoute(
          managerAt(byName(name)),
          { headers: { authorization: `Bearer ${byName(name).token}` } },
          { fresh: true },
        )
      ).status;
    expect(await fresh('seed-access-fresh')).toBe(200);
    expect(await fresh('access-fresh-timedelta')).toBe(200);
    expect(await fresh('seed-access')).toBe(401);
    expect(managerAt(byName('refresh')).decodeTokenSync(byName('refresh').token).fresh).toBe(false);
  });

  it('a 3.x refresh token is refused at an access route, an access token at a refresh route', async () => {
    const refresh = byName('refresh-no-claims');
    const access = byName('seed-access');
    const at = async (c: Flask3TokenCase, route: object) =>
      callRoute(managerAt(c), { headers: { authorization: `Bearer ${c.token}` } }, route);
    expect(await at(refresh, {})).toEqual({ status: 422, body: { msg: 'Only non-refresh tokens are allowed' } });
    expect(await at(access, { refresh: true })).toEqual({
      status: 422,
      body: { msg: 'Only refresh tokens are allowed' },
    });
  });

  it('an integer identity is accepted, as 3.x allowed any JSON identity', () => {
    const c = byName('access-int-identity');
    expect(managerAt(c).decodeTokenSync(c.token).sub).toBe(42);
  });

  it('checks the csrf claim of a 3.x cookie token', async () => {
    const c = byName('access-csrf');
    const jwt = managerAt(c, { tokenLocation: ['cookies'] });
    const cookie = `access_token_cookie=${c.token}`;
    const post = (csrf: string) => callRoute(jwt, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    expect(await post(c.payload.csrf as string)).toEqual({ status: 200, body: { identity: 'test' } });
    expect(await post('wrong')).toEqual({ status: 401, body: { msg: 'CSRF double submit tokens do not match' } });
  });

  it('claims nested in the token never replace its own top-level claims', () => {
    const jwt = new JwtManager({ secretKey: secret, flask3Layout: true, clock: () => 1_000_000_000_000 });
    const payload = {
      iat: 999_999_999,
      identity: 'alice',
      type: 'access',
      user_claims: { type: 'refresh', sub: 'mallory', exp: 1, roles: ['r'] },
    };
    const token = nodeCryptoEngine.sign(
      '{"alg":"HS256","typ":"JWT"}',
      JSON.stringify(payload),
      importSigningKey('HS256', secret),
    );
    expect(jwt.decodeTokenSync(token)).toEqual({
      iat: 999_999_999,
      sub: 'alice',
      type: 'access',
      fresh: false,
      jti: null,
      roles: ['r'],
    });
  });

  it('without the option, a 3.x token is refused as flask-jwt-extended 4 refuses it', async () => {
    const c = byName('seed-access');
    const jwt = new JwtManager({ secretKey: secret, clock: () => (c.payload.iat as number) * 1000 });
    const result = await callRoute(jwt, { headers: { authorization: `Bearer ${c.token}` } });
    expect(result).toEqual({ status: 422, body: { msg: 'Missing claim: sub' } });
  });

  it('still reads 4.x tokens when the option is on', async () => {
    const four = new JwtManager({ secretKey: secret });
    const three = new JwtManager({ secretKey: secret, flask3Layout: true });
    const token = await four.createAccessToken('alice', { additionalClaims: { roles: ['r'] } });
    expect(three.decodeTokenSync(token)).toMatchObject({ sub: 'alice', roles: ['r'], type: 'access' });
  });

  it('refuses a malformed option at start-up', () => {
    expect(() => new JwtManager({ secretKey: secret, flask3Layout: 'yes' as never })).toThrow(JwtConfigError);
    expect(() => new JwtManager({ secretKey: secret, flask3Layout: { userClaims: '' } })).toThrow(
      'flask3Layout.userClaims must be a non-empty string',
    );
    expect(() => new JwtManager({ secretKey: secret, flask3Layout: { identityClaim: 'x', userClaims: 'x' } })).toThrow(
      JwtConfigError,
    );
  });
});

/** Key order and values of a payload, with the random `jti` and `csrf` values masked. */
function shape(payload: Record<string, unknown>): [string, unknown][] {
  return Object.entries(payload).map(([k, v]) => [k, k === 'jti' || k === 'csrf' ? typeof v : v]);
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe("flask3Layout { write: true }: tokens in 3.25.1's layout", () => {
  const seed = new UserObject('test', ['foo', 'bar']);
  const writer = (c: Flask3TokenCase, options: JwtManagerOptions = {}) =>
    new JwtManager({
      secretKey: secret,
      clock: () => (c.payload.iat as number) * 1000,
      flask3Layout: { write: true },
      ...seedLoaders,
      ...options,
    } as JwtManagerOptions);

  /** Each 3.25.1 fixture case, made again here: the options it stands for and the call. */
  const cookies = { tokenLocation: ['headers', 'cookies'] } as JwtManagerOptions;
  const WRITE_CASES: readonly [string, JwtManagerOptions, (jwt: JwtManager) => Promise<string>][] = [
    ['seed-access', {}, (jwt) => jwt.createAccessToken(seed)],
    ['seed-access-fresh', {}, (jwt) => jwt.createAccessToken(seed, { fresh: true })],
    ['access-fresh-timedelta', {}, (jwt) => jwt.createAccessToken(seed, { fresh: 300 })],
    ['access-no-claims', { additionalClaimsLoader: () => ({}) }, (jwt) => jwt.createAccessToken(seed)],
    ['access-csrf', cookies, (jwt) => jwt.createAccessToken(seed)],
    ['access-never-expires', {}, (jwt) => jwt.createAccessToken(seed, { expiresDelta: false })],
    [
      'access-custom-keys',
      { flask3Layout: { write: true, identityClaim: 'sub', userClaims: 'ctx' } },
      (jwt) => jwt.createAccessToken(seed),
    ],
    ['access-int-identity', { userIdentityLoader: () => 42 }, (jwt) => jwt.createAccessToken(seed)],
    ['refresh', { flask3Layout: { write: true, claimsInRefreshToken: true } }, (jwt) => jwt.createRefreshToken(seed)],
    ['refresh-no-claims', {}, (jwt) => jwt.createRefreshToken(seed)],
    ['refresh-csrf', cookies, (jwt) => jwt.createRefreshToken(seed)],
  ];

  it('makes every fixture case again', () => {
    expect(WRITE_CASES.map(([name]) => name).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  for (const [name, options, make] of WRITE_CASES) {
    it(`${name}: the same claims in the same order as 3.25.1's token`, async () => {
      const c = byName(name);
      expect(shape(payloadOf(await make(writer(c, options))))).toEqual(shape(c.payload));
    });
  }

  it("every case decodes in PyJWT to 3.25.1's claims, and 3.25.1's decode rules accept it", async () => {
    const requests = await Promise.all(
      WRITE_CASES.map(async ([name, options, make]) => {
        const layout = (options.flask3Layout ?? {}) as { identityClaim?: string; userClaims?: string };
        const token = await make(writer(byName(name), options));
        return {
          token,
          identity: layout.identityClaim ?? 'identity',
          userClaims: layout.userClaims ?? 'user_claims',
          csrf: payloadOf(token).csrf ?? null,
        };
      }),
    );
    const decoded = pyjwtFlask3Decode(requests, secret);
    WRITE_CASES.forEach(([name], i) => {
      expect(decoded[i]?.error, name).toBeUndefined();
      expect(shape(decoded[i]?.raw ?? {}), name).toEqual(shape(byName(name).payload));
    });
  });

  it("3.25.1's decode rules can refuse: a 4.x token, and a 3.x token under other claim names", async () => {
    const fourX = new JwtManager({ secretKey: secret, ...seedLoaders } as JwtManagerOptions);
    const ours = writer(byName('seed-access'));
    const decoded = pyjwtFlask3Decode(
      [
        { token: await fourX.createAccessToken(seed), identity: 'identity', userClaims: 'user_claims', csrf: null },
        { token: await ours.createAccessToken(seed), identity: 'sub', userClaims: 'user_claims', csrf: null },
      ],
      secret,
    );
    expect(decoded.map((d) => d.error)).toEqual(['Missing claim: identity', 'Missing claim: sub']);
  });

  it('reads its own 3.x tokens back in the 4.x shape', async () => {
    const jwt = writer(byName('seed-access'));
    const payload = jwt.decodeTokenSync(await jwt.createAccessToken(seed));
    expect(payload).toMatchObject({ sub: 'test', roles: ['foo', 'bar'], type: 'access', fresh: false });
    expect(payload).not.toHaveProperty('identity');
    expect(payload).not.toHaveProperty('user_claims');
  });
});

/** What PyJWT and 3.25.1's rules make of one token: its claims as PyJWT gives them, or the error. */
interface Flask3Decoded {
  readonly raw?: Record<string, unknown>;
  readonly error?: string;
}

/**
 * Decodes each token with PyJWT (expiry not checked: the fixture clock is in the past), then applies
 * flask-jwt-extended 3.25.1's `decode_jwt` rules with the case's claim names (identity claim
 * present, `type` access or refresh, `fresh` defaulted for access tokens only, user claims defaulted
 * to `{}`, the `csrf` claim equal to the double-submit value), raising as 3.x would.
 */
function pyjwtFlask3Decode(
  requests: readonly { token: string; identity: string; userClaims: string; csrf: unknown }[],
  key: string,
): Flask3Decoded[] {
  const script = `
import json, sys, jwt
request = json.load(sys.stdin)
out = []
for case in request["cases"]:
    try:
        raw = jwt.decode(case["token"], request["key"], algorithms=["HS256"], options={"verify_exp": False})
        data = dict(raw)
        if "jti" not in data: data["jti"] = None
        if case["identity"] not in data: raise Exception("Missing claim: " + case["identity"])
        if "type" not in data: data["type"] = "access"
        if data["type"] not in ("refresh", "access"): raise Exception("Missing or invalid claim: type")
        if data["type"] == "access" and "fresh" not in data: data["fresh"] = False
        if case["userClaims"] not in data: data[case["userClaims"]] = {}
        if case["csrf"]:
            if "csrf" not in data: raise Exception("Missing claim: csrf")
            if data["csrf"] != case["csrf"]: raise Exception("CSRF double submit tokens do not match")
        out.append({"raw": raw})
    except Exception as e:
        out.append({"error": str(e)})
print(json.dumps(out))
`;
  const output = execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify({ cases: requests, key }),
    encoding: 'utf8',
  });
  return JSON.parse(output) as Flask3Decoded[];
}
