import type Database from 'better-sqlite3';
import type { Product } from '../product/types.js';
import { InternalStore } from './internal-store.js';
import { CONNECTION_PRAGMAS, PAGE_SIZE } from './internal-tables.js';
import { replayWrites } from './log-replay.js';
import { StatementCache } from './statement-cache.js';
import { microDbTemplate, templateConnection } from './template.js';
import { VaultStore } from './vault-store.js';
import type { WriteLog, WriteTarget } from './write-log.js';

/**
 * Pending writes beyond which a micro-DB opens its own connection instead of borrowing the
 * builder's: replaying costs ~1–3 µs a write, opening a connection and preparing its statements
 * ~100–250 µs, and a log is replayed whole at every flush.
 */
export const MAX_BUILDER_WRITES = 64;

/**
 * The same bound for a micro-DB built before: one flushed again is likely hot, and replaying its
 * whole log at each flush would soon cost more than opening its connection once.
 */
export const MAX_REBUILD_WRITES = 16;

/** Statements the builder keeps prepared: one connection per product, so room is cheap. */
const BUILDER_STATEMENTS = 512;

/**
 * One product's builder: a `:memory:` connection holding the empty micro-DB (the template, byte
 * for byte), with its statements prepared once. A build replays a log inside a transaction,
 * serializes the image — a `:memory:` database serializes through its pager, uncommitted pages
 * included — and rolls back: the connection holds the template again, exactly, whatever the
 * entity wrote (pages it added are gone; nothing of it can reach the next entity's image).
 */
class Builder implements WriteTarget {
  readonly db: Database.Database;
  readonly statements: StatementCache;
  readonly internal: InternalStore;
  readonly vault: VaultStore;
  readonly #pages: number;
  readonly #begin: Database.Statement;
  readonly #rollback: Database.Statement;
  readonly #pageCount: Database.Statement;

  constructor(product: Product) {
    this.db = templateConnection(product);
    // The settings every micro-DB connection has (connection.ts): freed bytes zeroed, so a value
    // an upsert replaced leaves nothing in the image; temp data in memory.
    for (const pragma of CONNECTION_PRAGMAS) this.db.exec(pragma);
    this.db.defaultSafeIntegers(true);
    // Room for the multi-row statements of every write shape (six sizes each, log-replay.ts).
    this.statements = new StatementCache(this.db, BUILDER_STATEMENTS);
    this.internal = new InternalStore(this.statements);
    this.vault = new VaultStore(() => this.statements);
    this.#pages = microDbTemplate(product).length / PAGE_SIZE;
    this.#begin = this.db.prepare('BEGIN');
    this.#rollback = this.db.prepare('ROLLBACK');
    // The plain pragma: ~0.4 µs cheaper a build than the pragma_page_count() table.
    this.#pageCount = this.db.prepare('PRAGMA page_count').pluck();
  }

  /** The image of template + `log`; the connection is back to the template after. */
  build(log: WriteLog): Buffer {
    this.#begin.run();
    try {
      replayWrites(this, log, true);
      return this.db.serialize();
    } finally {
      this.#rollback.run();
    }
  }

  /** True when the rollback left the template's page count (a cheap check that it happened). */
  isPristine(): boolean {
    return !this.db.inTransaction && Number(this.#pageCount.get()) === this.#pages;
  }

  close(): void {
    this.db.close();
  }
}

const builders = new WeakMap<Product, Builder>();

/**
 * The image of a micro-DB that never opened its connection: the product's template with `log`
 * replayed, built in one connection per product reused from entity to entity. Replaying costs a
 * few µs a write, against ~100–250 µs to open a connection, parse the schema, prepare the
 * statements and close it again. The image is the one the entity's own connection would serialize
 * (the same pages in the same order; only header counters differ).
 *
 * A failed build closes the builder (after rolling back) and rethrows; the next build opens a new
 * one.
 */
export function buildPendingImage(product: Product, log: WriteLog): Buffer {
  let builder = builders.get(product);
  if (builder === undefined) {
    builder = new Builder(product);
    builders.set(product, builder);
  }
  let image: Buffer | undefined;
  try {
    image = builder.build(log);
    return image;
  } finally {
    if (image === undefined || !builder.isPristine()) {
      builders.delete(product);
      builder.close();
    }
  }
}
