/**
 * Signing and verification, and the attacks the engine exists to stop: alg none, algorithm
 * confusion (HMAC with a public key), header-chosen keys, malformed ECDSA signatures.
 */
import { constants, createHmac, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AlgorithmNotAllowed, BadSignature, Unencodable, UnusableKey } from './engine-errors.js';
import { ALGORITHMS, algorithmInfo } from '../../src/jws/algorithms.js';
import { parseCompactJws } from '../../src/jws/compact.js';
import type { ParsedJws } from '../../src/jws/compact.js';
import { importSigningKey, importVerifyingKey } from '../../src/jws/keys.js';
import { signCompactJws } from '../../src/jws/sign.js';
import { assertAlgorithmAllowed, ecdsaSignatureWellFormed, verifyCompactJws } from '../../src/jws/verify.js';
import type { Algorithm, JwtHeader } from '../../src/types.js';
import { expectThrow } from './expect-error.js';
import { HMAC_SECRET, ecKeys, ed25519Keys, pem, rsaKeys, rsaPssKeys } from './test-keys.js';

const b64 = (x: string | Buffer): string => Buffer.from(x).toString('base64url');
const parse = (token: string): ParsedJws => parseCompactJws(token, 8192);
const PAYLOAD = '{"sub":"me"}';

function expectBadSignature(parsed: ParsedJws, key: ReturnType<typeof importVerifyingKey>): void {
  expectThrow(() => verifyCompactJws(parsed, key), BadSignature, 'Signature verification failed', 'signature');
}

function expectAlgNotAllowed(header: unknown, allowed: readonly Algorithm[] | ReadonlySet<Algorithm>): void {
  expectThrow(
    () => assertAlgorithmAllowed(header as JwtHeader, allowed),
    AlgorithmNotAllowed,
    'The specified alg value is not allowed',
    'algorithm',
  );
}

describe('assertAlgorithmAllowed', () => {
  it('returns the alg when it is allowed (array or Set)', () => {
    expect(assertAlgorithmAllowed({ alg: 'RS256' }, ['HS256', 'RS256'])).toBe('RS256');
    expect(assertAlgorithmAllowed({ alg: 'EdDSA' }, new Set<Algorithm>(['EdDSA']))).toBe('EdDSA');
  });

  it.each([
    ['none', { alg: 'none' }],
    ['None', { alg: 'None' }],
    ['NONE', { alg: 'NONE' }],
    ['a missing alg', {}],
    ['an empty alg', { alg: '' }],
    ['a numeric alg', { alg: 256 }],
    ['null', { alg: null }],
    ['an array alg', { alg: ['HS256'] }],
    ['a lowercase name', { alg: 'hs256' }],
    ['an unknown name', { alg: 'HS1024' }],
    ['an inherited name', { alg: 'toString' }],
  ])('refuses %s, even when every algorithm is allowed', (_name, header) => {
    expectAlgNotAllowed(header, ALGORITHMS);
    expectAlgNotAllowed(header, new Set(ALGORITHMS));
  });

  it('refuses a supported algorithm that is not in the list', () => {
    expectAlgNotAllowed({ alg: 'HS256' }, ['RS256']);
    expectAlgNotAllowed({ alg: 'RS256' }, new Set<Algorithm>(['PS256', 'ES256']));
    expectAlgNotAllowed({ alg: 'HS256' }, []);
  });
});

describe('alg none', () => {
  const header = b64('{"alg":"none","typ":"JWT"}');
  it.each([
    ['without a signature', `${header}.${b64(PAYLOAD)}.`],
    ['with a signature', `${header}.${b64(PAYLOAD)}.${b64(Buffer.alloc(32, 1))}`],
  ])('is not allowed %s', (_name, token) => {
    const parsed = parse(token);
    expectAlgNotAllowed(parsed.header, ['HS256']);
    // A caller that skipped the allow-list still cannot get it past the key's binding.
    expectBadSignature(parsed, importVerifyingKey('HS256', HMAC_SECRET));
  });
});

