/**
 * The state of a carrier whose prototype is registered with keepJwtStateAside lives in a WeakMap:
 * nothing is added to the carrier, the getters still read it, and it survives the carrier moving to
 * another prototype (an Express request leaving a sub-app). Other carriers keep the symbol property.
 */
import { describe, expect, it } from 'vitest';
import { keepJwtStateAside } from '../../src/kit/index.js';
import { type JwtState, readJwtState, saveJwtState } from '../../src/state.js';

const STATE = Symbol.for('jwt-extended.state');
const state = (identity: string): JwtState => ({
  header: {},
  payload: {},
  identityClaim: 'sub',
  identity,
  user: null,
  userLoaded: false,
  location: 'headers',
});

describe('keepJwtStateAside', () => {
  it('keeps the state of a registered prototype off the carrier, per carrier', () => {
    const registered = {};
    keepJwtStateAside(registered);
    const a = Object.create(registered) as object;
    const b = Object.create(registered) as object;
    saveJwtState(a, state('alice'));
    expect(Object.getOwnPropertySymbols(a)).toEqual([]);
    expect(readJwtState(a)?.identity).toBe('alice');
    expect(readJwtState(b)).toBeUndefined();
    saveJwtState(a, state('bob'));
    expect(readJwtState(a)?.identity).toBe('bob');
  });

  it('finds the state after the carrier moved to another prototype, and leaves other carriers as they were', () => {
    const registered = {};
    keepJwtStateAside(registered);
    const moving = Object.create(registered) as object;
    saveJwtState(moving, state('carol'));
    Object.setPrototypeOf(moving, {});
    expect(readJwtState(moving)?.identity).toBe('carol');
    const plain = {};
    saveJwtState(plain, state('dave'));
    expect(Object.hasOwn(plain, STATE)).toBe(true);
    expect(readJwtState(plain)?.identity).toBe('dave');
  });
});
