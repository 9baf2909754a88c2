import sodium from 'sodium-native';
import type { MasterKey } from '../../crypto/master-key.js';
import type { SecureKey } from '../../crypto/secure-buffer.js';
import { loadSystemKey } from '../../crypto/system-keys.js';
import { CellarError } from '../../errors.js';
import type { KeyStore } from '../../store/key-store.js';
import { MASK_HASH_KEY_BYTES } from './mask-hash.js';
import type { HashKeyFor } from './mask-sql.js';

/** The system key every product's `hash` mask key is derived from: `system:mask`. */
export const MASK_SYSTEM_KEY = 'mask';

/** Domain separation for the derivation; changing it changes every hash mask output. */
const DERIVATION_PREFIX = 'cellar/mask-hash/v1\0';

/**
 * The `hash` mask keys of every product: each derived from the `system:mask` key as keyed
 * BLAKE2b-256 of the product's name, so hashes are stable across restarts and processes (the
 * CLI and the server show the same hash) and differ between products (a hash cannot be matched
 * across products).
 *
 * Derived keys live in libsodium secure memory (locked, guard pages, outside the V8 heap), kept
 * readable because the mask functions use them for every hashed value.
 */
export interface MaskHashKeys {
  /** The product's 32-byte key; the bytes must not be kept past {@link MaskHashKeys.dispose}. */
  readonly keyFor: HashKeyFor;
  /** Zeroes every key. Using `keyFor` afterwards throws. Idempotent. */
  dispose(): void;
}

/** Derives product keys from `root` (which the returned object owns and disposes). */
export function maskHashKeysFrom(root: SecureKey): MaskHashKeys {
  const derived = new Map<string, sodium.SecureBuffer>();
  let disposed = false;
  return {
    keyFor(product: string): Uint8Array {
      if (disposed) throw new CellarError('CELLAR_ERR_INTERNAL', 'the hash mask keys were disposed');
      let key = derived.get(product);
      if (key === undefined) {
        const memory = sodium.sodium_malloc(MASK_HASH_KEY_BYTES);
        const input = Buffer.from(DERIVATION_PREFIX + product, 'utf8');
        root.use((k) => sodium.crypto_generichash(memory, input, k));
        sodium.sodium_mprotect_readonly(memory);
        derived.set(product, memory);
        key = memory;
      }
      return key;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const memory of derived.values()) sodium.sodium_free(memory);
      derived.clear();
      root.dispose();
    },
  };
}

/**
 * Loads (creating and storing on first use) the `system:mask` key and returns the product keys
 * derived from it. Give `keyFor` to `installMasking`.
 *
 * Caveat: like every system key, two processes creating it at the same moment on a fresh key
 * store would each keep their own until restarted; start the server once before other tools.
 */
export async function loadMaskHashKeys(master: MasterKey, keyStore: KeyStore): Promise<MaskHashKeys> {
  return maskHashKeysFrom(await loadSystemKey(master, keyStore, MASK_SYSTEM_KEY));
}
