import type Database from 'better-sqlite3';
import { CellarError } from '../../errors.js';
import type { EntityKey, EntityRef } from '../blob-store.js';
import type { KeyStore, KeySwap, RotationState, Suppression, WrappedKey } from '../key-store.js';
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
    checkVersions: db
      .prepare<[], number>('SELECT master_version FROM checks ORDER BY master_version')
      .pluck(),
    deleteCheck: db.prepare<[number]>('DELETE FROM checks WHERE master_version = ?'),
    countByVersion: db.prepare<[], { readonly master_version: number; readonly n: number }>(
      'SELECT master_version, count(*) AS n FROM keys GROUP BY master_version',
    ),
    // Compare-and-swap: a key erased or replaced since it was read is left as it is.
    swap: db.prepare<[number, Uint8Array, string, number, Uint8Array]>(
      'UPDATE keys SET master_version = ?, wrapped = ? WHERE id = ? AND master_version = ? AND wrapped = ?',
    ),
    suppress: db.prepare<[string, string, number]>(
      'INSERT INTO suppressed (product, key, at) VALUES (?, ?, ?) ON CONFLICT (product, key) DO NOTHING',
    ),
    unsuppress: db.prepare<[string, string]>('DELETE FROM suppressed WHERE product = ? AND key = ?'),
    suppressed: db
      .prepare<[string, string], string>(
        'SELECT key FROM suppressed WHERE product = ? AND key IN (SELECT value FROM json_each(?))',
      )
      .pluck(),
    getRotation: db.prepare<[], string>('SELECT state FROM rotation WHERE id = 1').pluck(),
    putRotation: db.prepare<[string]>(
      'INSERT INTO rotation (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state',
    ),
  };
}

interface RewrapOptions {
  readonly deletes?: readonly WrappedKey['id'][];
  readonly rotation?: RotationState;
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
  readonly #rewrapMany: (swaps: readonly KeySwap[], options: RewrapOptions) => number;
  readonly #erase: (suppression: Suppression) => number;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    const sql = prepareKeyStatements(db);
    this.#sql = sql;
    const put = db.transaction((keys: readonly WrappedKey[]) => {
      for (const key of keys) sql.put.run(key.id, key.masterVersion, key.wrapped);
    });
    this.#putMany = (keys) => put.immediate(keys);
    const rewrap = db.transaction((swaps: readonly KeySwap[], options: RewrapOptions) => {
      let applied = 0;
      for (const { from, to } of swaps) {
        if (from.id !== to.id) {
          throw new CellarError('CELLAR_ERR_INTERNAL', `a key swap must keep its id (${from.id} → ${to.id})`);
        }
        applied += sql.swap.run(
          to.masterVersion,
          to.wrapped,
          to.id,
          from.masterVersion,
          from.wrapped,
        ).changes;
      }
      for (const id of options.deletes ?? []) sql.delete.run(id);
      if (options.rotation !== undefined) sql.putRotation.run(JSON.stringify(options.rotation));
      return applied;
    });
    this.#rewrapMany = (swaps, options) => rewrap.immediate(swaps, options);
    const erase = db.transaction((s: Suppression) => {
      sql.suppress.run(s.product, s.key, s.at);
      return sql.delete.run(s.key).changes;
    });
    this.#erase = (suppression) => erase.immediate(suppression);
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

  async checkVersions(): Promise<number[]> {
    return this.#run('checkVersions', () => this.#sql.checkVersions.all());
  }

  async deleteCheck(masterVersion: number): Promise<void> {
    this.#run('deleteCheck', () => this.#sql.deleteCheck.run(masterVersion));
  }

  async countByMasterVersion(): Promise<Map<number, number>> {
    const rows = this.#run('countByMasterVersion', () => this.#sql.countByVersion.all());
    return new Map(rows.map((row) => [row.master_version, row.n]));
  }

  /**
   * Old wraps are overwritten in place (`secure_delete`), and the WAL is cut afterwards as for
   * `delete`, so a re-wrapped key's previous wrap does not linger in the journal either.
   */
  async rewrapMany(swaps: readonly KeySwap[], options: RewrapOptions = {}): Promise<number> {
    return this.#run('rewrapMany', () => {
      const applied = this.#rewrapMany(swaps, options);
      if (applied > 0 || (options.deletes?.length ?? 0) > 0) this.#db?.pragma('wal_checkpoint(TRUNCATE)');
      return applied;
    });
  }

  async erase(suppression: Suppression): Promise<void> {
    this.#run('erase', () => {
      if (this.#erase(suppression) > 0) this.#db?.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  async unsuppress(entity: EntityRef): Promise<boolean> {
    return this.#run('unsuppress', () => this.#sql.unsuppress.run(entity.product, entity.key).changes > 0);
  }

  async suppressed(product: string, keys: readonly EntityKey[]): Promise<Set<EntityKey>> {
    const rows = this.#run('suppressed', () =>
      keys.length === 0 ? [] : this.#sql.suppressed.all(product, JSON.stringify(keys)),
    );
    return new Set(rows);
  }

  async getRotation(): Promise<RotationState | undefined> {
    const text = this.#run('getRotation', () => this.#sql.getRotation.get());
    return text === undefined ? undefined : (JSON.parse(text) as RotationState);
  }

  async putRotation(state: RotationState): Promise<void> {
    this.#run('putRotation', () => this.#sql.putRotation.run(JSON.stringify(state)));
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
