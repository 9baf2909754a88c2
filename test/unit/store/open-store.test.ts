import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStores } from '../../../src/store/open-store.js';
import { tempDir } from './sqlite/temp-dir.js';

describe('openStores', () => {
  it('opens a blob store and a separate key store', async () => {
    const { dir, remove } = tempDir();
    try {
      const { blobs, keys, keysLocation } = await openStores({
        type: 'sqlite',
        path: join(dir, 'cellar.db'),
        keysPath: join(dir, 'keys.db'),
      });
      expect(keysLocation).toBe(join(dir, 'keys.db'));
      await keys.putCheck(1, Uint8Array.of(1));
      expect(await blobs.positions()).toEqual(new Map());
      await blobs.close();
      await keys.close();
    } finally {
      remove();
    }
  });

  it('refuses one file for both stores', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'cellar.db');
      await expect(
        openStores({ type: 'sqlite', path, keysPath: `${dir}/./cellar.db` }),
      ).rejects.toMatchObject({
        code: 'CELLAR_ERR_CONFIG_INVALID',
      });
    } finally {
      remove();
    }
  });

  it('closes the blob store again when the key store cannot be opened', async () => {
    const { dir, remove } = tempDir();
    try {
      const blobPath = join(dir, 'cellar.db');
      const first = await openStores({ type: 'sqlite', path: blobPath, keysPath: join(dir, 'keys.db') });
      await first.blobs.close();
      await first.keys.close();
      // The blob store file given as the key store is refused as the wrong kind of store.
      const other = join(dir, 'other.db');
      await expect(openStores({ type: 'sqlite', path: other, keysPath: blobPath })).rejects.toMatchObject({
        code: 'CELLAR_ERR_STORE_SCHEMA',
      });
      // SQLite removes the -wal file when the last connection closes: other.db was closed again.
      expect(existsSync(other)).toBe(true);
      expect(existsSync(`${other}-wal`)).toBe(false);
    } finally {
      remove();
    }
  });
});
