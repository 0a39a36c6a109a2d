/**
 * The core's view of repeated lines: `nodeHeaderRepeated` over `rawHeaders`, and the request
 * view's repeated-cookie tracking, which the locators use to refuse a second token line or cookie.
 */
import { describe, expect, it } from 'vitest';
import { nodeHeaderRepeated, parseCookieHeader } from '../../src/kit/index.js';
import { createRequestView } from '../../src/request-view.js';

describe('nodeHeaderRepeated', () => {
  it('counts lines whatever the case of the name, and nothing else', () => {
    expect(nodeHeaderRepeated([], 'authorization')).toBe(false);
    expect(nodeHeaderRepeated(['Authorization', 'Bearer a'], 'authorization')).toBe(false);
    expect(nodeHeaderRepeated(['Authorization', 'a', 'authorization', 'b'], 'authorization')).toBe(true);
    expect(nodeHeaderRepeated(['AUTHORIZATION', 'a', 'Host', 'x', 'AuThOrIzAtIoN', 'b'], 'authorization')).toBe(true);
    // A value equal to the name is not a name: only even indexes are names.
    expect(nodeHeaderRepeated(['X-Other', 'authorization', 'authorization', 'a'], 'authorization')).toBe(false);
    expect(nodeHeaderRepeated(['Authorizatio', 'a', 'Authorization', 'b'], 'authorization')).toBe(false);
  });
});

describe('the request view', () => {
  const view = (cookie: string | undefined, repeated?: (name: string) => boolean) =>
    createRequestView({
      method: 'get',
      url: '/',
      header: (name) => (name === 'cookie' ? cookie : undefined),
      ...(repeated && { headerRepeated: repeated }),
    });

  it('keeps the first value of a repeated cookie and says it was repeated', () => {
    const v = view('a=1; b=2; a=3');
    expect([v.cookie('a'), v.cookieRepeated('a'), v.cookie('b'), v.cookieRepeated('b')]).toEqual([
      '1',
      true,
      '2',
      false,
    ]);
    expect(parseCookieHeader('a=1; a=3').get('a')).toBe('1');
  });

  it('says a header is not repeated when the port cannot tell', () => {
    expect(view(undefined).headerRepeated('authorization')).toBe(false);
    expect(view(undefined, (name) => name === 'authorization').headerRepeated('authorization')).toBe(true);
  });
});
