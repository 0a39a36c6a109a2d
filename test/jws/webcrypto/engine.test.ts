/**
 * The WebCrypto engine against the node:crypto engine and against jose, for every algorithm and
 * every key format: what one signs the others verify, deterministic algorithms give byte-identical
 * tokens, and a changed token is refused by all of them.
 */
import type { webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { BadSignature } from '../engine-errors.js';
import { ALGORITHMS } from '../../../src/jws/algorithms.js';
import { nodeCryptoEngine } from '../../../src/jws/engine.js';
import { webCryptoEngine } from '../../../src/jws/webcrypto/index.js';
import type { WebKeyMaterial } from '../../../src/jws/webcrypto/index.js';
import type { Algorithm } from '../../../src/types.js';
import { HMAC_SECRET, keysFor, pem } from '../test-keys.js';

type Asymmetric = Exclude<Algorithm, 'HS256' | 'HS384' | 'HS512'>;
const isHmac = (alg: Algorithm): boolean => alg.startsWith('HS');
const DETERMINISTIC = new Set<Algorithm>(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'EdDSA']);

const HEADER = (alg: Algorithm): string => `{"alg":"${alg}","typ":"JWT"}`;
const PAYLOAD = '{"fresh":false,"iat":1700000000,"jti":"j1","type":"access","sub":"Zo\\u00eb","exp":4000000000}';

interface Materials {
  readonly node: { signing: KeyObject | string; verifying: KeyObject | string };
  /** The same key in each format the WebCrypto engine accepts. */
  readonly web: Array<[string, WebKeyMaterial, WebKeyMaterial]>;
}

async function cryptoKeys(
  alg: Asymmetric,
  signing: KeyObject,
  verifying: KeyObject,
): Promise<[webcrypto.CryptoKey, webcrypto.CryptoKey]> {
  const key = webCryptoEngine.importSigningKey(alg, pem(signing));
  const pub = webCryptoEngine.importVerifyingKey(alg, pem(verifying));
  return [await key.cryptoKey, await pub.cryptoKey];
}

async function materialsFor(alg: Algorithm): Promise<Materials> {
  if (isHmac(alg)) {
    const bytes = new TextEncoder().encode(HMAC_SECRET);
    return {
      node: { signing: HMAC_SECRET, verifying: HMAC_SECRET },
      web: [
        ['a string', HMAC_SECRET, HMAC_SECRET],
        ['bytes', bytes, bytes],
        [
          'an oct JWK',
          { kty: 'oct', k: Buffer.from(bytes).toString('base64url') },
          { kty: 'oct', k: Buffer.from(bytes).toString('base64url') },
        ],
      ],
    };
  }
  const { privateKey, publicKey } = keysFor(alg as Asymmetric);
  const jwkPrivate = privateKey.export({ format: 'jwk' }) as webcrypto.JsonWebKey;
  const jwkPublic = publicKey.export({ format: 'jwk' }) as webcrypto.JsonWebKey;
  const der = (k: KeyObject): Uint8Array =>
    new Uint8Array(
      k.type === 'private' ? k.export({ format: 'der', type: 'pkcs8' }) : k.export({ format: 'der', type: 'spki' }),
    );
  const [cryptoPrivate, cryptoPublic] = await cryptoKeys(alg as Asymmetric, privateKey, publicKey);
  return {
    node: { signing: privateKey, verifying: publicKey },
    web: [
      ['PEM', pem(privateKey), pem(publicKey)],
      ['DER', der(privateKey), der(publicKey)],
      ['JWK', jwkPrivate, jwkPublic],
      ['the private key for both (PEM)', pem(privateKey), pem(privateKey)],
      ['the private key for both (JWK)', jwkPrivate, jwkPrivate],
      ['CryptoKey', cryptoPrivate, cryptoPublic],
    ],
  };
}

function tamperPayload(token: string): string {
  const [h, , s] = token.split('.') as [string, string, string];
  return `${h}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${s}`;
}

// ES256K (secp256k1) is not a WebCrypto curve: the engine refuses it at configuration (tested below).
describe('ES256K', () => {
  it('is refused when the key is imported, saying which engine has it', () => {
    expect(() => webCryptoEngine.importVerifyingKey('ES256K', HMAC_SECRET)).toThrow(
      /not available on the WebCrypto engine/,
    );
  });
});

