import type Database from 'better-sqlite3';
import { CellarError } from '../../errors.js';
import type {
  BlobStore,
  CommitBatch,
  DeadLetter,
  EntityKey,
  ParkedEvent,
  StoredBlob,
  StoredTemplate,
  TokenOwner,
} from '../blob-store.js';
import {
  type BlobRow,
  type BlobStatements,
  type ParkedRow,
  prepareBlobStatements,
} from './blob-statements.js';
import { BLOB_STORE_SCHEMA } from './schema.js';
import { toStoreError } from './sqlite-errors.js';
import { openSqliteFile, type SqliteFileOptions } from './sqlite-file.js';

/** Blobs read per page by `scan` when no page size is given. */
export const DEFAULT_SCAN_PAGE_SIZE = 256;

/**
 * The embedded {@link BlobStore}: one SQLite file in WAL mode with `synchronous=FULL`, so a
 * resolved `commit` survives power loss.
 *
 * `commit` applies a batch in one `BEGIN IMMEDIATE` transaction, in this order: blob deletes, blob
 * puts, routes (in list order: the last entry for a row wins), dropped routes, positions, dead
 * letters, parks, unparks, tokens (the last entry for a token wins), dropped tokens — so a key
 * both deleted and put ends up put, an event both parked and unparked ends up gone, and a token
 * both set and dropped ends up gone. Re-committing a batch
 * changes nothing further (dead letters identical to stored ones are skipped).
 *
 * Caveats: methods are async by contract but run synchronously on the calling thread (a few µs
 * each; `commit` includes an fsync). `scan` reads page by page without a snapshot: blobs written
 * during a scan may or may not appear. `stats` counts rows, linear in the product's size. One
 * process at a time may use the file.
 */
export class SqliteBlobStore implements BlobStore {
  /** The store file. */
  readonly path: string;
  #db: Database.Database | undefined;
  readonly #sql: BlobStatements;
  readonly #commit: (batch: CommitBatch) => void;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    this.#sql = prepareBlobStatements(db);
    const apply = db.transaction((batch: CommitBatch) => applyBatch(this.#sql, batch));
    this.#commit = (batch) => apply.immediate(batch);
  }

  /**
   * Opens the store at `path`, creating the file (0600), its folders (0700) and the schema when
   * missing. `:memory:` gives a private in-memory store (tests). Throws CELLAR_ERR_STORE_SCHEMA
   * for a file that is not a blob store, CELLAR_ERR_STORE_IO when it cannot be opened.
   */
  static open(path: string, options: SqliteFileOptions = {}): SqliteBlobStore {
    return new SqliteBlobStore(path, openSqliteFile(path, BLOB_STORE_SCHEMA, options));
  }

  async get(product: string, key: EntityKey): Promise<StoredBlob | undefined> {
    const row = this.#run('get', () => this.#sql.get.get(product, key));
    return row === undefined ? undefined : toBlob(product, row);
  }

  async getMany(product: string, keys: readonly EntityKey[]): Promise<Map<EntityKey, StoredBlob>> {
    const rows = this.#run('getMany', () =>
      keys.length === 0 ? [] : this.#sql.getMany.all(product, JSON.stringify(keys)),
    );
    return new Map(rows.map((row) => [row.key, toBlob(product, row)]));
  }

  async *scan(product: string, pageSize: number = DEFAULT_SCAN_PAGE_SIZE): AsyncIterable<StoredBlob> {
    const limit = positiveInteger(pageSize, 'scan page size');
    let after = '';
    for (;;) {
      const page = this.#run('scan', () => this.#sql.scanPage.all(product, after, limit));
      for (const row of page) yield toBlob(product, row);
      const last = page.at(-1);
      if (last === undefined || page.length < limit) return;
      after = last.key;
    }
  }

  async stats(product: string): Promise<{ readonly entities: number; readonly lastWriteAt: number }> {
    const row = this.#run('stats', () => this.#sql.stats.get(product));
    return { entities: row?.entities ?? 0, lastWriteAt: row?.lastWriteAt ?? 0 };
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#run('commit', () => this.#commit(batch));
  }

  async positions(): Promise<Map<string, string>> {
    const rows = this.#run('positions', () => this.#sql.positions.all());
    return new Map(rows.map((row) => [row.stream, row.token]));
  }

