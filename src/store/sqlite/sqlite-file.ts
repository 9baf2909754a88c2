import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CellarError } from '../../errors.js';
import { BLOB_STORE_SCHEMA, KEY_STORE_SCHEMA, type StoreSchema } from './schema.js';
import { sqliteCode, toStoreError } from './sqlite-errors.js';

/** How long a statement waits for a lock held by another connection before failing, ms. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export interface SqliteFileOptions {
  /** Lock wait, ms. Default {@link DEFAULT_BUSY_TIMEOUT_MS}. */
  readonly busyTimeoutMs?: number;
  /** Overwrite deleted content with zeros (the key store: erased keys must not linger in free pages). */
  readonly secureDelete?: boolean;
}

/**
 * Opens (creating when missing) one store file with Cellar's durability settings: WAL journal and
 * `synchronous=FULL` (a committed transaction survives power loss), a busy timeout, and the schema
 * of `schema` created or migrated.
 *
 * Missing folders are created with mode 0700 and a new file with mode 0600 (SQLite gives its `-wal`
 * and `-shm` files the same mode). `:memory:` opens a private in-memory database (tests).
 * Throws CELLAR_ERR_STORE_SCHEMA for a file that is not this kind of store or is newer than this
 * version, CELLAR_ERR_STORE_IO when it cannot be opened.
 */
export function openSqliteFile(
  path: string,
  schema: StoreSchema,
  options: SqliteFileOptions = {},
): Database.Database {
  if (path !== ':memory:') prepareFile(path);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (err) {
    throw toStoreError(err, `opening the ${schema.label}`, path);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    if (path !== ':memory:') {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') {
        throw new CellarError(
          'CELLAR_ERR_STORE_IO',
          `the ${schema.label} ${path} cannot use a WAL journal (got ${String(mode)})`,
          {
            hint: 'put the store on a local file system; WAL does not work on network file systems',
          },
        );
      }
    }
    db.pragma('synchronous = FULL');
    if (options.secureDelete === true) db.pragma('secure_delete = ON');
    ensureSchema(db, schema, path);
    return db;
  } catch (err) {
    db.close();
    if (sqliteCode(err) === 'SQLITE_NOTADB') {
      throw new CellarError(
        'CELLAR_ERR_STORE_SCHEMA',
        `${path} is not a SQLite database, so it cannot be the ${schema.label}`,
        {
          hint: 'point the store path at a Cellar store file or at a path that does not exist yet',
          cause: err,
        },
      );
    }
    throw toStoreError(err, `opening the ${schema.label}`, path);
  }
}

function prepareFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Create the file ourselves so that it is 0600 from its first byte; an existing one is kept as is.
    closeSync(openSync(path, 'a', 0o600));
  } catch (err) {
    throw new CellarError('CELLAR_ERR_STORE_IO', `the store file ${path} cannot be created`, {
      hint: 'check that its folder is writable by the Cellar user',
      cause: err,
    });
  }
}

function ensureSchema(db: Database.Database, schema: StoreSchema, path: string): void {
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  const userVersion = Number(db.pragma('user_version', { simple: true }));
  const tables = Number(db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get());
  const fresh = applicationId === 0 && userVersion === 0 && tables === 0;
  if (!fresh && applicationId !== schema.applicationId) {
    throw new CellarError(
      'CELLAR_ERR_STORE_SCHEMA',
      `${path} is ${describe(applicationId)}, not a Cellar ${schema.label}`,
      {
        hint: 'the blob store and the key store need two different files; check store.path and store.keysPath',
      },
    );
  }
  const latest = schema.migrations.length;
  if (userVersion > latest) {
    throw new CellarError(
      'CELLAR_ERR_STORE_SCHEMA',
      `the ${schema.label} ${path} has schema version ${userVersion}; this Cellar knows up to ${latest}`,
      {
        hint: 'it was written by a newer Cellar; upgrade this one',
      },
    );
  }
  if (userVersion === latest) return;
  db.transaction(() => {
    if (fresh) db.pragma(`application_id = ${schema.applicationId}`);
    for (let v = userVersion; v < latest; v += 1) db.exec(schema.migrations[v]!);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
}

function describe(applicationId: number): string {
  if (applicationId === BLOB_STORE_SCHEMA.applicationId) return 'a Cellar blob store';
  if (applicationId === KEY_STORE_SCHEMA.applicationId) return 'a Cellar key store';
  if (applicationId === 0) return 'a SQLite database of another application';
  return `a SQLite database of another application (application_id ${applicationId})`;
}
