import type { MicroDb } from '../microdb/micro-db.js';
import type { Product } from '../product/types.js';
import type { EntityKey } from '../store/blob-store.js';

/**
 * One entity held in memory: its open micro-DB plus what the runtime tracks beside it. Lives in
 * the entity cache; the sync engine mutates it, readers only read.
 */
export class EntityHandle {
  /** Applied watermark per stream, written into `_cellar_meta` at flush time. */
  readonly watermarks = new Map<string, bigint>();
  /** Set when the entity's root row was deleted: the next flush deletes the blob. */
  removed = false;

  constructor(
    readonly product: Product,
    readonly key: EntityKey,
    public db: MicroDb,
    /** Version of the stored blob this image came from (0: never stored). */
    public version: number,
  ) {}

  get entityId(): string {
    return this.db.entityId;
  }

  /** True when an event at `order` of `stream` was already applied to this entity. */
  hasApplied(stream: string, order: bigint): boolean {
    const mark = this.watermarks.get(stream) ?? this.db.watermark(stream);
    return mark !== undefined && order <= mark;
  }

  markApplied(stream: string, order: bigint): void {
    this.watermarks.set(stream, order);
  }

  /** Writes pending watermarks into the micro-DB, ready to serialize. */
  persistWatermarks(): void {
    for (const [stream, order] of this.watermarks) this.db.setWatermark(stream, order);
    this.watermarks.clear();
  }

  byteSize(): number {
    return this.db.byteSize();
  }

  close(): void {
    this.db.close();
  }
}
