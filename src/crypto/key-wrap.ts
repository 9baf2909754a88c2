import sodium from 'sodium-native';
import { CellarError } from '../errors.js';
import { KEY_BYTES, type SecureKey } from './secure-buffer.js';

/**
 * Authenticated encryption with XChaCha20-Poly1305 for keys and small records: wrapping data keys
 * under the master key, and sealing dead letters / parked events under a system key.
 *
 * The associated data names what is encrypted (a key id, a system key name), so a wrapped key or
 * sealed record moved to another id fails to open.
 */

export const NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
export const TAG_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES;
/** A wrapped key: nonce ‖ ciphertext ‖ tag. */
export const WRAPPED_KEY_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;

/** First byte of a sealed record; a later format would use another. */
const SEALED_FORMAT = 1;

/** `key` encrypted under `wrappingKey`, bound to `id`: nonce ‖ ciphertext ‖ tag. */
export function wrapKey(wrappingKey: SecureKey, id: string, key: SecureKey): Uint8Array {
  const out = Buffer.alloc(WRAPPED_KEY_BYTES);
  const nonce = out.subarray(0, NONCE_BYTES);
  sodium.randombytes_buf(nonce);
  const ad = Buffer.from(id, 'utf8');
  key.use((plain) =>
    wrappingKey.use((k) =>
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(out.subarray(NONCE_BYTES), plain, ad, null, nonce, k),
    ),
  );
  return out;
}

/**
 * Decrypts a wrapped key straight into `out` (32 bytes of secure memory). Throws
 * CELLAR_ERR_KEY_CORRUPT when the wrap is malformed or fails authentication (altered, moved to
 * another id, or wrapped by another master key).
 */
export function unwrapKeyInto(wrappingKey: SecureKey, id: string, wrapped: Uint8Array, out: Buffer): void {
  if (wrapped.length !== WRAPPED_KEY_BYTES) {
    throw new CellarError(
      'CELLAR_ERR_KEY_CORRUPT',
      `the wrapped key ${id} is ${wrapped.length} bytes, expected ${WRAPPED_KEY_BYTES}`,
      {
        hint: 'the key store was altered or damaged; restore it from a backup',
      },
    );
  }
  const nonce = wrapped.subarray(0, NONCE_BYTES);
  const ad = Buffer.from(id, 'utf8');
  try {
    wrappingKey.use((k) =>
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        out,
        null,
        wrapped.subarray(NONCE_BYTES),
        ad,
        nonce,
        k,
      ),
    );
  } catch (err) {
    sodium.sodium_memzero(out);
    throw new CellarError('CELLAR_ERR_KEY_CORRUPT', `the wrapped key ${id} failed authentication`, {
      hint: 'the key store was altered, or the entry was written under another master key; restore it from a backup',
      cause: err,
    });
  }
}

/** `plaintext` sealed under `key` and bound to `label`: format ‖ nonce ‖ ciphertext ‖ tag. */
export function sealRecord(key: SecureKey, label: string, plaintext: Uint8Array): Buffer {
  const out = Buffer.alloc(1 + NONCE_BYTES + plaintext.length + TAG_BYTES);
  out[0] = SEALED_FORMAT;
  const nonce = out.subarray(1, 1 + NONCE_BYTES);
  sodium.randombytes_buf(nonce);
  const ad = Buffer.from(label, 'utf8');
  key.use((k) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.subarray(1 + NONCE_BYTES),
      plaintext,
      ad,
      null,
      nonce,
      k,
    ),
  );
  return out;
}

/** The plaintext of a record sealed by {@link sealRecord}; undefined when it fails to open. */
export function openRecord(key: SecureKey, label: string, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== SEALED_FORMAT) return undefined;
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const ciphertext = sealed.subarray(1 + NONCE_BYTES);
  const out = Buffer.alloc(ciphertext.length - TAG_BYTES);
  const ad = Buffer.from(label, 'utf8');
  try {
    key.use((k) => sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, ciphertext, ad, nonce, k));
  } catch {
    return undefined;
  }
  return out;
}
