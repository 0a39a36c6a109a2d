/**
 * The libraries jwt-extended is compared with, each configured the way its documentation shows,
 * with keys imported once where the library allows it.
 */
import { webcrypto } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { createSigner, createVerifier } from 'fast-jwt';
import jsonwebtoken from 'jsonwebtoken';
import { importPKCS8, importSPKI, jwtVerify, SignJWT } from 'jose';
import type { Candidate } from './candidates.js';
import type { Alg, Claims, KeySet } from './fixtures.js';

interface PeerInput {
  keys: KeySet;
  claims: Claims;
  token: string;
}

function fastJwt({ keys, claims, token }: PeerInput): Candidate[] {
  const { alg } = keys;
  const signer = createSigner({ key: keys.signingString, algorithm: alg });
  const verifier = createVerifier({ key: keys.verifyingString, algorithms: [alg] });
  const base = { alg, library: 'fast-jwt' as const };
  return [
    {
      ...base,
      id: `${alg}.sign.fast-jwt`,
      op: 'sign',
      label: 'fast-jwt createSigner (sync)',
      run: () => signer(claims),
    },
    {
      ...base,
      id: `${alg}.verify.fast-jwt`,
      op: 'verify',
      label: 'fast-jwt createVerifier (sync)',
      note: 'default options (no cache)',
      run: () => verifier(token),
    },
  ];
}

function jwtLib({ keys, claims, token }: PeerInput): Candidate[] {
  const { alg } = keys;
  const base = { alg, library: 'jsonwebtoken' as const };
  const stringLabel = alg === 'HS256' ? 'string secret' : 'PEM string';
  if (alg === 'EdDSA') {
    const unavailable = 'unsupported by jsonwebtoken 9';
    return [
      {
        ...base,
        id: `${alg}.sign.jsonwebtoken-keyobject`,
        op: 'sign',
        label: 'jsonwebtoken (KeyObject)',
        unavailable,
        unsupported: true,
      },
      {
        ...base,
        id: `${alg}.sign.jsonwebtoken-string`,
        op: 'sign',
        label: `jsonwebtoken (${stringLabel})`,
        unavailable,
        unsupported: true,
      },
      {
        ...base,
        id: `${alg}.verify.jsonwebtoken-keyobject`,
        op: 'verify',
        label: 'jsonwebtoken (KeyObject)',
        unavailable,
        unsupported: true,
      },
      {
        ...base,
        id: `${alg}.verify.jsonwebtoken-string`,
        op: 'verify',
        label: `jsonwebtoken (${stringLabel})`,
        unavailable,
        unsupported: true,
      },
    ];
  }
  const signOpts = { algorithm: alg as Exclude<Alg, 'EdDSA'> };
  const verifyOpts = { algorithms: [alg as Exclude<Alg, 'EdDSA'>] };
  return [
    {
      ...base,
      id: `${alg}.sign.jsonwebtoken-keyobject`,
      op: 'sign',
      label: 'jsonwebtoken (KeyObject)',
      run: () => jsonwebtoken.sign(claims, keys.signingKey, signOpts),
    },
    {
      ...base,
      id: `${alg}.sign.jsonwebtoken-string`,
      op: 'sign',
      label: `jsonwebtoken (${stringLabel})`,
      note: 'the key string is passed on every call, as most apps do',
      run: () => jsonwebtoken.sign(claims, keys.signingString, signOpts),
    },
    {
      ...base,
      id: `${alg}.verify.jsonwebtoken-keyobject`,
      op: 'verify',
      label: 'jsonwebtoken (KeyObject)',
      run: () => jsonwebtoken.verify(token, keys.verifyingKey, verifyOpts),
    },
    {
      ...base,
      id: `${alg}.verify.jsonwebtoken-string`,
      op: 'verify',
      label: `jsonwebtoken (${stringLabel})`,
      note: 'the key string is passed on every call, as most apps do',
      run: () => jsonwebtoken.verify(token, keys.verifyingString, verifyOpts),
    },
  ];
}

async function joseKeys(keys: KeySet): Promise<{ sign: webcrypto.CryptoKey; verify: webcrypto.CryptoKey }> {
  if (keys.alg === 'HS256') {
    const key = await webcrypto.subtle.importKey(
      'raw',
      Buffer.from(keys.signingString, 'utf8'),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    return { sign: key, verify: key };
  }
  return {
    sign: await importPKCS8(keys.signingString, keys.alg),
    verify: await importSPKI(keys.verifyingString, keys.alg),
  };
}

async function jose({ keys, claims, token }: PeerInput): Promise<Candidate[]> {
  const { alg } = keys;
  const key = await joseKeys(keys);
  const protectedHeader = { alg, typ: 'JWT' };
  const payload: JWTPayload = { ...claims };
  const verifyOpts = { algorithms: [alg] };
  const base = { alg, library: 'jose' as const, async: true };
  return [
    {
      ...base,
      id: `${alg}.sign.jose`,
      op: 'sign',
      label: 'jose SignJWT (WebCrypto, async)',
      run: () => new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key.sign),
    },
    {
      ...base,
      id: `${alg}.verify.jose`,
      op: 'verify',
      label: 'jose jwtVerify (WebCrypto, async)',
      run: async () => (await jwtVerify(token, key.verify, verifyOpts)).payload,
    },
  ];
}

export async function peerCandidates(input: PeerInput): Promise<Candidate[]> {
  return [...fastJwt(input), ...jwtLib(input), ...(await jose(input))];
}
