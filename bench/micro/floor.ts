/**
 * The floor: the least work any JWS implementation on node:crypto must do for the same bytes,
 * with the key imported once.
 *
 * sign   = JSON.stringify(header) and (payload) + base64url both + MAC/signature + base64url
 * verify = split + MAC/signature check over the signing input (timingSafeEqual for HMAC)
 *          + base64url-decode and JSON.parse of header and payload
 *
 * No claim checks, no header checks, no size limit: everything a real verifier adds on top is
 * what the ratio column shows.
 */
import { createHmac, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject, SignKeyObjectInput, VerifyKeyObjectInput } from 'node:crypto';
import type { Alg, KeySet } from './fixtures.js';

export type Signer = (header: object, payload: object) => string;
export type Verifier = (token: string) => Record<string, unknown>;

function b64(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}

function rawSigner(alg: Alg, key: KeyObject): (input: string) => string {
  switch (alg) {
    case 'HS256':
      return (input) => createHmac('sha256', key).update(input).digest('base64url');
    case 'RS256':
      return (input) => cryptoSign('sha256', Buffer.from(input, 'latin1'), key).toString('base64url');
    case 'ES256': {
      const opts: SignKeyObjectInput = { key, dsaEncoding: 'ieee-p1363' };
      return (input) => cryptoSign('sha256', Buffer.from(input, 'latin1'), opts).toString('base64url');
    }
    case 'EdDSA':
      return (input) => cryptoSign(null, Buffer.from(input, 'latin1'), key).toString('base64url');
  }
}

function rawVerifier(alg: Alg, key: KeyObject): (input: string, signature: Buffer) => boolean {
  switch (alg) {
    case 'HS256':
      return (input, signature) => {
        const mac = createHmac('sha256', key).update(input).digest();
        return mac.length === signature.length && timingSafeEqual(mac, signature);
      };
    case 'RS256':
      return (input, signature) => cryptoVerify('sha256', Buffer.from(input, 'latin1'), key, signature);
    case 'ES256': {
      const opts: VerifyKeyObjectInput = { key, dsaEncoding: 'ieee-p1363' };
      return (input, signature) => cryptoVerify('sha256', Buffer.from(input, 'latin1'), opts, signature);
    }
    case 'EdDSA':
      return (input, signature) => cryptoVerify(null, Buffer.from(input, 'latin1'), key, signature);
  }
}

export function floorSigner(keys: KeySet): Signer {
  const raw = rawSigner(keys.alg, keys.signingKey);
  return (header, payload) => {
    const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
    return `${input}.${raw(input)}`;
  };
}

export function floorVerifier(keys: KeySet): Verifier {
  const raw = rawVerifier(keys.alg, keys.verifyingKey);
  return (token) => {
    const a = token.indexOf('.');
    const b = token.indexOf('.', a + 1);
    if (a < 0 || b < 0) throw new Error('malformed');
    const head = JSON.parse(Buffer.from(token.slice(0, a), 'base64url').toString('utf8')) as { alg?: unknown };
    if (!raw(token.slice(0, b), Buffer.from(token.slice(b + 1), 'base64url'))) throw new Error('bad signature');
    const payload = JSON.parse(Buffer.from(token.slice(a + 1, b), 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    // Keep the header parse observable so it cannot be optimised away.
    if (head === null) throw new Error('malformed');
    return payload;
  };
}
