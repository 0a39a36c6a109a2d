/**
 * Property-based tests of the compact JWS parser and the decode path (fast-check, fixed seed in
 * CI; `FUZZ_RUNS` / `FUZZ_SEED` for longer local runs, see test/helpers/property.ts):
 * - on any input, each engine's parser (`parseCompactJws` of node:crypto, `parseCompactJwsWeb` of
 *   WebCrypto) returns or throws a `JwsError` `malformed`, nothing else, with one of the documented
 *   messages, which never contain token text;
 * - a token whose signing input changed in any way (any character replaced, inserted or removed in
 *   its header or payload segment) is never accepted, on HS256 and ES256, by either engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JwtExtendedError, JwtManager } from '../../src/index.js';
import { JwsError, encodeBase64url, parseCompactJws } from '../../src/jws/index.js';
import { parseCompactJwsWeb } from '../../src/jws/webcrypto/index.js';
import { tokenFixtures } from '../helpers/fixtures.js';
import { fuzzParameters, fuzzTimeout } from '../helpers/property.js';

const MAX = 8192;

/** Every message the parser may give; `<reason>` is a Python json error with its position. */
const PARSER_MESSAGE = new RegExp(
  [
    "^Invalid token type\\. Token must be a <class 'bytes'>$",
    '^Token is too large$',
    '^Not enough segments$',
    '^Invalid (header|payload|crypto) padding$',
    '^Invalid (header|payload) string: (not valid UTF-8|must be a json object)$',
    '^Invalid (header|payload) string: [A-Z][^:]*: line \\d+ column \\d+ \\(char \\d+\\)$',
    '^Key ID header parameter must be a string$',
    '^Unsupported critical header parameter$',
  ].join('|'),
);

const BASE64URL = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';

/** Segments that are sometimes valid base64url of JSON, sometimes junk, joined by 0 to 4 dots. */
const segment = fc.oneof(
  fc.string({ unit: fc.constantFrom(...BASE64URL.split('')), maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => encodeBase64url(JSON.stringify(value) ?? 'null')),
  fc.string({ maxLength: 30 }).map((text) => encodeBase64url(text)),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(encodeBase64url('{"alg":"HS256","typ":"JWT"}'), encodeBase64url('{"alg":"none"}'), ''),
);
const tokenLike = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
  fc.string({ maxLength: 100 }),
  fc.anything(),
);

/** Both engines' parsers: the same contract (test/jws/webcrypto/parse.test.ts compares them). */
const PARSERS = { 'node:crypto': parseCompactJws, WebCrypto: parseCompactJwsWeb } as const;

for (const [engine, parse] of Object.entries(PARSERS)) {
  describe(`${engine} parser on any input`, () => {
    const runs = 3000;
    it(
      'returns, or throws a JwsError malformed with a documented message',
      () => {
        fc.assert(
          fc.property(tokenLike, (input) => {
            try {
              parse(input, MAX);
            } catch (error) {
              expect(error).toBeInstanceOf(JwsError);
              expect((error as JwsError).code).toBe('malformed');
              expect((error as Error).message).toMatch(PARSER_MESSAGE);
            }
          }),
          fuzzParameters(runs),
        );
      },
      fuzzTimeout(runs, 1),
    );

    it(
      'never repeats the text of a segment that is not JSON',
      () => {
        const marker = fc.stringMatching(/^[a-z]{6,12}$/);
        fc.assert(
          fc.property(marker, fc.constantFrom('header', 'payload'), (word, where) => {
            const junk = encodeBase64url(`{"k":${word}}`);
            const good = encodeBase64url('{"alg":"HS256"}');
            const token = where === 'header' ? `${junk}.${good}.c2ln` : `${good}.${junk}.c2ln`;
            let message = '';
            try {
              parse(token, MAX);
            } catch (error) {
              message = (error as Error).message;
            }
            expect(message).toMatch(PARSER_MESSAGE);
            expect(message).not.toContain(word.slice(1, 5));
          }),
          fuzzParameters(300),
        );
      },
      fuzzTimeout(300, 1),
    );
  });
}

