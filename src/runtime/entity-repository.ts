import { decodeBlob } from '../codec/blob-codec.js';
import { readBlobHeader } from '../codec/blob-header.js';
import { dictionaryId } from '../codec/compress.js';
import type { Keyring } from '../crypto/keyring.js';
import { CellarError } from '../errors.js';
import type { EntityCache } from '../microdb/entity-cache.js';
import { MicroDb } from '../microdb/micro-db.js';
import { microDbTemplate } from '../microdb/template.js';
import type { Product } from '../product/types.js';
import type { BlobStore, EntityKey, StoredBlob } from '../store/blob-store.js';
import type { KeyStore } from '../store/key-store.js';
import { EntityHandle } from './entity-handle.js';
import type { BlobTemplate, ProductTemplates } from './product-templates.js';

/**
 * Where entities come from: the cache, else the store (decrypt → decompress → open), else —
 * when asked to — a new empty micro-DB. Shared by sync (writes) and serving (reads).
 */
export class EntityRepository {
  /** Keys looked up in the store and not found there, since the last {@link forgetAbsent}. */
  readonly #absent = new Set<EntityKey>();
  /** Of those, the ones suppressed (erased: later events for them are dropped). */
  readonly #suppressed = new Set<EntityKey>();

  constructor(
    private readonly blobs: BlobStore,
    readonly keyring: Keyring,
    readonly cache: EntityCache<EntityHandle>,
    /** The templates blobs were written with; without it, only the current one (no spec changes). */
    private readonly templates?: ProductTemplates,
    /** Where erased entities are listed (suppressed); without it, no entity counts as erased. */
    private readonly keys?: KeyStore,
  ) {}

  entityKey(product: Product, entityId: string): EntityKey {
    return this.keyring.entityKey(product.name, entityId);
  }

  /** The cached handle, if the entity is in memory (removed entities included). */
  cached(key: EntityKey): EntityHandle | undefined {
    return this.cache.get(key);
  }

  /** The entity, or undefined when it does not exist (or was removed and not yet re-created). */
  async find(product: Product, key: EntityKey): Promise<EntityHandle | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached.removed ? undefined : cached;
    const blob = await this.blobs.get(product.name, key);
    if (!blob) return undefined;
    return (await this.#openAll(product, [blob]))[0];
  }

  /** Loads into the cache every listed entity that exists in the store and is not cached yet. */
  async preload(product: Product, keys: Iterable<EntityKey>): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !this.cache.get(key));
    if (missing.length === 0) return;
    const blobs = await this.blobs.getMany(product.name, missing);
    // An erased entity counts as absent even when a copy of its blob was put back (a backup
    // restore): its key is gone, and sync must drop its events, not fail on them.
    const suppressed = (await this.keys?.suppressed(product.name, missing)) ?? new Set<EntityKey>();
    for (const key of missing) {
      if (blobs.has(key) && !suppressed.has(key)) continue;
      this.#absent.add(key);
      if (suppressed.has(key)) this.#suppressed.add(key);
      else this.#suppressed.delete(key);
    }
    await this.#openAll(
      product,
      [...blobs.values()].filter((blob) => !suppressed.has(blob.key)),
    );
  }

  /** True when the store was asked for this entity and has none (and it was not created since). */
  isKnownAbsent(key: EntityKey): boolean {
    return this.#absent.has(key);
  }

  /**
   * True when the entity is known absent because it was erased and is suppressed: sync drops its
   * events instead of creating it again (see {@link preload}, docs/erasure.md).
   */
  isSuppressed(key: EntityKey): boolean {
    return this.#absent.has(key) && this.#suppressed.has(key);
  }

  /**
   * Forgets an entity being erased: drops it from the cache (pending changes included) and, when
   * `suppressed`, remembers it as absent and suppressed; otherwise (unsuppressed) as unknown, so
   * the next event looks it up again.
   */
  evict(key: EntityKey, suppressed: boolean): void {
    this.cache.delete(key); // closes its micro-DB
    this.#absent.delete(key);
    this.#suppressed.delete(key);
    if (suppressed) {
      this.#absent.add(key);
      this.#suppressed.add(key);
    }
  }

  /** Drops what {@link isKnownAbsent} remembers (after a commit changed the store). */
  forgetAbsent(): void {
    this.#absent.clear();
    this.#suppressed.clear();
  }

  /**
   * A new, empty entity put in the cache as dirty. A removed handle for the same key is replaced,
   * keeping its version so the next blob version still increases.
   */
  create(product: Product, entityId: string, key: EntityKey): EntityHandle {
    const previous = this.cache.get(key);
    const handle = new EntityHandle(product, key, MicroDb.create(product, entityId), previous?.version ?? 0);
    if (previous) {
      for (const [stream, order] of previous.watermarks) handle.markApplied(stream, order);
      this.cache.delete(key);
    }
    this.#absent.delete(key);
    this.#suppressed.delete(key);
    this.cache.set(key, handle, true);
    return handle;
  }

  /** The template a blob was written with: the current one, or an earlier spec's with its migration. */
  #templateOf(product: Product, blob: Uint8Array): BlobTemplate {
    const current = microDbTemplate(product);
    const id = readBlobHeader(blob).dictionaryId;
    if (this.templates === undefined || id === dictionaryId(current))
      return { dictionary: current, migration: undefined };
    return this.templates.forBlob(product, id);
  }

  async #openAll(product: Product, blobs: readonly StoredBlob[]): Promise<EntityHandle[]> {
    const dataKeys = await this.keyring.dataKeys(
      blobs.map((b) => b.key),
      false,
    );
    return blobs.map((blob) => {
      const dataKey = dataKeys.get(blob.key);
      if (!dataKey) {
        throw new CellarError('CELLAR_ERR_KEY_NOT_FOUND', `no data key for an entity of ${product.name}`, {
          hint: 'the entity was erased, or the key store does not belong to this blob store',
        });
      }
      const template = this.#templateOf(product, blob.data);
      const image = decodeBlob({
        product: product.name,
        key: blob.key,
        expectedVersion: blob.version,
        blob: blob.data,
        dataKey,
        dictionary: template.dictionary,
      });
      let db: MicroDb;
      try {
        db = MicroDb.open(product, image, template.migration);
      } finally {
        // The connection holds its own copy: do not leave the plaintext image to the GC.
        image.fill(0);
      }
      const handle = new EntityHandle(product, blob.key, db, blob.version);
      this.cache.set(blob.key, handle, false);
      return handle;
    });
  }
}
