import type Database from 'better-sqlite3';

/** A row of `blobs` as SQLite returns it. */
export interface BlobRow {
  readonly key: string;
  readonly version: number;
  readonly data: Buffer;
  readonly updated_at: number;
}

/** A row of `parked`. */
export interface ParkedRow {
  readonly waits_for: string;
  readonly seq: number;
  readonly payload: Uint8Array;
  readonly expires_at: number;
}

/** A row of `dead_letters`. */
export interface DeadLetterRow {
  readonly stream: string;
  readonly token: string;
  readonly code: string;
  readonly reason: string;
  readonly payload: Uint8Array;
  readonly at: number;
}

/**
 * Every statement the SQLite blob store runs, prepared once per connection. Lists of keys are
 * passed as one JSON array and expanded with `json_each`, so one prepared statement serves any
 * number of keys.
 */
export function prepareBlobStatements(db: Database.Database) {
  return {
    get: db.prepare<[string, string], BlobRow>(
      'SELECT key, version, data, updated_at FROM blobs WHERE product = ? AND key = ?',
    ),
    getMany: db.prepare<[string, string], BlobRow>(
      'SELECT key, version, data, updated_at FROM blobs WHERE product = ? AND key IN (SELECT value FROM json_each(?))',
    ),
    scanPage: db.prepare<[string, string, number], BlobRow>(
      'SELECT key, version, data, updated_at FROM blobs WHERE product = ? AND key > ? ORDER BY key LIMIT ?',
    ),
    stats: db.prepare<[string], { readonly entities: number; readonly lastWriteAt: number }>(
      'SELECT count(*) AS entities, coalesce(max(updated_at), 0) AS lastWriteAt FROM blobs WHERE product = ?',
    ),
    put: db.prepare<[string, string, number, Uint8Array, number]>(
      `INSERT INTO blobs (product, key, version, data, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (product, key) DO UPDATE
       SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at`,
    ),
    delete: db.prepare<[string, string]>('DELETE FROM blobs WHERE product = ? AND key = ?'),
    setRoute: db.prepare<[string, string]>(
      'INSERT INTO routes (row, entity) VALUES (?, ?) ON CONFLICT (row) DO UPDATE SET entity = excluded.entity',
    ),
    deleteRoute: db.prepare<[string]>('DELETE FROM routes WHERE row = ?'),
    routes: db.prepare<[string], { readonly row: string; readonly entity: string }>(
      'SELECT row, entity FROM routes WHERE row IN (SELECT value FROM json_each(?))',
    ),
    setPosition: db.prepare<[string, string]>(
      'INSERT INTO positions (stream, token) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET token = excluded.token',
    ),
    positions: db.prepare<[], { readonly stream: string; readonly token: string }>(
      'SELECT stream, token FROM positions',
    ),
    // Skips a dead letter identical to one already stored: committing a batch twice adds it once.
    addDeadLetter: db.prepare<[DeadLetterRow]>(
      `INSERT INTO dead_letters (stream, token, code, reason, payload, at)
       SELECT @stream, @token, @code, @reason, @payload, @at
       WHERE NOT EXISTS (
         SELECT 1 FROM dead_letters
         WHERE stream = @stream AND token = @token AND code = @code AND reason = @reason AND payload = @payload
       )`,
    ),
    deadLetters: db.prepare<[number], DeadLetterRow>(
      'SELECT stream, token, code, reason, payload, at FROM dead_letters ORDER BY id DESC LIMIT ?',
    ),
    deadLetterCount: db.prepare<[], number>('SELECT count(*) FROM dead_letters').pluck(),
    park: db.prepare<[ParkedRow]>(
      `INSERT INTO parked (waits_for, seq, payload, expires_at) VALUES (@waits_for, @seq, @payload, @expires_at)
       ON CONFLICT (waits_for, seq) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at`,
    ),
    unpark: db.prepare<[string, number]>('DELETE FROM parked WHERE waits_for = ? AND seq = ?'),
    parked: db.prepare<[string], ParkedRow>(
      `SELECT waits_for, seq, payload, expires_at FROM parked
       WHERE waits_for IN (SELECT value FROM json_each(?)) ORDER BY seq, waits_for`,
    ),
    expiredParked: db.prepare<[number], ParkedRow>(
      'SELECT waits_for, seq, payload, expires_at FROM parked WHERE expires_at <= ? ORDER BY expires_at, seq, waits_for',
    ),
    setToken: db.prepare<[string, string, string]>(
      `INSERT INTO tokens (token, product, entity) VALUES (?, ?, ?)
       ON CONFLICT (token) DO UPDATE SET product = excluded.product, entity = excluded.entity`,
    ),
    deleteToken: db.prepare<[string]>('DELETE FROM tokens WHERE token = ?'),
    dropTokens: db.prepare<[string, string]>('DELETE FROM tokens WHERE product = ? AND entity = ?'),
    putTemplate: db.prepare<[string, number, Buffer, string]>(
      'INSERT OR IGNORE INTO templates (product, dictionary_id, image, schema) VALUES (?, ?, ?, ?)',
    ),
    templates: db.prepare<
      [string],
      { readonly dictionary_id: number; readonly image: Buffer; readonly schema: string }
    >('SELECT dictionary_id, image, schema FROM templates WHERE product = ? ORDER BY dictionary_id'),
    dropTemplate: db.prepare<[string, number]>(
      'DELETE FROM templates WHERE product = ? AND dictionary_id = ?',
    ),
    tokenOwners: db.prepare<
      [string],
      { readonly token: string; readonly product: string; readonly entity: string }
    >('SELECT token, product, entity FROM tokens WHERE token IN (SELECT value FROM json_each(?))'),
    dropRoutes: db.prepare<[string]>('DELETE FROM routes WHERE entity = ?'),
  };
}

export type BlobStatements = ReturnType<typeof prepareBlobStatements>;
