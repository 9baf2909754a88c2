import type { Product, TableDef } from '../product/types.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import type { EntityRepository } from '../runtime/entity-repository.js';
import type { BlobStore } from '../store/blob-store.js';
import type { ChangeEvent } from './change-event.js';
import { allRowKeys } from './entity-moves.js';
import type { RouteTable } from './route-table.js';

/**
 * Applies a truncate: empties one table in every entity of the product. Entities are visited page
 * by page; when too many are dirty it flushes in between (without the truncate's own position,
 * which is committed only once every entity is done, so a crash replays the truncate whole).
 */
export class TruncateRunner {
  constructor(
    private readonly blobs: BlobStore,
    private readonly repo: EntityRepository,
    private readonly routes: RouteTable,
    private readonly maxDirty: number,
    private readonly flush: () => Promise<unknown>,
  ) {}

  /** Returns how many entities changed. */
  async run(product: Product, table: TableDef, event: ChangeEvent): Promise<number> {
    let changed = 0;
    const seen = new Set<string>();
    // Entities created since the last commit are only in the cache.
    for (const key of this.repo.cache.dirtyKeys()) {
      const handle = this.repo.cache.get(key);
      if (handle && handle.product === product) changed += this.#truncate(handle, table, event);
      seen.add(key);
    }
    for await (const blob of this.blobs.scan(product.name)) {
      if (seen.has(blob.key)) continue;
      const handle = await this.repo.find(product, blob.key);
      if (handle) changed += this.#truncate(handle, table, event);
      if (this.repo.cache.dirtyCount >= this.maxDirty) await this.flush();
    }
    return changed;
  }

  #truncate(handle: EntityHandle, table: TableDef, event: ChangeEvent): number {
    const { stream, order } = event.position;
    if (handle.removed || handle.hasApplied(stream, order)) return 0;
    // Truncating the root table removes every entity, as deleting each root row would.
    const rows = table.root ? allRowKeys(handle) : rowKeysOf(handle, table);
    for (const { table: t, pk } of rows)
      this.routes.set(this.repo.keyring.rowKey(handle.product.name, t.name, pk), null);
    if (table.root) handle.removed = true;
    else handle.db.truncate(table.name);
    handle.markApplied(stream, order);
    this.repo.cache.markDirty(handle.key);
    return 1;
  }
}

function rowKeysOf(handle: EntityHandle, table: TableDef) {
  return handle.db
    .allRows(table.name)
    .map((row) => ({ table, pk: table.primaryKey.map((c) => row[c] ?? null) }));
}