describe.each(ALGORITHMS.filter((alg) => alg !== 'ES256K').map((alg) => [alg]))('%s', (alg) => {
  it('signs tokens that the node:crypto engine and jose verify, and verifies theirs, with every key format', async () => {
    const m = await materialsFor(alg);
    const nodeSigner = nodeCryptoEngine.importSigningKey(alg, m.node.signing);
    const nodeVerifier = nodeCryptoEngine.importVerifyingKey(alg, m.node.verifying);
    const joseKey = isHmac(alg) ? new TextEncoder().encode(HMAC_SECRET) : m.node.verifying;
    const joseSigningKey = isHmac(alg) ? new TextEncoder().encode(HMAC_SECRET) : m.node.signing;
    for (const [format, signing, verifying] of m.web) {
      const signer = webCryptoEngine.importSigningKey(alg, signing);
      const verifier = webCryptoEngine.importVerifyingKey(alg, verifying);
      const ours = await webCryptoEngine.sign(HEADER(alg), PAYLOAD, signer);
      expect(() => nodeCryptoEngine.verify(nodeCryptoEngine.parse(ours, 8192), nodeVerifier), format).not.toThrow();
      const jose = await compactVerify(ours, joseKey as Uint8Array, { algorithms: [alg] });
      expect(new TextDecoder().decode(jose.payload)).toBe(PAYLOAD);

      const fromNode = nodeCryptoEngine.sign(HEADER(alg), PAYLOAD, nodeSigner);
      const fromJose = await new CompactSign(new TextEncoder().encode(PAYLOAD))
        .setProtectedHeader({ alg, kid: 'k1' })
        .sign(joseSigningKey as Uint8Array);
      for (const token of [ours, fromNode, fromJose]) {
        await expect(
          webCryptoEngine.verify(webCryptoEngine.parse(token, 8192), verifier),
          format,
        ).resolves.toBeUndefined();
        await expect(
          webCryptoEngine.verify(webCryptoEngine.parse(tamperPayload(token), 8192), verifier),
        ).rejects.toThrow(BadSignature);
      }
      if (DETERMINISTIC.has(alg)) expect(ours, format).toBe(fromNode);
    }
  });

  it('refuses a token whose header names another algorithm than the key, and a key imported for the other use', async () => {
    const m = await materialsFor(alg);
    const [, signing, verifying] = m.web[0]!;
    const signer = webCryptoEngine.importSigningKey(alg, signing);
    const verifier = webCryptoEngine.importVerifyingKey(alg, verifying);
    const other: Algorithm = alg === 'HS256' ? 'HS384' : 'HS256';
    const token = await webCryptoEngine.sign(`{"alg":"${other}"}`, PAYLOAD, signer);
    await expect(webCryptoEngine.verify(webCryptoEngine.parse(token, 8192), verifier)).rejects.toThrow(
      'Signature verification failed',
    );
    await expect(webCryptoEngine.sign(HEADER(alg), PAYLOAD, verifier)).rejects.toThrow(/imported for verifying/);
    await expect(webCryptoEngine.verify(webCryptoEngine.parse(token, 8192), signer)).rejects.toThrow(
      /verify with a key/,
    );
  });

  it('refuses a signature that lost its last byte or gained one', async () => {
    const m = await materialsFor(alg);
    const [, signing, verifying] = m.web[0]!;
    const token = await webCryptoEngine.sign(HEADER(alg), PAYLOAD, webCryptoEngine.importSigningKey(alg, signing));
    const verifier = webCryptoEngine.importVerifyingKey(alg, verifying);
    const [h, p, s] = token.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    for (const bad of [sig.subarray(0, -1), Buffer.concat([sig, Buffer.from([0])]), Buffer.alloc(0)]) {
      const forged = `${h}.${p}.${bad.toString('base64url')}`;
      await expect(webCryptoEngine.verify(webCryptoEngine.parse(forged, 8192), verifier)).rejects.toThrow(BadSignature);
    }
  });
});
