import type { EntityKey } from '../store/blob-store.js';
import type { SecureKey } from './secure-buffer.js';

/** Unwrapped data keys kept by default: 100 000 × 32 bytes of secure memory (~3.2 MB). */
export const DEFAULT_DATA_KEY_CACHE_SIZE = 100_000;

/**
 * A least-recently-used cache of unwrapped data keys, so that a cold read of an entity whose key
 * was used recently skips the key store and the unwrap.
 *
 * Caveat: an evicted key is dropped, not disposed — a caller may still be about to use it (a flush
 * larger than the cache). Its secure memory is zeroed when it is garbage collected. Keys removed
 * with {@link DataKeyCache.delete} (erasure) are disposed at once.
 */
export class DataKeyCache {
  readonly #capacity: number;
  // A Map iterates in insertion order: re-inserting on each hit keeps the oldest first.
  readonly #entries = new Map<EntityKey, SecureKey>();

  constructor(capacity: number = DEFAULT_DATA_KEY_CACHE_SIZE) {
    this.#capacity = Math.max(0, Math.floor(capacity));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached key, marked as most recently used; undefined when absent. */
  get(id: EntityKey): SecureKey | undefined {
    const key = this.#entries.get(id);
    if (key !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, key);
    }
    return key;
  }

  /** Adds or refreshes a key, evicting the least recently used beyond capacity. */
  set(id: EntityKey, key: SecureKey): void {
    this.#entries.delete(id);
    this.#entries.set(id, key);
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Removes and disposes the key (zeroing it now). */
  delete(id: EntityKey): void {
    const key = this.#entries.get(id);
    this.#entries.delete(id);
    key?.dispose();
  }

  /** Disposes every key. */
  clear(): void {
    for (const key of this.#entries.values()) key.dispose();
    this.#entries.clear();
  }
}
