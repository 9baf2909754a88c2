import type Database from 'better-sqlite3';
import { CellarError } from '../errors.js';
import type { Product, TableDef } from '../product/types.js';
import { openConnection } from './connection.js';
import { buildPendingImage, MAX_BUILDER_WRITES, MAX_REBUILD_WRITES } from './image-builder.js';
import { type ChangeRecord, InternalStore, type RecordedChange } from './internal-store.js';
import { replayWrites, upsertStatement } from './log-replay.js';
import { StatementCache } from './statement-cache.js';
import type { StoredValue } from './stored-value.js';
import { microDbTemplate } from './template.js';
import { makeShape, maskable, upsertShape } from './upsert-shape.js';
import { VaultStore } from './vault-store.js';
import { bindsCleanly, WriteLog } from './write-log.js';

/** Statements a new micro-DB's connection typically prepares (for its memory estimate). */
const PENDING_STATEMENTS = 6;

/** An open micro-DB connection with its statement cache and internal-table access. */
export interface Connection {
  readonly db: Database.Database;
  readonly statements: StatementCache;
  readonly internal: InternalStore;
}

/** Wraps an open connection with a fresh statement cache. */
export function connection(db: Database.Database): Connection {
  const statements = new StatementCache(db);
  return { db, statements, internal: new InternalStore(statements) };
}

/**
 * The SQLite connection of one micro-DB, opened only when something needs it. A new micro-DB
 * starts with none: its writes go to a {@link WriteLog}, the meta values and change history are
 * answered from the log, and {@link serialize} has the product's shared builder replay it
 * (src/microdb/image-builder.ts). The first call that needs SQL ({@link open}) opens a connection
 * on the template and replays the log into it; from then on it is an ordinary connection.
 */
export class DeferredConnection {
  readonly #product: Product;
  #conn: Connection | undefined;
  /** The writes standing for the connection until it is opened; undefined once it is. */
  #pending: WriteLog | undefined;
  #closed = false;
  /** True once {@link serialize} built an image from {@link #pending}. */
  #built = false;
  /** The micro-DB's vault: answered from the pending writes while they stand for the connection. */
  readonly vault = new VaultStore(
    () => this.open().statements,
    () => this.#pending,
  );

  /** `conn` undefined: a new micro-DB on the product's template, not opened yet. */
  constructor(product: Product, conn: Connection | undefined) {
    this.#product = product;
    if (conn === undefined) this.#pending = new WriteLog(product);
    else this.#conn = conn;
  }

  /** The pending writes while the connection is not open. */
  get pending(): WriteLog | undefined {
    return this.#pending;
  }

  /** Statements cached on the open connection; while none is open, those it would typically prepare. */
  get statementCount(): number {
    return this.#conn?.statements.size ?? PENDING_STATEMENTS;
  }

  /** True until {@link close}. */
  get isOpen(): boolean {
    return !this.#closed && (this.#conn === undefined || this.#conn.db.open);
  }

  /**
   * Upserts `row` (already checked against `table`): logged while the connection is not open and
   * every value binds; run on the connection otherwise.
   */
  upsert(table: TableDef, row: Readonly<Record<string, StoredValue | undefined>>): void {
    const values: StoredValue[] = [];
    const pending = this.#pending;
    let logged = pending !== undefined;
    let mask = 0;
    const all = table.columns;
    for (let i = 0; i < all.length; i++) {
      const value = row[all[i]!.name];
      if (value === undefined) continue;
      values.push(value);
      mask |= 1 << i;
      logged &&= bindsCleanly(value);
    }
    const shape = maskable(table)
      ? upsertShape(table, mask)
      : makeShape(table, (i) => row[all[i]!.name] !== undefined);
    if (logged) pending?.upsert(table, shape, values);
    else upsertStatement(this.open().statements, table, shape).run(values);
  }

  /** A `_cellar_meta` value (integers as bigint), or undefined. */
  getMeta(key: string): unknown {
    const pending = this.#pending;
    return pending !== undefined ? pending.meta(key) : this.open().internal.getMeta(key);
  }

  setMeta(key: string, value: StoredValue): void {
    const pending = this.#pending;
    const loggable = (typeof value === 'string' || typeof value === 'bigint') && bindsCleanly(value);
    if (pending !== undefined && loggable) pending.setMeta(key, value);
    else this.open().internal.setMeta(key, value);
  }

  /** Appends to `_cellar_changes`, keeping at most `limit` rows (the newest). */
  recordChange(change: ChangeRecord, limit: number): void {
    if (limit <= 0) return;
    const pending = this.#pending;
    // Logged only while no row needs trimming: the log's rows are numbered 1…n, none deleted.
    if (pending !== undefined && pending.changes < limit) {
      const params = InternalStore.changeParams(change);
      if (params.every(bindsCleanly)) {
        pending.change(params, limit);
        return;
      }
    }
    this.open().internal.recordChange(change, limit);
  }

  /** The recorded change history, oldest first. */
  changes(): RecordedChange[] {
    if (this.#pending?.changes === 0) return [];
    return this.open().internal.changes();
  }

  /**
   * The image: built by the product's shared builder while the connection is not open and the log
   * is short (a log built before must be shorter still, see {@link MAX_REBUILD_WRITES}), else
   * serialized from the connection (opening it).
   */
  serialize(): Buffer {
    const pending = this.#pending;
    const limit = this.#built ? MAX_REBUILD_WRITES : MAX_BUILDER_WRITES;
    if (pending === undefined || this.#closed || pending.writes.length > limit)
      return this.open().db.serialize();
    const image = buildPendingImage(this.#product, pending);
    this.#built = true;
    return image;
  }

  /**
   * The open connection: when there is none yet, one is opened on the template and the pending
   * writes are replayed into it.
   */
  open(): Connection {
    if (this.#conn !== undefined) return this.#conn;
    const pending = this.#pending;
    if (pending === undefined || this.#closed) {
      throw new CellarError(
        'CELLAR_ERR_INTERNAL',
        `a micro-DB of ${this.#product.name} was used after close`,
      );
    }
    const conn = connection(openConnection(microDbTemplate(this.#product)));
    try {
      const vault = new VaultStore(() => conn.statements);
      conn.db.transaction(() => replayWrites({ ...conn, vault }, pending))();
    } catch (err) {
      conn.db.close();
      throw err;
    }
    this.#conn = conn;
    this.#pending = undefined;
    return conn;
  }

  /** Closes the connection (or drops the pending writes); idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = undefined;
    const conn = this.#conn;
    if (conn === undefined || !conn.db.open) return;
    conn.statements.clear();
    conn.db.close();
  }
}
