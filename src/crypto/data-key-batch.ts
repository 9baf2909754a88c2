import sodium from 'sodium-native';
import type { EntityKey } from '../store/blob-store.js';
import type { WrappedKey } from '../store/key-store.js';
import type { KeyArena } from './key-arena.js';
import { NONCE_BYTES, WRAPPED_KEY_BYTES } from './key-wrap.js';
import type { MasterKey } from './master-key.js';
import { KEY_BYTES, type SecureKey } from './secure-buffer.js';

/** A data key just made, in the arena's secure memory, and its wrap under the master key. */
export interface NewDataKey {
  readonly key: SecureKey;
  /** Its wrap (nonce ‖ ciphertext ‖ tag, bound to the id): exactly what `wrapKey` makes. */
  readonly wrapped: WrappedKey;
}

/**
 * Fresh random data keys for `ids`, each wrapped under `master` and bound to its id, in the format
 * of `wrapKey` (key-wrap.ts), which `unwrapKeyInto` opens.
 *
 * Why a batch: a flush of new entities makes thousands of keys; made one at a time, each costs two
 * random-byte calls (key, nonce), an associated-data buffer, a wrap buffer and nested key uses.
 * Here all the keys come from one random-byte call into a scratch of secure memory (zeroed and
 * freed before returning), all the nonces from one call filling the wraps' buffer, and the master
 * key is made readable once.
 *
 * Caveat: the wraps are views of one buffer (it is freed when the last of them is dropped).
 */
export function newDataKeys(
  arena: KeyArena,
  master: Pick<MasterKey, 'key' | 'version'>,
  ids: readonly EntityKey[],
): NewDataKey[] {
  if (ids.length === 0) return [];
  const plain = sodium.sodium_malloc(ids.length * KEY_BYTES);
  // Every byte is written: the random fill covers the nonces, the encryption the rest.
  const wraps = Buffer.allocUnsafe(ids.length * WRAPPED_KEY_BYTES);
  const made: NewDataKey[] = [];
  try {
    sodium.randombytes_buf(plain);
    sodium.randombytes_buf(wraps);
    let ad = Buffer.allocUnsafe(128);
    master.key.use((wrappingKey) => {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const bytes = plain.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
        const key = arena.allocate((slot) => slot.set(bytes));
        const at = i * WRAPPED_KEY_BYTES;
        const adLength = Buffer.byteLength(id, 'utf8');
        if (adLength > ad.length) ad = Buffer.allocUnsafe(adLength);
        ad.write(id, 0, 'utf8');
        const wrapped = wraps.subarray(at, at + WRAPPED_KEY_BYTES);
        made.push({ key, wrapped: { id, masterVersion: master.version, wrapped } });
        sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
          wraps.subarray(at + NONCE_BYTES, at + WRAPPED_KEY_BYTES),
          bytes,
          ad.subarray(0, adLength),
          null,
          wraps.subarray(at, at + NONCE_BYTES),
          wrappingKey,
        );
      }
    });
    return made;
  } catch (err) {
    for (const { key } of made) key.dispose();
    throw err;
  } finally {
    sodium.sodium_free(plain); // zeroes, then unmaps
  }
}
