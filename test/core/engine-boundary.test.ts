/**
 * The engine's own errors and the one place the core maps them (src/engine-boundary.ts): each
 * engine code becomes the flask/PyJWT class the error table answers with, the message and cause
 * unchanged, for the synchronous and the asynchronous engine; and an engine object given as the
 * `engine` option is the one the manager uses (checked at start-up, its errors mapped the same).
 */
import { describe, expect, it } from 'vitest';
import { atBoundary, toCoreError } from '../../src/engine-boundary.js';
import {
  InvalidAlgorithmError,
  InvalidSignatureError,
  JwtConfigError,
  JwtDecodeError,
  JwtEncodeError,
  JwtManager,
  JwsError,
  type JwsEngine,
} from '../../src/index.js';
import { engineFor, nodeCryptoEngine } from '../../src/jws/index.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes-0123456789';
const OTHER = 'another-test-secret-of-at-least-thirty-two-bytes-0123';

describe('toCoreError', () => {
  it.each([
    ['malformed', JwtDecodeError],
    ['signature', InvalidSignatureError],
    ['algorithm', InvalidAlgorithmError],
    ['key', JwtConfigError],
    ['encode', JwtEncodeError],
  ] as const)('maps %s to %s, same message and cause', (code, CoreError) => {
    const cause = new Error('underneath');
    const mapped = toCoreError(new JwsError(code, `a ${code} message`, { cause }));
    expect(mapped).toBeInstanceOf(CoreError);
    expect(mapped).toMatchObject({ message: `a ${code} message`, cause });
  });

  it('leaves every other error as it is', () => {
    const plain = new TypeError('a bug');
    expect(toCoreError(plain)).toBe(plain);
    const core = new JwtDecodeError('already the core');
    expect(toCoreError(core)).toBe(core);
  });
});

describe('atBoundary', () => {
  const engine = atBoundary(nodeCryptoEngine);
  const key = engine.importSigningKey('HS256', SECRET, 'secretKey');
  const verifying = engine.importVerifyingKey('HS256', SECRET, 'secretKey');
  const token = engine.sign('{"alg":"HS256","typ":"JWT"}', '{"sub":"me"}', key) as string;

  it('the raw engine throws JwsError; the bounded one the core class with the same message', () => {
    expect(() => nodeCryptoEngine.parse('a.b', 8192)).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => engine.parse('a.b', 8192)).toThrow(new JwtDecodeError('Not enough segments'));
    expect(() => engine.parse('a.b', 8192)).toThrow(JwtDecodeError);
  });

  it('maps a refused signature, a refused key and a key used the wrong way', () => {
    const other = engine.importVerifyingKey('HS256', OTHER, 'secretKey');
    expect(() => engine.verify(engine.parse(token, 8192), other)).toThrow(InvalidSignatureError);
    expect(() => engine.importSigningKey('HS256', '', 'secretKey')).toThrow(JwtConfigError);
    expect(() => engine.sign('{"alg":"HS256"}', '{}', verifying)).toThrow(JwtEncodeError);
    expect(() => engine.verify(engine.parse(token, 8192), key)).toThrow(JwtConfigError);
    expect(engine.verify(engine.parse(token, 8192), verifying)).toBeUndefined();
  });

  it("maps an asynchronous engine's rejections (WebCrypto)", async () => {
    const web = atBoundary(engineFor('webcrypto') as JwsEngine);
    const webKey = web.importVerifyingKey('HS256', OTHER, 'secretKey');
    const outcome = web.verify(web.parse(token, 8192), webKey);
    expect(outcome).toBeInstanceOf(Promise);
    await expect(outcome).rejects.toThrow(InvalidSignatureError);
    await expect(outcome).rejects.toThrow('Signature verification failed');
  });
});

describe('an engine given as the engine option', () => {
  /** The node:crypto engine under another name, counting its verifications. */
  function countingEngine(): JwsEngine & { verified: number } {
    const node: JwsEngine = nodeCryptoEngine;
    const counting = {
      ...node,
      name: 'counting',
      verified: 0,
      verify(parsed: Parameters<JwsEngine['verify']>[0], key: Parameters<JwsEngine['verify']>[1]) {
        counting.verified++;
        return node.verify(parsed, key);
      },
    };
    return counting;
  }

  it('is the one the manager signs and verifies with', async () => {
    const engine = countingEngine();
    const jwt = new JwtManager({ secretKey: SECRET, engine });
    expect(jwt.config.engine.name).toBe('counting');
    const token = await jwt.createAccessToken('alice');
    expect((await jwt.decodeToken(token)).sub).toBe('alice');
    expect(engine.verified).toBe(1);
  });

  it("has its JwsErrors answered as the built-in engine's are", async () => {
    const refusing: JwsEngine = {
      ...nodeCryptoEngine,
      name: 'refusing',
      verify() {
        throw new JwsError('signature', 'Signature verification failed');
      },
    };
    const jwt = new JwtManager({ secretKey: SECRET, engine: refusing });
    const token = await jwt.createAccessToken('alice');
    await expect(jwt.decodeToken(token)).rejects.toThrow(InvalidSignatureError);
    const response = await jwt.errorResponse(await jwt.decodeToken(token).catch((e: unknown) => e as Error));
    expect(response).toMatchObject({ status: 422, body: { msg: 'Signature verification failed' } });
  });

  it('is checked at start-up, saying what is missing', () => {
    const { verify: _verify, ...noVerify } = nodeCryptoEngine;
    expect(() => new JwtManager({ secretKey: SECRET, engine: noVerify as unknown as JwsEngine })).toThrow(
      "engine: the object given has no verify method; pass an object implementing JwsEngine, or 'auto', 'node' or 'webcrypto'",
    );
    expect(() => new JwtManager({ secretKey: SECRET, engine: 'nodejs' as never })).toThrow(JwtConfigError);
  });
});
