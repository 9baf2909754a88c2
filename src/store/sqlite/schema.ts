/**
 * Schemas of the two embedded store files. Each file is marked with its own SQLite
 * `application_id`, so a blob store opened as a key store (or any other SQLite file opened as
 * either) is refused instead of being written into; `user_version` numbers the schema so a later
 * version can migrate it.
 */

/** What a store file is and how to create each of its schema versions. */
export interface StoreSchema {
  /** Human name used in errors: `blob store`, `key store`. */
  readonly label: string;
  /** PRAGMA application_id: 'CLRB' / 'CLRK' as a big-endian int32. */
  readonly applicationId: number;
  /** Migrations: index i takes user_version i to i + 1. Their count is the current version. */
  readonly migrations: readonly string[];
}

export const BLOB_STORE_SCHEMA: StoreSchema = Object.freeze({
  label: 'blob store',
  applicationId: 0x434c5242, // 'CLRB'
  migrations: Object.freeze([
    `
    CREATE TABLE blobs (
      product    TEXT    NOT NULL,
      key        TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      data       BLOB    NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (product, key)
    ) WITHOUT ROWID;

    CREATE TABLE positions (
      stream TEXT NOT NULL PRIMARY KEY,
      token  TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE routes (
      row    TEXT NOT NULL PRIMARY KEY,
      entity TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE dead_letters (
      id      INTEGER PRIMARY KEY,
      stream  TEXT    NOT NULL,
      token   TEXT    NOT NULL,
      code    TEXT    NOT NULL,
      reason  TEXT    NOT NULL,
      payload BLOB    NOT NULL,
      at      INTEGER NOT NULL
    );
    -- Finds an identical dead letter when a batch is committed twice.
    CREATE INDEX dead_letters_position ON dead_letters (stream, token);

    CREATE TABLE parked (
      waits_for  TEXT    NOT NULL,
      seq        INTEGER NOT NULL,
      payload    BLOB    NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (waits_for, seq)
    ) WITHOUT ROWID;
    CREATE INDEX parked_expiry ON parked (expires_at);
    `,
    // 2: the token index (keyed hash of a token → its entity).
    `
    CREATE TABLE tokens (
      token   TEXT NOT NULL PRIMARY KEY,
      product TEXT NOT NULL,
      entity  TEXT NOT NULL
    ) WITHOUT ROWID;
    -- Drops every token of an erased or deleted entity.
    CREATE INDEX tokens_entity ON tokens (product, entity);
    `,
    // 3: the templates blobs were written with (a spec change must not strand stored entities).
    `
    CREATE TABLE templates (
      product       TEXT    NOT NULL,
      dictionary_id INTEGER NOT NULL,
      image         BLOB    NOT NULL,
      schema        TEXT    NOT NULL,
      PRIMARY KEY (product, dictionary_id)
    ) WITHOUT ROWID;
    `,
    // 4: blobs in a rowid table. A WITHOUT ROWID row holds at most ~1 KB on its 4 KiB page before
    // spilling to an overflow page, and a 15-row entity's blob row is ~1.1 KB: every blob took a
    // page of its own (~15 KB per entity at rest, slower point reads). A rowid table keeps rows of
    // up to ~4 KB inline; the unique index on (product, key) stays small.
    `
    CREATE TABLE blobs_rowid (
      id         INTEGER PRIMARY KEY,
      product    TEXT    NOT NULL,
      key        TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      data       BLOB    NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (product, key)
    );
    INSERT INTO blobs_rowid (product, key, version, data, updated_at)
      SELECT product, key, version, data, updated_at FROM blobs ORDER BY product, key;
    DROP TABLE blobs;
    ALTER TABLE blobs_rowid RENAME TO blobs;
    `,
  ]),
});

export const KEY_STORE_SCHEMA: StoreSchema = Object.freeze({
  label: 'key store',
  applicationId: 0x434c524b, // 'CLRK'
  migrations: Object.freeze([
    `
    CREATE TABLE keys (
      id             TEXT    NOT NULL PRIMARY KEY,
      master_version INTEGER NOT NULL,
      wrapped        BLOB    NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE checks (
      master_version INTEGER NOT NULL PRIMARY KEY,
      value          BLOB    NOT NULL
    );
    `,
    // 2: the state of the last master-key rotation (one row), so that it can resume; and the
    // suppression list of erased entities, kept with the keys they lost (a restore of the blob
    // store alone must not bring their events back).
    `
    CREATE TABLE rotation (
      id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
      state TEXT    NOT NULL
    );

    CREATE TABLE suppressed (
      product TEXT    NOT NULL,
      key     TEXT    NOT NULL,
      at      INTEGER NOT NULL,
      PRIMARY KEY (product, key)
    ) WITHOUT ROWID;
    `,
  ]),
});
