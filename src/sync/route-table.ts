import type { BlobStore, EntityKey, RouteEntry } from '../store/blob-store.js';

/** How many committed routes are remembered in memory. */
export const DEFAULT_ROUTE_CACHE_ENTRIES = 200_000;

/**
 * The routing index as the applier sees it: (product, table, primary key) hash → entity, with the
 * changes not yet committed layered over the store. Lookups are synchronous; rows not known in
 * memory must be fetched first with {@link RouteTable.fetch}.
 */
export class RouteTable {
  /** Committed entries seen recently (null: known absent). Insertion-ordered for cheap LRU-ish trimming. */
  readonly #known = new Map<string, EntityKey | null>();
  /** Changes since the last commit. */
  readonly #pending = new Map<string, EntityKey | null>();

  constructor(
    private readonly store: BlobStore,
    private readonly maxKnown = DEFAULT_ROUTE_CACHE_ENTRIES,
  ) {}

  /** The entity of a row; `null` when it has none; `undefined` when it must be fetched first. */
  lookup(row: string): EntityKey | null | undefined {
    // Pending values are never undefined (set() takes an entity or null): undefined means absent.
    const pending = this.#pending.get(row);
    return pending !== undefined ? pending : this.#known.get(row);
  }

  set(row: string, entity: EntityKey | null): void {
    this.#pending.set(row, entity);
  }

  /**
   * Forgets every routing entry, pending or remembered, that points at `entity` (it was erased;
   * the store drops its entries in the same step).
   */
  dropEntity(entity: EntityKey): void {
    for (const map of [this.#pending, this.#known]) {
      for (const [row, owner] of map) if (owner === entity) map.delete(row);
    }
  }

  /** Loads from the store every row not already known. */
  async fetch(rows: Iterable<string>): Promise<void> {
    const missing = [...new Set(rows)].filter((row) => this.lookup(row) === undefined);
    if (missing.length === 0) return;
    const found = await this.store.routes(missing);
    for (const row of missing) this.#remember(row, found.get(row) ?? null);
  }

  /** The uncommitted changes, for the next commit. */
  pendingEntries(): RouteEntry[] {
    return [...this.#pending].map(([row, entity]) => ({ row, entity }));
  }

  /** Called once a commit holding {@link pendingEntries} is durable. */
  committed(entries: readonly RouteEntry[]): void {
    for (const { row, entity } of entries) {
      if (this.#pending.get(row) === entity) this.#pending.delete(row);
      this.#remember(row, entity);
    }
  }

  #remember(row: string, entity: EntityKey | null): void {
    this.#known.delete(row);
    this.#known.set(row, entity);
    if (this.#known.size > this.maxKnown) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }
}
