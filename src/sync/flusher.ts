import { encodeBlob } from '../codec/blob-codec.js';
import type { Keyring } from '../crypto/keyring.js';
import type { TokenIndex } from '../governance/tokens/token-index.js';
import { microDbTemplate } from '../microdb/template.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import type { EntityRepository } from '../runtime/entity-repository.js';
import type { BlobStore, EntityKey, StoredBlob } from '../store/blob-store.js';
import type { KeyStore } from '../store/key-store.js';
import type { DeadLetterQueue } from './dead-letters.js';
import type { ParkingLot } from './parking-lot.js';
import type { RouteTable } from './route-table.js';

/** One entity a flush wrote or removed. */
export interface FlushedEntity {
  readonly product: string;
  readonly id: string;
}

export interface FlushResult {
  readonly entities: number;
  readonly removed: number;
  readonly bytes: number;
  /** Keys of the entities written or removed. */
  readonly keys: readonly EntityKey[];
  /**
   * The same entities by product and raw id, in the order of `keys` (the audit log records their
   * keyed hashes). Held in memory only; never write these ids anywhere in the clear.
   */
  readonly entityIds: readonly FlushedEntity[];
  readonly durationMs: number;
}

/**
 * Group commit: serialize → compress → encrypt every dirty micro-DB, then write the blobs, the
 * routing-index changes, parked events, dead letters and the source positions in ONE store
 * transaction. New data keys are made durable in the key store first, so no blob is ever stored
 * without the key that opens it.
 */
export class Flusher {
  constructor(
    private readonly blobs: BlobStore,
    private readonly keys: KeyStore,
    private readonly keyring: Keyring,
    private readonly repo: EntityRepository,
    private readonly routes: RouteTable,
    private readonly parking: ParkingLot,
    private readonly deadLetters: DeadLetterQueue,
    /** Token-index claims made by tokenize-on-write; committed with the blobs holding their vaults. */
    private readonly tokens?: TokenIndex,
  ) {}

  /** True when there is anything to commit besides positions. */
  get hasWork(): boolean {
    return (
      this.repo.cache.dirtyCount > 0 ||
      this.deadLetters.pending > 0 ||
      this.routes.pendingEntries().length > 0 ||
      (this.tokens?.pendingEntries().length ?? 0) > 0
    );
  }

  async flush(positions: ReadonlyMap<string, string>, now = Date.now()): Promise<FlushResult> {
    const started = performance.now();
    const dirty = this.repo.cache
      .dirtyKeys()
      .map((key) => this.repo.cache.get(key))
      .filter((h): h is EntityHandle => h !== undefined);
    // Read before the commit: removed handles are closed once it succeeds.
    const entityIds = dirty.map((h) => ({ product: h.product.name, id: h.entityId }));
    const live = dirty.filter((h) => !h.removed);
    const removed = dirty.filter((h) => h.removed);

    const dataKeys = await this.keyring.dataKeys(
      live.map((h) => h.key),
      true,
    );
    const newKeys = this.keyring.pendingKeys();
    if (newKeys.length > 0) {
      await this.keys.putMany(newKeys);
      this.keyring.clearPending(newKeys);
    }

    let bytes = 0;
    const puts: StoredBlob[] = live.map((handle) => {
      const dataKey = dataKeys.get(handle.key);
      if (!dataKey) throw new Error(`no data key was made for a dirty entity of ${handle.product.name}`);
      handle.persistWatermarks();
      handle.db.setSyncedAt(now);
      const version = handle.version + 1;
      const data = encodeBlob({
        product: handle.product.name,
        key: handle.key,
        version,
        image: handle.db.serialize(),
        dataKey,
        keyVersion: this.keyring.masterVersion,
        dictionary: microDbTemplate(handle.product),
      });
      bytes += data.byteLength;
      return { product: handle.product.name, key: handle.key, version, data, updatedAt: now };
    });

    const routes = this.routes.pendingEntries();
    const tokens = this.tokens?.pendingEntries() ?? [];
    const parked = this.parking.drainChanges();
    const gone = removed.map((h) => ({ product: h.product.name, key: h.key }));
    await this.blobs.commit({
      puts,
      deletes: gone,
      routes,
      positions,
      deadLetters: this.deadLetters.drain(),
      park: parked.park,
      unpark: parked.unpark,
      tokens,
      // A deleted entity's vault goes with its blob: so do its token-index entries.
      dropTokens: gone,
    });

    this.routes.committed(routes);
    this.tokens?.committed(tokens);
    for (const { product, key } of gone) this.tokens?.dropEntity(product, key);
    for (const handle of live) {
      handle.version += 1;
      this.repo.cache.markClean(handle.key);
      this.repo.cache.updateBytes(handle.key);
    }
    for (const handle of removed) {
      this.repo.cache.delete(handle.key);
      this.keyring.forget(handle.key);
      await this.keys.delete(handle.key);
    }
    this.repo.forgetAbsent();
    return {
      entities: live.length,
      removed: removed.length,
      bytes,
      keys: dirty.map((h) => h.key),
      entityIds,
      durationMs: performance.now() - started,
    };
  }
}
