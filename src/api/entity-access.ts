import { CellarError } from '../errors.js';
import type { Product } from '../product/types.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import type { EntityRepository } from '../runtime/entity-repository.js';

/** Runs `fn` alone among the steps that may replace cached entities (the sync engine's queue). */
export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>;

/** A queue of one: each function starts after the one before it settles. */
export function serialQueue(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

function notFound(product: Product): CellarError {
  return new CellarError('CELLAR_ERR_ENTITY_NOT_FOUND', `${product.name} has no entity with that id`);
}

/**
 * Serving's way into the entity repository. A cached entity is read at once, synchronously; a
 * miss is loaded from the store inside `exclusive` — the sync engine's queue when one runs — and
 * read there.
 *
 * Why: loading puts the handle in the cache, and the engine may meanwhile have created or
 * changed the same entity; a load racing the engine could replace a dirty (unflushed) handle
 * with an older stored one, losing changes. And a handle may be evicted (closed) by any later
 * step, so `read` must finish before anything else runs: it must be synchronous.
 */
export class EntityAccess {
  constructor(
    private readonly repo: EntityRepository,
    private readonly exclusive: Exclusive,
  ) {}

  /**
   * `read(handle)` of the entity `id` of `product`. Rejects with CELLAR_ERR_ENTITY_NOT_FOUND when
   * the entity does not exist (or was deleted and not yet re-created).
   */
  async read<T>(product: Product, id: string, read: (handle: EntityHandle) => T): Promise<T> {
    const key = this.repo.entityKey(product, id);
    if (this.repo.cache.has(key)) {
      const handle = this.repo.cached(key);
      if (handle === undefined || handle.removed) throw notFound(product);
      return this.#read(key, handle, read);
    }
    return this.exclusive(async () => {
      const handle = await this.repo.find(product, key);
      if (handle === undefined) throw notFound(product);
      return this.#read(key, handle, read);
    });
  }

  /**
   * `read(handle)`, then the cache re-reads the entity's size: reading a new entity that sync has
   * not flushed through a connection of its own yet opens that connection (~150 KB, where its
   * pending writes counted ~2 KB).
   */
  #read<T>(key: string, handle: EntityHandle, read: (handle: EntityHandle) => T): T {
    try {
      return read(handle);
    } finally {
      this.repo.cache.updateBytes(key);
    }
  }
}
