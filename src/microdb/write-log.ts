import type { Product, TableDef } from '../product/types.js';
import type { InternalStore } from './internal-store.js';
import type { StatementCache } from './statement-cache.js';
import type { StoredValue } from './stored-value.js';
import { templateMetaValue } from './template.js';
import type { UpsertShape } from './upsert-shape.js';
import type { VaultEntry, VaultStore } from './vault-store.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** One write to a micro-DB whose connection is not open yet, replayed in order when it is. */
export type PendingWrite =
  | { readonly kind: 'meta'; readonly key: string; readonly value: string | bigint }
  | {
      readonly kind: 'upsert';
      readonly table: TableDef;
      /** The columns it writes and its statement-cache key (shared between writes). */
      readonly shape: UpsertShape;
      readonly values: readonly StoredValue[];
    }
  /** A `_cellar_changes` row, its parameters already bound (see {@link InternalStore.changeParams}). */
  | { readonly kind: 'change'; readonly params: readonly StoredValue[]; readonly limit: number }
  | { readonly kind: 'vault'; readonly entry: VaultEntry };

/** Estimated heap bytes of one logged write besides its values (the entry object, its array slot). */
const WRITE_BYTES = 96;

/**
 * Estimated heap bytes of a logged value: measured, a 1-row customer's log (an upsert, a change
 * record, two meta values) holds ~1.7 KB of heap; this errs on the high side.
 */
function valueBytes(value: StoredValue | undefined): number {
  if (typeof value === 'string') return 24 + 2 * value.length; // two-byte strings at worst
  if (value instanceof Uint8Array) return 96 + value.byteLength;
  return 16; // a number, bigint or null
}

/** Where pending writes are replayed: the statements of an open micro-DB connection. */
export interface WriteTarget {
  readonly statements: StatementCache;
  readonly internal: InternalStore;
  readonly vault: VaultStore;
}

/**
 * True when better-sqlite3 binds `value` without error, so that a write logged now fails nowhere
 * later: a bigint out of the 64-bit range, say, must fail when it is written, as it would on an
 * open connection, not at the flush that replays it.
 */
export function bindsCleanly(value: StoredValue): boolean {
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX;
  // NaN binds as NULL, which a key column refuses: leave that to the open connection too.
  if (typeof value === 'number') return !Number.isNaN(value);
  return value === null || typeof value === 'string' || value instanceof Uint8Array;
}

/**
 * The writes made to a new micro-DB before anything needed its SQLite connection: the product's
 * template plus this log IS the micro-DB. Answers the few reads whose answer follows from the log
 * alone (meta values, "this table has no rows", "the vault is empty"); anything else is for the
 * connection the log is replayed into.
 *
 * Why: opening a connection, parsing the schema, preparing statements and closing again cost
 * ~100 µs, most of a new entity's sync cost; a log is replayed in a shared connection
 * ({@link buildPendingImage}) in a fraction of that.
 */
export class WriteLog {
  readonly #writes: PendingWrite[] = [];
  readonly #product: Product;
  /** Where in {@link #writes} each meta key logged so far was written (others: the template's). */
  readonly #metaAt = new Map<string, number>();
  readonly #rowWrites = new Map<string, number>();
  #changes = 0;
  #vaultEntries = 0;
  #bytes = 0;

  constructor(product: Product) {
    this.#product = product;
  }

  /** Estimated heap bytes the log holds (for the entity cache's byte bound). */
  get bytes(): number {
    return this.#bytes;
  }

  /** The writes, oldest first. */
  get writes(): readonly PendingWrite[] {
    return this.#writes;
  }

  /** A meta value as SQLite would return it (integers as bigint), or undefined. */
  meta(key: string): string | bigint | undefined {
    const at = this.#metaAt.get(key);
    const write = at === undefined ? undefined : this.#writes[at];
    return write?.kind === 'meta' ? write.value : templateMetaValue(this.#product, key);
  }

  /** Upserts logged for `table` (0: the table is empty). */
  rowWrites(table: string): number {
    return this.#rowWrites.get(table) ?? 0;
  }

  /** Rows logged for `_cellar_changes` (their sequence numbers are 1…this). */
  get changes(): number {
    return this.#changes;
  }

  /** Entries logged for `_cellar_vault` (0: the vault is empty). */
  get vaultEntries(): number {
    return this.#vaultEntries;
  }

  /**
   * Logs a meta value. A key written before keeps its place in the log with the new value:
   * `INSERT OR REPLACE` leaves the same row either way, and the log of an entity flushed again
   * and again (watermark, synced_at) does not grow.
   */
  setMeta(key: string, value: string | bigint): void {
    const at = this.#metaAt.get(key);
    const write: PendingWrite = { kind: 'meta', key, value };
    if (at !== undefined) this.#writes[at] = write;
    else {
      this.#metaAt.set(key, this.#writes.length);
      this.#writes.push(write);
      this.#bytes += WRITE_BYTES + valueBytes(key);
    }
  }

  /** Logs an upsert; `values` (in `shape` column order) becomes the log's: do not reuse it. */
  upsert(table: TableDef, shape: UpsertShape, values: StoredValue[]): void {
    // A caller could reuse a byte array after the call; the connection would have copied it.
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v instanceof Uint8Array) values[i] = Buffer.from(v);
    }
    this.#rowWrites.set(table.name, this.rowWrites(table.name) + 1);
    this.#writes.push({ kind: 'upsert', table, shape, values });
    this.#bytes += WRITE_BYTES;
    for (const v of values) this.#bytes += valueBytes(v);
  }

  change(params: readonly StoredValue[], limit: number): void {
    this.#changes += 1;
    this.#writes.push({ kind: 'change', params, limit });
    this.#bytes += WRITE_BYTES;
    for (const v of params) this.#bytes += valueBytes(v);
  }

  vault(entry: VaultEntry): void {
    this.#vaultEntries += 1;
    this.#writes.push({ kind: 'vault', entry: { ...entry } });
    this.#bytes +=
      WRITE_BYTES * 2 + valueBytes(entry.token) + valueBytes(entry.column) + valueBytes(entry.value);
  }
}
