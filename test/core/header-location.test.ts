/**
 * The headers location's fast path (`Bearer <JWT>` read without splitting) must answer exactly as
 * the full flask parsing does whenever the value holds a comma or whitespace.
 */
import { describe, expect, it } from 'vitest';
import { JwtManager } from '../../src/index.js';
import { callRoute } from '../helpers/core-request.js';

const jwt = new JwtManager({ secretKey: 'header-location-secret-0123456789abcdef0123456789' });
const token = jwt.createAccessTokenSync('alice');
const BAD = { status: 422, body: { msg: "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'" } };

describe('Authorization header parsing', () => {
  it.each([
    ['a plain bearer token', `Bearer ${token}`, { status: 200, body: { identity: 'alice' } }],
    ['a trailing comma', `Bearer ${token},`, { status: 200, body: { identity: 'alice' } }],
    ['another scheme after it', `Bearer ${token}, Basic Zm9v`, { status: 200, body: { identity: 'alice' } }],
    ['a tab inside the token', `Bearer ${token.slice(0, 10)}\t${token.slice(10)}`, BAD],
    ['a no-break space inside the token', `Bearer ${token.slice(0, 10)}\u00a0${token.slice(10)}`, BAD],
    ['a space inside the token', `Bearer ${token.slice(0, 10)} ${token.slice(10)}`, BAD],
    ['a NEL (U+0085) inside the token', `Bearer ${token.slice(0, 10)}\u0085${token.slice(10)}`, BAD],
    [
      'a tab after Bearer (Python splits on it, as flask does)',
      `Bearer\t${token}`,
      { status: 200, body: { identity: 'alice' } },
    ],
    ['two spaces after Bearer', `Bearer  ${token}`, { status: 200, body: { identity: 'alice' } }],
  ])('%s', async (_name, header, expected) => {
    expect(await callRoute(jwt, { headers: { Authorization: header } })).toEqual(expected);
  });
});
