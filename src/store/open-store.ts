import { resolve } from 'node:path';
import type { StoreConfig } from '../config/types.js';
import { CellarError } from '../errors.js';
import type { BlobStore } from './blob-store.js';
import type { KeyStore } from './key-store.js';
import { SqliteBlobStore } from './sqlite/blob-store.js';
import { SqliteKeyStore } from './sqlite/key-store.js';

/** The two stores of a runtime, plus where the key store lives (for error messages). */
export interface OpenedStores {
  readonly blobs: BlobStore;
  readonly keys: KeyStore;
  /** Human-readable location of the key store, e.g. its file path. */
  readonly keysLocation: string;
}

/**
 * Opens the blob store and the key store named by the configuration. They must be two different
 * files: erasure works by deleting keys, which only helps if the keys are not copied along with
 * the blobs. When the second store fails to open, the first is closed again.
 */
export async function openStores(cfg: StoreConfig): Promise<OpenedStores> {
  if (cfg.type !== 'sqlite') {
    throw new CellarError('CELLAR_ERR_CONFIG_INVALID', `store.type "${String(cfg.type)}" is not supported`, {
      hint: 'use store.type: sqlite',
    });
  }
  if (resolve(cfg.path) === resolve(cfg.keysPath)) {
    throw new CellarError(
      'CELLAR_ERR_CONFIG_INVALID',
      `store.path and store.keysPath are the same file (${cfg.path})`,
      {
        hint: 'keep the keys in their own file, e.g. data/keys.db next to data/cellar.db',
      },
    );
  }
  const blobs = SqliteBlobStore.open(cfg.path);
  try {
    const keys = SqliteKeyStore.open(cfg.keysPath);
    return { blobs, keys, keysLocation: keys.path };
  } catch (err) {
    await blobs.close();
    throw err;
  }
}
