/**
 * Remembers imported keys, so a `decodeKeyLoader` / `encodeKeyLoader` that returns the same PEM or
 * secret on every request pays for the import (PEM parsing, checks) once, not per request.
 *
 * @module
 */
import { KeyObject, createHash } from 'node:crypto';
import type { Algorithm } from '../types.js';
import { importSigningKey, importVerifyingKey } from './keys.js';
import type { BoundKey, KeyMaterial } from './keys.js';

/**
 * Imports keys through a cache. Same contract as `importSigningKey` / `importVerifyingKey`: the
 * same errors, and a refused key is never cached (it throws every time).
 *
 * @example
 * ```ts
 * const keys: KeyCache = createKeyCache();
 * const signer = keys.signing('HS256', encodeKeyLoader(identity), 'encodeKeyLoader');
 * ```
 */
export interface KeyCache {
  signing(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey;
  verifying(alg: Algorithm, material: KeyMaterial, what?: string): BoundKey;
}

/**
 * Options of {@link createKeyCache}.
 *
 * @example
 * ```ts
 * const keys = createKeyCache({ maxEntries: 16 } satisfies KeyCacheOptions);
 * ```
 */
export interface KeyCacheOptions {
  /** Most keys remembered by content (strings, bytes, JWKs); the least recently used go first. Default 64. */
  readonly maxEntries?: number;
}

type Use = BoundKey['use'];

/**
 * A cache of imported keys: `KeyObject`s by identity (a `WeakMap`: immutable, collected with their
 * owner), everything else by a SHA-256 of algorithm, use and content in a small LRU map. The cache
 * keeps digests, never the key material itself.
 *
 * @example
 * ```ts
 * const keys = createKeyCache();
 * const key = keys.verifying('RS256', await loadPemFor(header.kid), 'publicKey'); // imported once per PEM
 * verifyCompactJws(parsed, key);
 * ```
 */
export function createKeyCache(options: KeyCacheOptions = {}): KeyCache {
  const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 64));
  const byObject = new WeakMap<KeyObject, Map<string, BoundKey>>();
  const byContent = new Map<string, BoundKey>();

  function contentId(alg: Algorithm, use: Use, material: KeyMaterial): string | undefined {
    const hash = createHash('sha256').update(`${use}\0${alg}\0`);
    if (typeof material === 'string') hash.update('s\0').update(material, 'utf8');
    else if (material instanceof Uint8Array) hash.update('b\0').update(material);
    else {
      // A JWK, by content: the object may be rebuilt (or mutated) between calls.
      let json: string | undefined;
      try {
        json = JSON.stringify(material);
      } catch {
        return undefined; // not JSON: importing it will report the problem
      }
      if (json === undefined) return undefined;
      hash.update('j\0').update(json, 'utf8');
    }
    return hash.digest('base64');
  }

  function lookup(alg: Algorithm, material: KeyMaterial, use: Use, what: string | undefined): BoundKey {
    const load = (): BoundKey =>
      use === 'sign' ? importSigningKey(alg, material, what) : importVerifyingKey(alg, material, what);

    if (material instanceof KeyObject) {
      const slot = `${use}:${alg}`;
      let perKey = byObject.get(material);
      const hit = perKey?.get(slot);
      if (hit !== undefined) return hit;
      const bound = load();
      if (perKey === undefined) byObject.set(material, (perKey = new Map()));
      perKey.set(slot, bound);
      return bound;
    }

    if (material === null || (typeof material !== 'string' && typeof material !== 'object')) {
      return load(); // not key material at all: let the import explain
    }
    const id = contentId(alg, use, material);
    if (id === undefined) return load();
    const hit = byContent.get(id);
    if (hit !== undefined) {
      // Refresh its place: Map iteration order is insertion order, so the oldest comes first.
      byContent.delete(id);
      byContent.set(id, hit);
      return hit;
    }
    const bound = load();
    byContent.set(id, bound);
    if (byContent.size > maxEntries) {
      const oldest = byContent.keys().next();
      if (oldest.done !== true) byContent.delete(oldest.value);
    }
    return bound;
  }

  return {
    signing: (alg, material, what) => lookup(alg, material, 'sign', what),
    verifying: (alg, material, what) => lookup(alg, material, 'verify', what),
  };
}
