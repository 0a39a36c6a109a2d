/**
 * Keys and the token every micro row works on: flask-jwt-extended's access-token claim layout
 * (as the seed example makes it, with `roles`), header `{"alg":...,"typ":"JWT"}`.
 * Keys are generated fresh per run and imported once; each library gets them in the form it
 * documents (KeyObject, PEM string, CryptoKey, secret string).
 */
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const algorithms = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const;
export type Alg = (typeof algorithms)[number];

export interface Claims {
  fresh: boolean;
  iat: number;
  jti: string;
  type: 'access';
  sub: string;
  nbf: number;
  csrf: string;
  exp: number;
  roles: string[];
}

export interface KeySet {
  alg: Alg;
  /** HS256: the secret as apps write it; otherwise the PKCS#8 PEM. */
  signingString: string;
  /** HS256: the same secret; otherwise the SPKI PEM. */
  verifyingString: string;
  signingKey: KeyObject;
  verifyingKey: KeyObject;
}

/** Fifteen minutes, flask's default access-token lifetime. */
const lifetimeS = 15 * 60;

/** Claims in the exact order flask-jwt-extended 4 writes them, then the seed example's `roles`. */
export function accessClaims(nowS = Math.floor(Date.now() / 1000), lifetime = lifetimeS): Claims {
  return {
    fresh: false,
    iat: nowS,
    jti: randomUUID(),
    type: 'access',
    sub: 'test',
    nbf: nowS,
    csrf: randomUUID(),
    exp: nowS + lifetime,
    roles: ['foo', 'bar'],
  };
}

export function header(alg: Alg): { alg: Alg; typ: 'JWT' } {
  return { alg, typ: 'JWT' };
}

export function makeKeys(alg: Alg): KeySet {
  if (alg === 'HS256') {
    // 43 url-safe characters, about what `secrets.token_urlsafe(32)` or `openssl rand -base64 32` gives.
    const secret = randomBytes(32).toString('base64url');
    const key = createSecretKey(Buffer.from(secret, 'utf8'));
    return { alg, signingString: secret, verifyingString: secret, signingKey: key, verifyingKey: key };
  }
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    alg,
    signingString: privatePem,
    verifyingString: publicPem,
    signingKey: createPrivateKey(privatePem),
    verifyingKey: createPublicKey(publicPem),
  };
}
