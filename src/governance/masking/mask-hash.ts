import sodium from 'sodium-native';
import { CellarError } from '../../errors.js';
import type { StoredValue } from '../../microdb/stored-value.js';
import { bytesToBase64 } from '../../microdb/values/bytes.js';
import type { ColumnType } from '../../product/types.js';

/** Bytes of a product's `hash` mask key. */
export const MASK_HASH_KEY_BYTES = 32;

/** Bytes of the hash shown: the first 16 of a 32-byte keyed BLAKE2b, as 32 hex characters. */
export const MASK_HASH_SHOWN_BYTES = 16;

const DIGEST_BYTES = 32;

/**
 * The text a stored value is hashed as: its JSON form written as text, so the same value hashes
 * the same in every column that holds it. Integers as decimal digits, booleans `true`/`false`,
 * reals as JavaScript writes them (`1.5`, `1e+21`), bytes as standard base64, everything else as
 * the stored text. Null has no text.
 */
export function canonicalText(value: StoredValue, type: ColumnType): string | null {
  if (value === null) return null;
  if (typeof value === 'bigint') {
    if (type === 'boolean') return value === 0n ? 'false' : 'true';
    return value.toString(10);
  }
  if (typeof value === 'number') return String(value + 0); // -0 reads as 0
  if (typeof value === 'string') return value;
  return bytesToBase64(value);
}

/**
 * The `hash` mask of a value's canonical text under a product's key: keyed BLAKE2b-256, first
 * 16 bytes in lowercase hex. Stable for a key; without the key it cannot be reversed or
 * recomputed, even for guessable values such as e-mail addresses.
 *
 * @throws CellarError `CELLAR_ERR_INTERNAL` when the key is not {@link MASK_HASH_KEY_BYTES} bytes
 *   (a wiring error, never the value's fault).
 */
export function keyedHashHex(text: string, key: Uint8Array): string {
  if (key.length !== MASK_HASH_KEY_BYTES) {
    throw new CellarError(
      'CELLAR_ERR_INTERNAL',
      `a hash mask key must be ${MASK_HASH_KEY_BYTES} bytes, got ${key.length}`,
      { hint: 'pass the keys from loadMaskHashKeys() to installMasking()' },
    );
  }
  const digest = Buffer.alloc(DIGEST_BYTES);
  sodium.crypto_generichash(digest, Buffer.from(text, 'utf8'), key);
  return digest.subarray(0, MASK_HASH_SHOWN_BYTES).toString('hex');
}
