import type { Product, TableDef } from '../product/types.js';
import type { InternalStore } from './internal-store.js';
import { upsertSql } from './row-sql.js';
import type { StatementCache } from './statement-cache.js';
import type { StoredValue } from './stored-value.js';
import { templateMeta } from './template.js';
import type { VaultEntry, VaultStore } from './vault-store.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** One write to a micro-DB whose connection is not open yet, replayed in order when it is. */
export type PendingWrite =
  | { readonly kind: 'meta'; readonly key: string; readonly value: string | bigint }
  | {
      readonly kind: 'upsert';
      readonly table: TableDef;
      /** The statement-cache key of the upsert: table and the columns it writes. */
      readonly cacheKey: string;
      readonly columns: readonly string[];
      readonly values: readonly StoredValue[];
    }
  /** A `_cellar_changes` row, its parameters already bound (see {@link InternalStore.changeParams}). */
  | { readonly kind: 'change'; readonly params: readonly StoredValue[]; readonly limit: number }
  | { readonly kind: 'vault'; readonly entry: VaultEntry };

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
  readonly #meta: Map<string, string | bigint>;
  /** Where in {@link #writes} each meta key logged so far was written. */
  readonly #metaAt = new Map<string, number>();
  readonly #rowWrites = new Map<string, number>();
  #changes = 0;
  #vaultEntries = 0;

  constructor(product: Product) {
    this.#meta = new Map(templateMeta(product));
  }

  /** The writes, oldest first. */
  get writes(): readonly PendingWrite[] {
    return this.#writes;
  }

  /** A meta value as SQLite would return it (integers as bigint), or undefined. */
  meta(key: string): string | bigint | undefined {
    return this.#meta.get(key);
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
    this.#meta.set(key, value);
    const at = this.#metaAt.get(key);
    const write: PendingWrite = { kind: 'meta', key, value };
    if (at !== undefined) this.#writes[at] = write;
    else {
      this.#metaAt.set(key, this.#writes.length);
      this.#writes.push(write);
    }
  }

  upsert(
    table: TableDef,
    cacheKey: string,
    columns: readonly string[],
    values: readonly StoredValue[],
  ): void {
    // A caller could reuse a byte array after the call; the connection would have copied it.
    const own = values.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : v));
    this.#rowWrites.set(table.name, this.rowWrites(table.name) + 1);
    this.#writes.push({ kind: 'upsert', table, cacheKey, columns, values: own });
  }

  change(params: readonly StoredValue[], limit: number): void {
    this.#changes += 1;
    this.#writes.push({ kind: 'change', params, limit });
  }

  vault(entry: VaultEntry): void {
    this.#vaultEntries += 1;
    this.#writes.push({ kind: 'vault', entry: { ...entry } });
  }
}

/** Replays `log` into `target`, in order. The caller wraps it in a transaction. */
export function replayWrites(target: WriteTarget, log: WriteLog): void {
  for (const write of log.writes) {
    switch (write.kind) {
      case 'meta':
        target.internal.setMeta(write.key, write.value);
        break;
      case 'upsert':
        upsertStatement(target.statements, write.table, write.cacheKey, write.columns).run(write.values);
        break;
      case 'change':
        target.internal.insertChange(write.params, write.limit);
        break;
      case 'vault':
        target.vault.put(write.entry);
        break;
    }
  }
}

/** The cached upsert statement writing `columns` of `table` (keyed by `cacheKey`). */
export function upsertStatement(
  statements: StatementCache,
  table: TableDef,
  cacheKey: string,
  columns: readonly string[],
) {
  return statements.get(cacheKey, () => upsertSql(table, columns));
}