/** One change to a string: replace, insert or delete the character at a position. */
const edit = fc.record({
  at: fc.nat(),
  how: fc.constantFrom('replace', 'insert', 'delete'),
  ch: fc.constantFrom(...`${BASE64URL}.=+/ `.split('')),
});

function applyEdit(text: string, { at, how, ch }: { at: number; how: string; ch: string }): string {
  const i = at % (text.length + (how === 'insert' ? 1 : 0));
  if (how === 'insert') return text.slice(0, i) + ch + text.slice(i);
  if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
  return text.slice(0, i) + ch + text.slice(i + 1);
}

const es256 = tokenFixtures.keys.ES256 as { privateKeyPem: string; publicKeyPem: string };
const hs256 = { secretKey: 'property-secret-0123456789abcdef0123456789abcdef' };
const es256Options = { algorithm: 'ES256', privateKey: es256.privateKeyPem, publicKey: es256.publicKeyPem } as const;
const managers = {
  HS256: new JwtManager(hs256),
  ES256: new JwtManager(es256Options),
};
/** The same keys on the WebCrypto engine, which verifies asynchronously. */
const webManagers = {
  HS256: new JwtManager({ ...hs256, engine: 'webcrypto' }),
  ES256: new JwtManager({ ...es256Options, engine: 'webcrypto' }),
};

describe('a token whose signing input changed is never accepted', () => {
  for (const [alg, jwt] of Object.entries(managers)) {
    const runs = alg === 'HS256' ? 1500 : 400;
    it(
      `${alg}: any one-character change to the header or payload segment is refused`,
      async () => {
        const token = await jwt.createAccessToken('alice', { additionalClaims: { roles: ['admin'] } });
        expect(jwt.decodeTokenSync(token).sub).toBe('alice');
        const lastDot = token.lastIndexOf('.');
        const signingInput = token.slice(0, lastDot);
        const signature = token.slice(lastDot);
        fc.assert(
          fc.property(edit, (change) => {
            const changed = applyEdit(signingInput, change);
            fc.pre(changed !== signingInput);
            let accepted = false;
            try {
              jwt.decodeTokenSync(changed + signature);
              accepted = true;
            } catch (error) {
              expect(error).toBeInstanceOf(JwtExtendedError);
            }
            expect(accepted).toBe(false);
          }),
          fuzzParameters(runs),
        );
      },
      fuzzTimeout(runs, 2),
    );
  }

  for (const [alg, jwt] of Object.entries(webManagers)) {
    const runs = alg === 'HS256' ? 400 : 150;
    it(
      `WebCrypto engine, ${alg}: any one-character change to the header or payload segment is refused`,
      async () => {
        const token = await jwt.createAccessToken('alice', { additionalClaims: { roles: ['admin'] } });
        expect((await jwt.decodeToken(token)).sub).toBe('alice');
        const lastDot = token.lastIndexOf('.');
        const signingInput = token.slice(0, lastDot);
        const signature = token.slice(lastDot);
        await fc.assert(
          fc.asyncProperty(edit, async (change) => {
            const changed = applyEdit(signingInput, change);
            fc.pre(changed !== signingInput);
            const outcome = await jwt.decodeToken(changed + signature).then(
              () => 'accepted',
              (error: unknown) => error,
            );
            expect(outcome).toBeInstanceOf(JwtExtendedError);
          }),
          fuzzParameters(runs),
        );
      },
      fuzzTimeout(runs, 5),
    );
  }

  it(
    'HS256: a payload re-encoded with other claims under the original signature is refused',
    async () => {
      const jwt = managers.HS256;
      const token = await jwt.createAccessToken('alice');
      const [header, , signature] = token.split('.') as [string, string, string];
      fc.assert(
        fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })), (claims) => {
          const payload = encodeBase64url(JSON.stringify({ sub: 'mallory', ...claims }));
          expect(() => jwt.decodeTokenSync(`${header}.${payload}.${signature}`)).toThrow(JwtExtendedError);
        }),
        fuzzParameters(500),
      );
    },
    fuzzTimeout(500, 2),
  );
});
