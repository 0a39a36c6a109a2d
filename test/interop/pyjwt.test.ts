/**
 * Interoperability with PyJWT (Debian's python3-jwt, which .ci/run installs): tokens made here
 * decode in Python, for HS256, RS256, ES256 and ES256K, to the same claims (and ES256K both ways);
 * a list of issuers accepts and refuses what PyJWT does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtManager } from '../../src/index.js';

const PYTHON = '/usr/bin/python3';
const DECODE = `
import json, sys, jwt
request = json.load(sys.stdin)
payload = jwt.decode(request["token"], request["key"], algorithms=[request["alg"]])
header = jwt.get_unverified_header(request["token"])
print(json.dumps({"payload": payload, "header": header, "version": jwt.__version__}))
`;

function pyjwtDecode(token: string, key: string, alg: string) {
  const output = execFileSync(PYTHON, ['-c', DECODE], {
    input: JSON.stringify({ token, key, alg }),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return JSON.parse(output) as { payload: Record<string, unknown>; header: Record<string, unknown>; version: string };
}

function pem(alg: 'RS256' | 'ES256') {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

describe('PyJWT decodes tokens made by jwt-extended', () => {
  it('has python3-jwt installed (.ci/run installs it)', () => {
    expect(existsSync(PYTHON), `${PYTHON} is missing: apt-get install python3-jwt`).toBe(true);
    const version = execFileSync(PYTHON, ['-c', 'import jwt; print(jwt.__version__)'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^2\./);
  });

  const secret = 'pyjwt-interop-secret-0123456789abcdef0123456789abcdef';
  const cases = [
    { alg: 'HS256', options: { secretKey: secret }, verifyKey: secret },
    ...(['RS256', 'ES256'] as const).map((alg) => {
      const keys = pem(alg);
      return { alg, options: { algorithm: alg, ...keys }, verifyKey: keys.publicKey };
    }),
  ];

  for (const { alg, options, verifyKey } of cases) {
    it(`${alg}: same claims, same header`, async () => {
      const jwt = new JwtManager({
        ...options,
        userIdentityLoader: (user: { username: string }) => user.username,
        additionalClaimsLoader: (user: { roles: string[] }) => ({ roles: user.roles, name: 'Zoë ✓ 😀' }),
      } as never);
      const token = await jwt.createAccessToken(
        { username: 'test', roles: ['foo', 'bar'] },
        { fresh: true, additionalHeaders: { kid: 'k1' } },
      );
      const decoded = pyjwtDecode(token, verifyKey, alg);
      expect(decoded.payload).toEqual(await jwt.decodeToken(token));
      expect(decoded.payload).toMatchObject({
        sub: 'test',
        roles: ['foo', 'bar'],
        name: 'Zoë ✓ 😀',
        fresh: true,
        type: 'access',
      });
      expect(decoded.header).toEqual({ alg, kid: 'k1', typ: 'JWT' });
    });
  }

  it('refuses in Python a token tampered after signing (the check can fail)', () => {
    const jwt = new JwtManager({ secretKey: secret });
    const token = jwt.createAccessTokenSync('test');
    const [h, p, s] = token.split('.');
    const signature = s as string;
    // A different second-to-last character: always different signature bits.
    const tampered = `${h}.${p}.${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.slice(-1)}`;
    expect(() => pyjwtDecode(tampered, secret, 'HS256')).toThrow(/InvalidSignatureError|Signature verification failed/);
  });
});

describe('ES256K (secp256k1), checked against PyJWT since jose has no secp256k1', () => {
  const ENCODE = `
import json, sys, jwt
request = json.load(sys.stdin)
print(jwt.encode(request["payload"], request["key"], algorithm="ES256K", headers={"kid": "k1"}))
`;
  const pair = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;

  it('a token made here decodes in PyJWT', () => {
    const jwt = new JwtManager({ algorithm: 'ES256K', privateKey: privatePem });
    const token = jwt.createAccessTokenSync('test');
    expect(pyjwtDecode(token, publicPem, 'ES256K').payload).toEqual(jwt.decodeTokenSync(token));
    // And a wrong key refuses it in Python: the check can fail.
    const other = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(() => pyjwtDecode(token, other as string, 'ES256K')).toThrow(
      /InvalidSignatureError|Signature verification failed/,
    );
  });

  it('a token PyJWT signs verifies here, and not under ES256', () => {
    const now = Math.floor(Date.now() / 1000);
    const token = execFileSync(PYTHON, ['-c', ENCODE], {
      input: JSON.stringify({ payload: { sub: 'py', iat: now, exp: now + 60 }, key: privatePem }),
      encoding: 'utf8',
    }).trim();
    const verifier = new JwtManager({ algorithm: 'ES256K', publicKey: publicPem });
    expect(verifier.decodeTokenSync(token).sub).toBe('py');
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(() => new JwtManager({ algorithm: 'ES256', publicKey: p256 }).decodeTokenSync(token)).toThrow(
      'The specified alg value is not allowed',
    );
  });
});

describe("decodeIssuer as a list answers as PyJWT's issuer=[...]", () => {
  // Debian 12's python3-jwt is PyJWT 2.6, whose issuer is one string; lists came in PyJWT 2.7
  // (\`iss in issuer\`). So a list is compared with the union of PyJWT's answers for each issuer
  // (accepted if one accepts; else the first one's error), and directly where PyJWT has lists.
  const CHECK = `
import json, sys, jwt
request = json.load(sys.stdin)
def answer(token, issuer):
    try:
        jwt.decode(token, request["key"], algorithms=["HS256"], issuer=issuer)
        return {"ok": True}
    except jwt.PyJWTError as error:
        return {"ok": False, "error": type(error).__name__, "msg": str(error)}
def union(token):
    answers = [answer(token, issuer) for issuer in request["issuers"]]
    return next((a for a in answers if a["ok"]), answers[0])
has_lists = tuple(int(n) for n in jwt.__version__.split(".")[:2]) >= (2, 7)
print(json.dumps({
    "union": [union(t) for t in request["tokens"]],
    "direct": [answer(t, request["issuers"]) for t in request["tokens"]] if has_lists else None,
}))
`;
  const secret = 'pyjwt-issuer-list-secret-0123456789abcdef0123456789';
  const issuers = ['https://a.example', 'https://b.example'];

  it('accepts and refuses the same tokens, with the same error class and message', () => {
    const maker = new JwtManager({ secretKey: secret, encodeIssuer: null });
    const claims: [string, Record<string, unknown>][] = [
      ['first of the list', { iss: 'https://a.example' }],
      ['second of the list', { iss: 'https://b.example' }],
      ['another issuer', { iss: 'https://c.example' }],
      ['a prefix of one', { iss: 'https://a.exampl' }],
      ['an empty iss', { iss: '' }],
      ['a list holding one', { iss: ['https://a.example'] }],
      ['a number', { iss: 1 }],
      ['no iss at all', {}],
    ];
    const tokens = claims.map(([, additionalClaims]) => maker.createAccessTokenSync('me', { additionalClaims }));
    type Answer = { ok: boolean; error?: string; msg?: string };
    const python = JSON.parse(
      execFileSync(PYTHON, ['-c', CHECK], {
        input: JSON.stringify({ tokens, key: secret, issuers }),
        encoding: 'utf8',
      }),
    ) as { union: Answer[]; direct: Answer[] | null };
    const verifier = new JwtManager({ secretKey: secret, decodeIssuer: issuers });
    const ours = tokens.map((token): Answer => {
      try {
        verifier.decodeTokenSync(token);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: (error as Error).name, msg: (error as Error).message };
      }
    });
    const byName = (answers: Answer[]) => Object.fromEntries(claims.map(([name], i) => [name, answers[i]]));
    expect(byName(ours)).toEqual(byName(python.union));
    if (python.direct !== null) expect(byName(ours)).toEqual(byName(python.direct));
    // Exactly the two listed issuers pass: the comparison is not between two refusals.
    expect(ours.map((answer) => answer.ok)).toEqual([true, true, false, false, false, false, false, false]);
  });
});
