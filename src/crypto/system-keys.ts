import sodium from 'sodium-native';
import { CellarError } from '../errors.js';
import type { KeyStore, WrappedKey } from '../store/key-store.js';
import { unwrapKeyInto, wrapKey } from './key-wrap.js';
import type { MasterKey } from './master-key.js';
import { asMasterKeySet, type MasterKeySet } from './rotation/master-key-set.js';
import { SecureKey } from './secure-buffer.js';

/** Loads a master key version a key was found wrapped under, when the holder can (rotation). */
export type EnsureMasterVersion = (version: number) => Promise<void>;

/** The constant the key store's check value is a MAC of. Changing it orphans every key store. */
const CHECK_INPUT = Buffer.from('cellar/key-store-check/v1', 'ascii');
const CHECK_BYTES = 32;

/** The value proving which master key a key store belongs to: keyed BLAKE2b of a constant. */
export function masterCheckValue(master: MasterKey): Uint8Array {
  const check = Buffer.alloc(CHECK_BYTES);
  master.key.use((k) => sodium.crypto_generichash(check, CHECK_INPUT, k));
  return check;
}

/**
 * Verifies that `master` is the key `keyStore` was created with, recording the check value on
 * first use. Throws CELLAR_ERR_KEY_MASTER_WRONG on a mismatch, naming `location`.
 */
export async function verifyMasterKey(
  master: MasterKey,
  keyStore: KeyStore,
  location: string,
): Promise<void> {
  const expected = masterCheckValue(master);
  const stored = await keyStore.getCheck(master.version);
  if (stored === undefined) {
    await keyStore.putCheck(master.version, expected);
    return;
  }
  if (stored.length !== CHECK_BYTES || !sodium.sodium_memcmp(stored, expected)) {
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_WRONG',
      `the master key does not match the key store at ${location}`,
      {
        hint: 'start with the master key this key store was created with; a different master key needs a new (empty) key store',
      },
    );
  }
}

/**
 * Unwraps a stored key into a dedicated secure allocation, with whichever loaded master key version
 * wrapped it. Throws CELLAR_ERR_KEY_MASTER_WRONG when that version is not loaded,
 * CELLAR_ERR_KEY_CORRUPT when it fails authentication.
 */
export function unwrapDedicated(masters: MasterKey | MasterKeySet, stored: WrappedKey): SecureKey {
  const master = masterFor(masters, stored);
  return SecureKey.fill((out) => unwrapKeyInto(master.key, stored.id, stored.wrapped, out), 'noaccess');
}

/** Throws CELLAR_ERR_KEY_MASTER_WRONG unless `stored` was wrapped by `master`'s version. */
export function assertMasterVersion(master: MasterKey, stored: WrappedKey): void {
  masterFor(master, stored);
}

/**
 * The loaded master key of the version that wrapped `stored`; CELLAR_ERR_KEY_MASTER_WRONG when
 * that version is not loaded.
 */
export function masterFor(masters: MasterKey | MasterKeySet, stored: WrappedKey): MasterKey {
  const set = asMasterKeySet(masters);
  const master = set.get(stored.masterVersion);
  if (master === undefined) {
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_WRONG',
      `the key ${stored.id} was wrapped by master key version ${stored.masterVersion}, but only version(s) ${set.versions().join(', ')} are loaded`,
      { hint: 'load the master key version that wrapped this key store (docs/key-rotation.md)' },
    );
  }
  return master;
}

/**
 * The runtime's own key `system:<name>` (index hashing, sealing), created, wrapped and stored
 * durably on first use — before anything protected by it can be written.
 *
 * Caveat: two processes creating the same system key at the same moment would each store their
 * own, and the last write wins; one runtime per key store is assumed (as for the embedded store).
 */
export async function loadSystemKey(
  masters: MasterKey | MasterKeySet,
  keyStore: KeyStore,
  name: string,
  ensureVersion?: EnsureMasterVersion,
): Promise<SecureKey> {
  const id = `system:${name}` as const;
  const stored = await keyStore.get(id);
  if (stored !== undefined) {
    await ensureVersion?.(stored.masterVersion);
    return unwrapDedicated(masters, stored);
  }
  const master = asMasterKeySet(masters).current;
  const key = SecureKey.random('noaccess');
  try {
    await keyStore.putMany([{ id, masterVersion: master.version, wrapped: wrapKey(master.key, id, key) }]);
  } catch (err) {
    key.dispose();
    throw err;
  }
  return key;
}
