import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MasterKey } from '../../../src/crypto/master-key.js';
import { SecureKey } from '../../../src/crypto/secure-buffer.js';
import { CellarError } from '../../../src/errors.js';
import type { KeyStore, RotationState, WrappedKey } from '../../../src/store/key-store.js';
import { SqliteKeyStore } from '../../../src/store/sqlite/key-store.js';

/** A master key: random, or 32 bytes of `fill` (the same fill gives the same key). */
export function master(fill?: number): MasterKey {
  const key = fill === undefined ? SecureKey.random() : SecureKey.copyOf(Buffer.alloc(32, fill));
  return { key, version: 1, source: 'env' };
}

/** The key's bytes as hex (tests only). */
export const bytes = (key: SecureKey | undefined): string => {
  if (key === undefined) throw new Error('no key');
  return key.use((b) => Buffer.from(b).toString('hex'));
};

/** The CellarError `promise` rejects with. */
export async function failure(promise: Promise<unknown>): Promise<CellarError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CellarError) return err;
    throw err;
  }
  throw new Error('expected a CellarError');
}

/** A real key store that counts reads of wrapped keys, get and getMany (to observe the cache). */
export class CountingKeyStore implements KeyStore {
  reads = 0;
  constructor(readonly inner: KeyStore) {}
  get(id: WrappedKey['id']) {
    this.reads += 1;
    return this.inner.get(id);
  }
  getMany(ids: readonly WrappedKey['id'][]) {
    this.reads += 1;
    return this.inner.getMany(ids);
  }
  putMany(keys: readonly WrappedKey[]) {
    return this.inner.putMany(keys);
  }
  delete(id: WrappedKey['id']) {
    return this.inner.delete(id);
  }
  scan(pageSize?: number) {
    return this.inner.scan(pageSize);
  }
  getCheck(v: number) {
    return this.inner.getCheck(v);
  }
  putCheck(v: number, check: Uint8Array) {
    return this.inner.putCheck(v, check);
  }
  checkVersions() {
    return this.inner.checkVersions();
  }
  deleteCheck(v: number) {
    return this.inner.deleteCheck(v);
  }
  countByMasterVersion() {
    return this.inner.countByMasterVersion();
  }
  rewrapMany(...args: Parameters<KeyStore['rewrapMany']>) {
    return this.inner.rewrapMany(...args);
  }
  getRotation() {
    return this.inner.getRotation();
  }
  putRotation(state: RotationState) {
    return this.inner.putRotation(state);
  }
  erase(...args: Parameters<KeyStore['erase']>) {
    return this.inner.erase(...args);
  }
  unsuppress(...args: Parameters<KeyStore['unsuppress']>) {
    return this.inner.unsuppress(...args);
  }
  suppressed(...args: Parameters<KeyStore['suppressed']>) {
    return this.inner.suppressed(...args);
  }
  close() {
    return this.inner.close();
  }
}

/** A fresh SQLite key store in a temporary folder. */
export function tempKeyStore(): {
  readonly path: string;
  readonly store: SqliteKeyStore;
  readonly remove: () => Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-keyring-'));
  const path = join(dir, 'keys.db');
  const store = SqliteKeyStore.open(path);
  return {
    path,
    store,
    remove: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
