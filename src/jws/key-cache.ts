/**
 * Remembers imported keys, so a `decodeKeyLoader` / `encodeKeyLoader` that returns the same PEM or
 * secret on every request pays for the import (PEM parsing, checks) once, not per request.
 *
 * @module
 */
import type { Algorithm } from '../types.js';
import { importSigningKey, importVerifyingKey } from './keys.js';
import type { EngineKey } from './engine.js';
import type { BoundKey, KeyMaterial } from './keys.js';
import { isCryptoKey, isKeyObject, nodeCryptoOrEmpty } from './node-crypto.js';
import { encodeBase64urlBytes } from './webcrypto/base64url.js';

const createHash = nodeCryptoOrEmpty.createHash as typeof nodeCryptoOrEmpty.createHash | undefined;

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
export interface KeyCache<K extends EngineKey = BoundKey> {
  signing(alg: Algorithm, material: KeyMaterial, what?: string): K;
  verifying(alg: Algorithm, material: KeyMaterial, what?: string): K;
}

/**
 * The import functions a cache calls on a miss: an engine's (the node:crypto engine's by default).
 *
 * @example
 * ```ts
 * const keys = createKeyCache({}, webCryptoEngine);
 * ```
 */
export interface KeyImporters<K extends EngineKey> {
  importSigningKey(alg: Algorithm, material: KeyMaterial, what?: string): K;
  importVerifyingKey(alg: Algorithm, material: KeyMaterial, what?: string): K;
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
export function createKeyCache<K extends EngineKey = BoundKey>(
  options: KeyCacheOptions = {},
  importers: KeyImporters<K> = { importSigningKey, importVerifyingKey } as unknown as KeyImporters<K>,
): KeyCache<K> {
  const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 64));
  const byObject = new WeakMap<object, Map<string, K>>();
  const byContent = new Map<string, K>();

  function contentId(alg: Algorithm, use: Use, material: KeyMaterial): string | undefined {
    // Without node:crypto (WebCrypto engine) there is no synchronous digest: the content itself is
    // the id, so such a cache holds the loader's key material (never more than maxEntries of it).
    const hash = createHash === undefined ? plainId() : createHash('sha256');
    hash.update(`${use}\0${alg}\0`);
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

  function lookup(alg: Algorithm, material: KeyMaterial, use: Use, what: string | undefined): K {
    const load = (): K =>
      use === 'sign'
        ? importers.importSigningKey(alg, material, what)
        : importers.importVerifyingKey(alg, material, what);

    if (isKeyObject(material) || isCryptoKey(material)) {
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

/** The subset of node:crypto's `Hash` the content id uses. */
interface IdBuilder {
  update(data: string | Uint8Array, encoding?: 'utf8'): IdBuilder;
  digest(encoding: 'base64'): string;
}

/** An id made of the content itself, for runtimes without a synchronous digest. */
function plainId(): IdBuilder {
  let id = '';
  const builder: IdBuilder = {
    update(data) {
      id += typeof data === 'string' ? data : encodeBase64urlBytes(data);
      return builder;
    },
    digest: () => id,
  };
  return builder;
}
