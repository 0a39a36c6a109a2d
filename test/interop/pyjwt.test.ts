/**
 * Interoperability with PyJWT (Debian's python3-jwt, which .ci/run installs): tokens made here
 * decode in Python, for HS256, RS256, ES256 and ES256K, to the same claims (and ES256K both ways).
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
