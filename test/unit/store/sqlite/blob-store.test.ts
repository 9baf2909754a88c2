import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import { SqliteBlobStore } from '../../../../src/store/sqlite/blob-store.js';
import { SqliteKeyStore } from '../../../../src/store/sqlite/key-store.js';
import { BLOB_STORE_SCHEMA } from '../../../../src/store/sqlite/schema.js';
import { describeBlobStore } from '../blob-store.contract.js';
import { batch, hexKey } from '../store-fixtures.js';
import { tempDir } from './temp-dir.js';

describeBlobStore('SqliteBlobStore', async () => {
  const { dir, remove } = tempDir();
  const path = join(dir, 'nested', 'cellar.db');
  return {
    store: SqliteBlobStore.open(path),
    reopen: async () => SqliteBlobStore.open(path),
    cleanup: async () => remove(),
  };
});

describe('SqliteBlobStore file', () => {
  it('creates missing folders 0700 and the file 0600', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'a', 'b', 'cellar.db');
      const store = SqliteBlobStore.open(path);
      await store.commit(
        batch({ puts: [{ product: 'p', key: hexKey(1), version: 1, data: Uint8Array.of(1), updatedAt: 1 }] }),
      );
      expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
      await store.close();
    } finally {
      remove();
    }
  });

  it('marks the file as a Cellar blob store with schema version 4, in WAL mode', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'cellar.db');
      await SqliteBlobStore.open(path).close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('application_id', { simple: true })).toBe(0x434c5242);
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    } finally {
      remove();
    }
  });

  it('keeps 1.1 KB blobs inline, three to a page, not one page each', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'inline.db');
      const store = SqliteBlobStore.open(path);
      const puts = Array.from({ length: 300 }, (_, i) => ({
        product: 'p',
        key: hexKey(i),
        version: 1,
        data: new Uint8Array(1_100).fill(i % 251),
        updatedAt: 1,
      }));
      await store.commit(batch({ puts }));
      await store.close();
      const db = new Database(path, { readonly: true });
      // 300 rows of ~1.2 KB: ~90 pages of 4 KiB inline; with an overflow page per row, over 300.
      expect(db.pragma('page_count', { simple: true })).toBeLessThan(150);
      db.close();
    } finally {
      remove();
    }
  });

  it('migrates a schema version 1 file to version 4, keeping its blobs', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'v1.db');
      const v1 = new Database(path);
      v1.pragma(`application_id = ${BLOB_STORE_SCHEMA.applicationId}`);
      v1.exec(BLOB_STORE_SCHEMA.migrations[0] ?? '');
      v1.pragma('user_version = 1');
      v1.prepare('INSERT INTO blobs VALUES (?, ?, ?, ?, ?)').run('p', hexKey(1), 3, Buffer.of(9), 10);
      v1.close();
      const store = SqliteBlobStore.open(path);
      expect((await store.get('p', hexKey(1)))?.version).toBe(3);
      await store.commit(batch({ tokens: [{ token: 't', owner: { product: 'p', entity: hexKey(1) } }] }));
      expect((await store.tokenOwners(['t'])).size).toBe(1);
      await store.putTemplate('p', { dictionaryId: 7, image: Buffer.of(1), schema: '{}' });
      expect(await store.templates('p')).toHaveLength(1);
      await store.close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      db.close();
    } finally {
      remove();
    }
  });

  it('refuses to open a key store file as a blob store', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'keys.db');
      await SqliteKeyStore.open(path).close();
      let err: unknown;
      try {
        SqliteBlobStore.open(path);
      } catch (e) {
        err = e;
      }
      expect(isCellarError(err, 'CELLAR_ERR_STORE_SCHEMA')).toBe(true);
      expect((err as Error).message).toContain('is a Cellar key store, not a Cellar blob store');
    } finally {
      remove();
    }
  });

  it('refuses a file that is not SQLite, leaving it untouched', () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'notes.txt');
      writeFileSync(path, 'these are not the pages you are looking for'.repeat(200));
      expect(() => SqliteBlobStore.open(path)).toThrowError(/is not a SQLite database/);
      expect(readFileSync(path, 'utf8').startsWith('these are not')).toBe(true);
    } finally {
      remove();
    }
  });

  it('refuses a SQLite file of another application and one from a newer Cellar', () => {
    const { dir, remove } = tempDir();
    try {
      const foreign = join(dir, 'foreign.db');
      const other = new Database(foreign);
      other.exec('CREATE TABLE t (x)');
      other.close();
      expect(() => SqliteBlobStore.open(foreign)).toThrowError(/another application/);

      const newer = join(dir, 'newer.db');
      SqliteBlobStore.open(newer).close();
      const db = new Database(newer);
      db.pragma('user_version = 99');
      db.close();
      let err: unknown;
      try {
        SqliteBlobStore.open(newer);
      } catch (e) {
        err = e;
      }
      expect(isCellarError(err, 'CELLAR_ERR_STORE_SCHEMA')).toBe(true);
      expect((err as Error).message).toContain('schema version 99');
    } finally {
      remove();
    }
  });

  it('records each template once per product and dictionary id, and forgets one on request', async () => {
    const store = SqliteBlobStore.open(':memory:');
    try {
      await store.putTemplate('p', { dictionaryId: 1, image: Buffer.of(1, 2), schema: '{"v":1}' });
      await store.putTemplate('p', { dictionaryId: 1, image: Buffer.of(9), schema: '{"v":9}' });
      await store.putTemplate('p', { dictionaryId: 2, image: Buffer.of(3), schema: '{"v":2}' });
      await store.putTemplate('q', { dictionaryId: 1, image: Buffer.of(4), schema: '{"q":1}' });
      expect(await store.templates('p')).toEqual([
        { dictionaryId: 1, image: Buffer.of(1, 2), schema: '{"v":1}' },
        { dictionaryId: 2, image: Buffer.of(3), schema: '{"v":2}' },
      ]);
      await store.dropTemplate('p', 1);
      expect((await store.templates('p')).map((t) => t.dictionaryId)).toEqual([2]);
      expect(await store.templates('q')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('names the file in a commit failure and maps it to CELLAR_ERR_STORE_IO', async () => {
    const store = SqliteBlobStore.open(':memory:');
    const bad = batch({
      deadLetters: [
        {
          stream: 's',
          token: 't',
          code: 'c',
          reason: null as unknown as string,
          payload: Uint8Array.of(1),
          at: 1,
        },
      ],
    });
    await expect(store.commit(bad)).rejects.toMatchObject({
      code: 'CELLAR_ERR_STORE_IO',
      message: expect.stringContaining(':memory:'),
    });
    await store.close();
  });
});
