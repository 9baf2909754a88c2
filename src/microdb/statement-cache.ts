import type Database from 'better-sqlite3';

/** Statements kept per connection at most; beyond it the oldest is dropped (it can be re-prepared). */
const DEFAULT_MAX_STATEMENTS = 64;

/**
 * Prepared statements of one connection, by key. Bounded, because some keys come from callers
 * (the table sets a reader asks for).
 */
export class StatementCache {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #max: number;

  constructor(db: Database.Database, max = DEFAULT_MAX_STATEMENTS) {
    this.#db = db;
    this.#max = max;
  }

  /** The statement cached under `key`, preparing `sql()` on a miss. */
  get(key: string, sql: () => string, pluck = false): Database.Statement {
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = this.#db.prepare(sql());
      if (pluck) statement.pluck();
      if (this.#statements.size >= this.#max) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
      this.#statements.set(key, statement);
    }
    return statement;
  }

  /** How many statements are cached. */
  get size(): number {
    return this.#statements.size;
  }

  clear(): void {
    this.#statements.clear();
  }
}
