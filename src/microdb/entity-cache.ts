import { CellarError } from '../errors.js';

/** What the cache holds: anything that knows its size and can be closed. */
export interface Cacheable {
  /** Bytes the value holds in memory; read on `set` and `updateBytes`. */
  byteSize(): number;
  /** Releases the value; called once when it is evicted, replaced or deleted. */
  close(): void;
}

export interface EntityCacheOptions {
  /** Entries kept at most (dirty entries excepted, see {@link EntityCache}). */
  readonly maxEntities: number;
  /** Sum of `byteSize()` kept at most (dirty entries excepted). */
  readonly maxBytes: number;
}

interface Entry<V> {
  readonly value: V;
  bytes: number;
}

/** Counters since the cache was made. */
export interface EntityCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/**
 * LRU cache of open micro-DBs (or handles around them) by entity key, bounded by count and bytes.
 * An entry is dirty from the write that changed it until the flush that made it durable; dirty
 * entries are never evicted.
 *
 * Caveats:
 * - When only dirty entries remain, the cache exceeds its bounds until the next flush marks them
 *   clean; sync backpressure (`maxDirtyEntities`) is what bounds that.
 * - The entry just set or resized is never evicted by that same call, even if it alone exceeds
 *   `maxBytes`, so the caller can use the value it just handed over.
 * - An evicted value is closed: do not hold a value across an `await`; `get` it again.
 * - A clean entry that becomes dirty and back keeps its recency; `markClean` counts as a use.
 */
export class EntityCache<V extends Cacheable> {
  readonly #maxEntities: number;
  readonly #maxBytes: number;
  /** Clean entries, least recently used first (Map keeps insertion order). */
  readonly #clean = new Map<string, Entry<V>>();
  /** Dirty entries, in the order they became dirty. */
  readonly #dirty = new Map<string, Entry<V>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(options: EntityCacheOptions) {
    if (!(options.maxEntities >= 1) || !(options.maxBytes >= 0)) {
      throw new CellarError(
        'CELLAR_ERR_CONFIG_INVALID',
        `the entity cache needs maxEntities ≥ 1 and maxBytes ≥ 0, got ${options.maxEntities} and ${options.maxBytes}`,
        { hint: 'set cache.maxEntities and cache.maxBytes in the configuration' },
      );
    }
    this.#maxEntities = options.maxEntities;
    this.#maxBytes = options.maxBytes;
  }

  /** The value, marking it most recently used; undefined (a miss) when absent. */
  get(key: string): V | undefined {
    const dirty = this.#dirty.get(key);
    if (dirty !== undefined) {
      this.#hits++;
      return dirty.value;
    }
    const clean = this.#clean.get(key);
    if (clean === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#clean.delete(key);
    this.#clean.set(key, clean);
    this.#hits++;
    return clean.value;
  }

  /** True when the key is cached; no effect on recency or counters. */
  has(key: string): boolean {
    return this.#dirty.has(key) || this.#clean.has(key);
  }

  /**
   * Adds or replaces an entry as most recently used, then evicts clean entries beyond the bounds.
   * A replaced value (a different object) is closed.
   */
  set(key: string, value: V, dirty: boolean): void {
    const previous = this.#remove(key);
    if (previous !== undefined && previous.value !== value) previous.value.close();
    const entry: Entry<V> = { value, bytes: value.byteSize() };
    this.#bytes += entry.bytes;
    (dirty ? this.#dirty : this.#clean).set(key, entry);
    this.#evict(key);
  }

  /** Marks a cached entry dirty (no effect when absent). */
  markDirty(key: string): void {
    const entry = this.#clean.get(key);
    if (entry === undefined) return;
    this.#clean.delete(key);
    this.#dirty.set(key, entry);
  }

  /** Marks a cached entry clean (most recently used) and evicts beyond the bounds. */
  markClean(key: string): void {
    const entry = this.#dirty.get(key);
    if (entry === undefined) return;
    this.#dirty.delete(key);
    this.#clean.set(key, entry);
    this.#evict(key);
  }

  /** Re-reads the entry's `byteSize()` (after writes or a flush) and evicts beyond the bounds. */
  updateBytes(key: string): void {
    const entry = this.#dirty.get(key) ?? this.#clean.get(key);
    if (entry === undefined) return;
    const bytes = entry.value.byteSize();
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.#evict(key);
  }

  /** Removes and closes an entry, dirty or not; true when it was cached. */
  delete(key: string): boolean {
    const entry = this.#remove(key);
    entry?.value.close();
    return entry !== undefined;
  }

  /** Keys of the dirty entries, in the order they became dirty (a copy). */
  dirtyKeys(): string[] {
    return [...this.#dirty.keys()];
  }

  get dirtyCount(): number {
    return this.#dirty.size;
  }

  get size(): number {
    return this.#dirty.size + this.#clean.size;
  }

  /** Sum of the entries' last known `byteSize()`. */
  get bytes(): number {
    return this.#bytes;
  }

  get stats(): EntityCacheStats {
    return { hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  /** Closes and removes every entry, dirty ones included. */
  clear(): void {
    for (const entry of [...this.#dirty.values(), ...this.#clean.values()]) entry.value.close();
    this.#dirty.clear();
    this.#clean.clear();
    this.#bytes = 0;
  }

  #remove(key: string): Entry<V> | undefined {
    const entry = this.#dirty.get(key) ?? this.#clean.get(key);
    if (entry === undefined) return undefined;
    this.#dirty.delete(key);
    this.#clean.delete(key);
    this.#bytes -= entry.bytes;
    return entry;
  }

  /** Evicts least recently used clean entries, never `keep`, until within bounds or none is left. */
  #evict(keep: string): void {
    for (const [key, entry] of this.#clean) {
      if (this.size <= this.#maxEntities && this.#bytes <= this.#maxBytes) return;
      if (key === keep) continue;
      this.#clean.delete(key);
      this.#bytes -= entry.bytes;
      this.#evictions++;
      entry.value.close();
    }
  }
}
