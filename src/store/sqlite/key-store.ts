import type Database from 'better-sqlite3';
import { CellarError } from '../../errors.js';
import type { KeyStore, WrappedKey } from '../key-store.js';
import { KEY_STORE_SCHEMA } from './schema.js';
import { toStoreError } from './sqlite-errors.js';
import { openSqliteFile, type SqliteFileOptions } from './sqlite-file.js';

/** Keys read per page by `scan` when no page size is given. */
export const DEFAULT_KEY_SCAN_PAGE_SIZE = 1_000;

interface KeyRow {
  readonly id: string;
  readonly master_version: number;
  readonly wrapped: Buffer;
}

function prepareKeyStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], KeyRow>('SELECT id, master_version, wrapped FROM keys WHERE id = ?'),
    getMany: db.prepare<[string], KeyRow>(
      'SELECT id, master_version, wrapped FROM keys WHERE id IN (SELECT value FROM json_each(?))',
    ),
    put: db.prepare<[string, number, Uint8Array]>(
      `INSERT INTO keys (id, master_version, wrapped) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET master_version = excluded.master_version, wrapped = excluded.wrapped`,
    ),
    delete: db.prepare<[string]>('DELETE FROM keys WHERE id = ?'),
    scanPage: db.prepare<[string, number], KeyRow>(
      'SELECT id, master_version, wrapped FROM keys WHERE id > ? ORDER BY id LIMIT ?',
    ),
    getCheck: db.prepare<[number], Buffer>('SELECT value FROM checks WHERE master_version = ?').pluck(),
    putCheck: db.prepare<[number, Uint8Array]>(
      'INSERT INTO checks (master_version, value) VALUES (?, ?) ON CONFLICT (master_version) DO UPDATE SET value = excluded.value',
    ),
  };
}

/**
 * The embedded {@link KeyStore}: its own SQLite file (apart from the blobs), WAL with
 * `synchronous=FULL`.
 *
 * Erasure is meant to be real: the file runs with `secure_delete`, so a deleted key's bytes are
 * overwritten in the database pages, and `delete` then checkpoints and truncates the WAL, so no
 * older copy of the page stays in the journal either.
 *
 * Caveats: copies outside this file — backups, file-system snapshots, blocks an SSD remapped —
 * are beyond its reach (they stay encrypted under the master key). Methods are async by contract
 * but run synchronously. One process at a time may use the file.
 */
export class SqliteKeyStore implements KeyStore {
  /** The key store file. */
  readonly path: string;
  #db: Database.Database | undefined;
  readonly #sql: ReturnType<typeof prepareKeyStatements>;
  readonly #putMany: (keys: readonly WrappedKey[]) => void;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    const sql = prepareKeyStatements(db);
    this.#sql = sql;
    const put = db.transaction((keys: readonly WrappedKey[]) => {
      for (const key of keys) sql.put.run(key.id, key.masterVersion, key.wrapped);
    });
    this.#putMany = (keys) => put.immediate(keys);
  }

  /**
   * Opens the key store at `path`, creating the file (0600), its folders (0700) and the schema
   * when missing. Throws CELLAR_ERR_STORE_SCHEMA for a file that is not a key store.
   */
  static open(path: string, options: SqliteFileOptions = {}): SqliteKeyStore {
    return new SqliteKeyStore(
      path,
      openSqliteFile(path, KEY_STORE_SCHEMA, { ...options, secureDelete: true }),
    );
  }

  async get(id: WrappedKey['id']): Promise<WrappedKey | undefined> {
    const row = this.#run('get', () => this.#sql.get.get(id));
    return row === undefined ? undefined : toKey(row);
  }

  async getMany(ids: readonly WrappedKey['id'][]): Promise<Map<string, WrappedKey>> {
    const rows = this.#run('getMany', () =>
      ids.length === 0 ? [] : this.#sql.getMany.all(JSON.stringify(ids)),
    );
    return new Map(rows.map((row) => [row.id, toKey(row)]));
  }

  async putMany(keys: readonly WrappedKey[]): Promise<void> {
    this.#run('putMany', () => {
      if (keys.length > 0) this.#putMany(keys);
    });
  }

  async delete(id: WrappedKey['id']): Promise<void> {
    this.#run('delete', () => {
      const { changes } = this.#sql.delete.run(id);
      // Push the zeroed page into the database file and cut the WAL, which still holds the old page.
      if (changes > 0) this.#db?.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  async *scan(pageSize: number = DEFAULT_KEY_SCAN_PAGE_SIZE): AsyncIterable<WrappedKey> {
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new CellarError(
        'CELLAR_ERR_INTERNAL',
        `key scan page size must be a positive integer, got ${pageSize}`,
      );
    }
    let after = '';
    for (;;) {
      const page = this.#run('scan', () => this.#sql.scanPage.all(after, pageSize));
      for (const row of page) yield toKey(row);
      const last = page.at(-1);
      if (last === undefined || page.length < pageSize) return;
      after = last.id;
    }
  }

  async getCheck(masterVersion: number): Promise<Uint8Array | undefined> {
    return this.#run('getCheck', () => this.#sql.getCheck.get(masterVersion));
  }

  async putCheck(masterVersion: number, check: Uint8Array): Promise<void> {
    this.#run('putCheck', () => this.#sql.putCheck.run(masterVersion, check));
  }

  /** Closes the file. Idempotent; every other method then rejects with CELLAR_ERR_STORE_CLOSED. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db === undefined) return;
    try {
      db.close();
    } catch (err) {
      throw toStoreError(err, 'close', this.path);
    }
  }

  #run<T>(what: string, work: () => T): T {
    if (this.#db === undefined) {
      throw new CellarError('CELLAR_ERR_STORE_CLOSED', `the key store ${this.path} is closed (${what})`);
    }
    try {
      return work();
    } catch (err) {
      throw toStoreError(err, what, this.path);
    }
  }
}

function toKey(row: KeyRow): WrappedKey {
  return { id: row.id as WrappedKey['id'], masterVersion: row.master_version, wrapped: row.wrapped };
}