  async routes(rows: readonly string[]): Promise<Map<string, EntityKey>> {
    const found = this.#run('routes', () =>
      rows.length === 0 ? [] : this.#sql.routes.all(JSON.stringify(rows)),
    );
    return new Map(found.map((row) => [row.row, row.entity]));
  }

  async parked(waitsFor: readonly string[]): Promise<ParkedEvent[]> {
    const rows = this.#run('parked', () =>
      waitsFor.length === 0 ? [] : this.#sql.parked.all(JSON.stringify(waitsFor)),
    );
    return rows.map(toParked);
  }

  async expiredParked(now: number): Promise<ParkedEvent[]> {
    return this.#run('expiredParked', () => this.#sql.expiredParked.all(now)).map(toParked);
  }

  async deadLetters(limit: number): Promise<{ readonly total: number; readonly items: DeadLetter[] }> {
    const count = Math.max(0, Math.floor(limit));
    return this.#run('deadLetters', () => ({
      total: this.#sql.deadLetterCount.get() ?? 0,
      items: this.#sql.deadLetters.all(count).map((row) => ({ ...row })),
    }));
  }

  async tokenOwners(tokens: readonly string[]): Promise<Map<string, TokenOwner>> {
    const rows = this.#run('tokenOwners', () =>
      tokens.length === 0 ? [] : this.#sql.tokenOwners.all(JSON.stringify(tokens)),
    );
    return new Map(rows.map((row) => [row.token, { product: row.product, entity: row.entity }]));
  }

  async putTemplate(product: string, template: StoredTemplate): Promise<void> {
    const { dictionaryId, image, schema } = template;
    this.#run('putTemplate', () => this.#sql.putTemplate.run(product, dictionaryId, image, schema));
  }

  async templates(product: string): Promise<StoredTemplate[]> {
    const rows = this.#run('templates', () => this.#sql.templates.all(product));
    return rows.map((row) => ({ dictionaryId: row.dictionary_id, image: row.image, schema: row.schema }));
  }

  async dropTemplate(product: string, dictionaryId: number): Promise<void> {
    this.#run('dropTemplate', () => this.#sql.dropTemplate.run(product, dictionaryId));
  }

  /** Closes the file (checkpointing the WAL). Idempotent; every other method then rejects. */
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
      throw new CellarError('CELLAR_ERR_STORE_CLOSED', `the blob store ${this.path} is closed (${what})`);
    }
    try {
      return work();
    } catch (err) {
      throw toStoreError(err, what, this.path);
    }
  }
}

function applyBatch(sql: BlobStatements, batch: CommitBatch): void {
  for (const { product, key } of batch.deletes) sql.delete.run(product, key);
  for (const blob of batch.puts) sql.put.run(blob.product, blob.key, blob.version, blob.data, blob.updatedAt);
  for (const route of batch.routes) {
    if (route.entity === null) sql.deleteRoute.run(route.row);
    else sql.setRoute.run(route.row, route.entity);
  }
  for (const entity of batch.dropRoutes ?? []) sql.dropRoutes.run(entity);
  for (const [stream, token] of batch.positions) sql.setPosition.run(stream, token);
  for (const l of batch.deadLetters) {
    sql.addDeadLetter.run({
      stream: l.stream,
      token: l.token,
      code: l.code,
      reason: l.reason,
      payload: l.payload,
      at: l.at,
    });
  }
  for (const event of batch.park) {
    sql.park.run({
      waits_for: event.waitsFor,
      seq: event.seq,
      payload: event.payload,
      expires_at: event.expiresAt,
    });
  }
  for (const { waitsFor, seq } of batch.unpark) sql.unpark.run(waitsFor, seq);
  for (const { token, owner } of batch.tokens ?? []) {
    if (owner === null) sql.deleteToken.run(token);
    else sql.setToken.run(token, owner.product, owner.entity);
  }
  for (const { product, key } of batch.dropTokens ?? []) sql.dropTokens.run(product, key);
}

function toBlob(product: string, row: BlobRow): StoredBlob {
  return { product, key: row.key, version: row.version, data: row.data, updatedAt: row.updated_at };
}

function toParked(row: ParkedRow): ParkedEvent {
  return { waitsFor: row.waits_for, seq: row.seq, payload: row.payload, expiresAt: row.expires_at };
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `${what} must be a positive integer, got ${value}`);
  }
  return value;
}