describe('algorithm confusion: HS256 signed with the RSA public key', () => {
  const { publicKey, privateKey } = rsaKeys();
  const publicPem = pem(publicKey);
  const signingInput = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64('{"sub":"admin"}')}`;
  const forged = `${signingInput}.${createHmac('sha256', publicPem).update(signingInput).digest('base64url')}`;

  it('is refused by the allow-list of an RS256 application', () => {
    expectAlgNotAllowed(parse(forged).header, ['RS256']);
  });

  it('cannot be verified with the RS256 key even if the allow-list is skipped', () => {
    expectBadSignature(parse(forged), importVerifyingKey('RS256', publicPem));
    expectBadSignature(parse(forged), importVerifyingKey('RS256', privateKey));
  });

  it('cannot even be configured: the public key is refused as an HMAC secret', () => {
    expectThrow(() => importSigningKey('HS256', publicPem), UnusableKey, /^secretKey for HS256 looks like a PEM key/);
    expectThrow(() => importVerifyingKey('HS256', publicPem), UnusableKey, /^secretKey for HS256 looks like a PEM key/);
  });
});

describe('the key, not the header, decides', () => {
  const rsa = rsaKeys();

  it("refuses a token whose alg is not the key's, even for the same key pair", () => {
    const rs256 = signCompactJws('{"alg":"RS256"}', PAYLOAD, importSigningKey('RS256', rsa.privateKey));
    for (const other of ['RS384', 'PS256'] as const)
      expectBadSignature(parse(rs256), importVerifyingKey(other, rsa.publicKey));
    const hs512 = signCompactJws('{"alg":"HS512"}', PAYLOAD, importSigningKey('HS512', HMAC_SECRET));
    expectBadSignature(parse(hs512), importVerifyingKey('HS256', HMAC_SECRET));
  });

  it('refuses a signature valid for the key when the header names another algorithm', () => {
    // Signed with RS256 over a header that claims PS256: only the engine's double check catches it.
    const lying = signCompactJws('{"alg":"PS256"}', PAYLOAD, importSigningKey('RS256', rsa.privateKey));
    const honest = signCompactJws('{"alg":"RS256"}', PAYLOAD, importSigningKey('RS256', rsa.privateKey));
    expect(() => verifyCompactJws(parse(honest), importVerifyingKey('RS256', rsa.publicKey))).not.toThrow();
    expectBadSignature(parse(lying), importVerifyingKey('RS256', rsa.publicKey));
    const noneHeader = signCompactJws('{"alg":"none"}', PAYLOAD, importSigningKey('HS256', HMAC_SECRET));
    expectBadSignature(parse(noneHeader), importVerifyingKey('HS256', HMAC_SECRET));
    const missing = signCompactJws('{"typ":"JWT"}', PAYLOAD, importSigningKey('HS256', HMAC_SECRET));
    expectBadSignature(parse(missing), importVerifyingKey('HS256', HMAC_SECRET));
  });

  it("refuses a header alg rewritten to the key's algorithm", () => {
    const ps256 = signCompactJws('{"alg":"PS256"}', PAYLOAD, importSigningKey('PS256', rsa.privateKey));
    const rewritten = `${b64('{"alg":"RS256"}')}.${ps256.split('.').slice(1).join('.')}`;
    expectBadSignature(parse(rewritten), importVerifyingKey('RS256', rsa.publicKey));
  });

  it("ignores an embedded jwk, jku, x5u, x5c and kid: an attacker's own key signs nothing", () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const header = JSON.stringify({
      alg: 'RS256',
      kid: 'attacker',
      jwk: attacker.publicKey.export({ format: 'jwk' }),
      jku: 'https://attacker.example/jwks.json',
      x5u: 'https://attacker.example/cert.pem',
      x5c: ['MIIB'],
    });
    const token = signCompactJws(header, PAYLOAD, importSigningKey('RS256', attacker.privateKey));
    expect(() => verifyCompactJws(parse(token), importVerifyingKey('RS256', attacker.publicKey))).not.toThrow();
    expectBadSignature(parse(token), importVerifyingKey('RS256', rsa.publicKey));
  });

  it('keeps a key to its use: verifying with a signing key or signing with a verifying key is a programming error', () => {
    const token = signCompactJws('{"alg":"HS256"}', PAYLOAD, importSigningKey('HS256', HMAC_SECRET));
    expectThrow(
      () => verifyCompactJws(parse(token), importSigningKey('HS256', HMAC_SECRET)),
      UnusableKey,
      'The HS256 key was imported for signing; verify with a key from importVerifyingKey',
    );
    expectThrow(
      () => signCompactJws('{"alg":"RS256"}', PAYLOAD, importVerifyingKey('RS256', rsa.publicKey)),
      Unencodable,
      'The RS256 key was imported for verifying; sign with a key from importSigningKey',
    );
  });
});

describe('HMAC', () => {
  const key = importVerifyingKey('HS256', HMAC_SECRET);
  const token = signCompactJws('{"alg":"HS256"}', PAYLOAD, importSigningKey('HS256', HMAC_SECRET));
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const mac = Buffer.from(signature, 'base64url');

  it('verifies its own token', () => {
    expect(() => verifyCompactJws(parse(token), key)).not.toThrow();
    expect(mac).toHaveLength(32);
  });

  it.each([
    ['an empty signature', Buffer.alloc(0)],
    ['a truncated MAC', mac.subarray(0, 16)],
    ['a MAC one byte short', mac.subarray(0, 31)],
    ['a MAC with a byte appended', Buffer.concat([mac, Buffer.from([0])])],
    ['a MAC with one bit flipped', Buffer.from(mac.map((b, i) => (i === 31 ? b ^ 1 : b)))],
    ['an HS384 MAC of the same input', createHmac('sha384', HMAC_SECRET).update(`${header}.${payload}`).digest()],
  ])('refuses %s', (_name, bad) => {
    expectBadSignature(parse(`${header}.${payload}.${b64(bad)}`), key);
  });

  it('refuses a token signed with another secret', () => {
    expectBadSignature(parse(token), importVerifyingKey('HS256', `${HMAC_SECRET}x`));
  });
});

describe('RSA', () => {
  const { privateKey, publicKey } = rsaKeys();

  it('signs PS* with a salt as long as the hash', () => {
    for (const [alg, saltLength] of [
      ['PS256', 32],
      ['PS384', 48],
      ['PS512', 64],
    ] as const) {
      const token = signCompactJws(`{"alg":"${alg}"}`, PAYLOAD, importSigningKey(alg, privateKey));
      const [h, p, s] = token.split('.') as [string, string, string];
      const info = algorithmInfo(alg);
      const check = (salt: number): boolean =>
        nodeVerify(
          info.hash ?? null,
          Buffer.from(`${h}.${p}`),
          { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt },
          Buffer.from(s, 'base64url'),
        );
      expect(check(saltLength)).toBe(true);
      expect(check(saltLength + 1)).toBe(false);
    }
  });

  it('signs and verifies PS* with an RSA-PSS key too', () => {
    const pss = rsaPssKeys();
    const token = signCompactJws('{"alg":"PS384"}', PAYLOAD, importSigningKey('PS384', pss.privateKey));
    expect(() => verifyCompactJws(parse(token), importVerifyingKey('PS384', pss.publicKey))).not.toThrow();
    expectBadSignature(parse(token), importVerifyingKey('PS384', publicKey));
  });

  it('signs RS* with PKCS#1 v1.5, deterministically', () => {
    const key = importSigningKey('RS256', privateKey);
    const a = signCompactJws('{"alg":"RS256"}', PAYLOAD, key);
    expect(signCompactJws('{"alg":"RS256"}', PAYLOAD, key)).toBe(a);
    const [h, p, s] = a.split('.') as [string, string, string];
    expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('refuses a signature of the wrong length without throwing anything else', () => {
    const token = signCompactJws('{"alg":"RS256"}', PAYLOAD, importSigningKey('RS256', privateKey));
    const [h, p] = token.split('.') as [string, string, string];
    for (const bad of [Buffer.alloc(0), Buffer.alloc(255, 1), Buffer.alloc(257, 1), Buffer.alloc(256, 0)]) {
      expectBadSignature(parse(`${h}.${p}.${b64(bad)}`), importVerifyingKey('RS256', publicKey));
    }
  });
});

describe('ECDSA', () => {
  const curves = [
    ['ES256', 'P-256', 64],
    ['ES384', 'P-384', 96],
    ['ES512', 'P-521', 132],
  ] as const;

  describe.each(curves)('%s', (alg, curve, length) => {
    const { privateKey, publicKey } = ecKeys(curve);
    const info = algorithmInfo(alg);
    if (info.family !== 'ecdsa') throw new Error('not ECDSA');
    const verifier = importVerifyingKey(alg, publicKey);
    const token = signCompactJws(`{"alg":"${alg}"}`, PAYLOAD, importSigningKey(alg, privateKey));
    const [h, p, s] = token.split('.') as [string, string, string];
    const signingInput = Buffer.from(`${h}.${p}`);
    const sig = Buffer.from(s, 'base64url');
    const half = length / 2;
    const n = BigInt(`0x${Buffer.from(info.order).toString('hex')}`);
    const scalar = (x: bigint): Buffer => Buffer.from(x.toString(16).padStart(half * 2, '0'), 'hex');
    const withScalars = (r: Buffer, sPart: Buffer): string => `${h}.${p}.${b64(Buffer.concat([r, sPart]))}`;
    const r = sig.subarray(0, half);
    const sValue = BigInt(`0x${sig.subarray(half).toString('hex')}`);

    it(`signs raw r||s of ${length} bytes that node verifies`, () => {
      expect(sig).toHaveLength(length);
      expect(nodeVerify(info.hash, signingInput, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
      expect(() => verifyCompactJws(parse(token), verifier)).not.toThrow();
    });

    it('has the right group order n: (r, n - s) verifies wherever (r, s) does, in node and here', () => {
      const malleated = withScalars(r, scalar(n - sValue));
      const raw = Buffer.from(malleated.split('.')[2] ?? '', 'base64url');
      expect(nodeVerify(info.hash, signingInput, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      expect(() => verifyCompactJws(parse(malleated), verifier)).not.toThrow();
    });

    it('checks r and s against [1, n-1] itself, before OpenSSL sees them', () => {
      const wellFormed = (x: Buffer): boolean => ecdsaSignatureWellFormed(x, length, info.order);
      const one = scalar(1n);
      expect(wellFormed(sig)).toBe(true);
      expect(wellFormed(Buffer.concat([one, scalar(n - 1n)]))).toBe(true);
      expect(wellFormed(Buffer.concat([scalar(n - 1n), one]))).toBe(true);
      expect(wellFormed(Buffer.concat([Buffer.alloc(half), one]))).toBe(false);
      expect(wellFormed(Buffer.concat([one, Buffer.alloc(half)]))).toBe(false);
      expect(wellFormed(Buffer.concat([scalar(n), one]))).toBe(false);
      expect(wellFormed(Buffer.concat([one, scalar(n)]))).toBe(false);
      expect(wellFormed(Buffer.concat([one, scalar(n + 1n)]))).toBe(false);
      expect(wellFormed(sig.subarray(1))).toBe(false);
      expect(wellFormed(nodeSign(info.hash, signingInput, { key: privateKey, dsaEncoding: 'der' }))).toBe(false);
    });

    it('refuses a DER signature that node itself would accept', () => {
      const der = nodeSign(info.hash, signingInput, { key: privateKey, dsaEncoding: 'der' });
      expect(nodeVerify(info.hash, signingInput, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      expectBadSignature(parse(`${h}.${p}.${b64(der)}`), verifier);
    });

    it.each([
      ['r = 0', () => withScalars(Buffer.alloc(half), sig.subarray(half))],
      ['s = 0', () => withScalars(r, Buffer.alloc(half))],
      ['r = s = 0 (the "psychic signature")', () => withScalars(Buffer.alloc(half), Buffer.alloc(half))],
      ['r = n', () => withScalars(scalar(n), sig.subarray(half))],
      ['s = n', () => withScalars(r, scalar(n))],
      ['s = n + 1', () => withScalars(r, scalar(n + 1n))],
      ['r all ones', () => withScalars(Buffer.alloc(half, 0xff), sig.subarray(half))],
      ['one byte missing', () => `${h}.${p}.${b64(sig.subarray(1))}`],
      ['one byte extra', () => `${h}.${p}.${b64(Buffer.concat([Buffer.from([0]), sig]))}`],
      ['an empty signature', () => `${h}.${p}.`],
    ])('refuses %s', (_name, make) => {
      expectBadSignature(parse(make()), verifier);
    });
  });
});

describe('EdDSA', () => {
  it('signs Ed25519 deterministically and refuses a flipped bit', () => {
    const { privateKey, publicKey } = ed25519Keys();
    const key = importSigningKey('EdDSA', privateKey);
    const token = signCompactJws('{"alg":"EdDSA"}', PAYLOAD, key);
    expect(signCompactJws('{"alg":"EdDSA"}', PAYLOAD, key)).toBe(token);
    expect(Buffer.from(token.split('.')[2] ?? '', 'base64url')).toHaveLength(64);
    const verifier = importVerifyingKey('EdDSA', publicKey);
    expect(() => verifyCompactJws(parse(token), verifier)).not.toThrow();
    // Change the second-to-last character to a different one (it always carries signature bits).
    const flipped = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.slice(-1)}`;
    expectBadSignature(parse(flipped), verifier);
  });
});

describe('signCompactJws', () => {
  it('writes base64url(header).base64url(payload).base64url(signature) of the exact texts', () => {
    const token = signCompactJws(
      '{"alg":"HS256","typ":"JWT"}',
      '{"sub":"Zo\\u00eb"}',
      importSigningKey('HS256', 'secret'),
    );
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(Buffer.from(h, 'base64url').toString()).toBe('{"alg":"HS256","typ":"JWT"}');
    expect(Buffer.from(p, 'base64url').toString()).toBe('{"sub":"Zo\\u00eb"}');
    expect(s).toBe(createHmac('sha256', 'secret').update(`${h}.${p}`).digest('base64url'));
    expect(token).not.toContain('=');
  });
});
