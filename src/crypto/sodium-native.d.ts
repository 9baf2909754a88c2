/**
 * Types for the part of `sodium-native` (libsodium bindings) that Cellar uses. The package ships
 * no declarations; this file is the one place that describes the native surface we depend on, so
 * growing it is a deliberate act. Add a function here before calling it.
 *
 * Caveats of the library itself: functions throw plain `Error`s (wrap them in CellarError at the
 * call site), and the `sodium_mprotect_*` functions act on the whole allocation behind a buffer
 * (`buf.buffer`), not on a view.
 */
declare module 'sodium-native' {
  namespace sodium {
    /** A buffer whose memory comes from `sodium_malloc`: guard pages, mlock, excluded from core dumps. */
    interface SecureBuffer extends Buffer {
      readonly secure: true;
    }
  }

  interface Sodium {
    readonly crypto_aead_xchacha20poly1305_ietf_ABYTES: number;
    readonly crypto_aead_xchacha20poly1305_ietf_KEYBYTES: number;
    readonly crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number;
    readonly crypto_generichash_BYTES: number;
    readonly crypto_kdf_CONTEXTBYTES: number;

    sodium_malloc(size: number): sodium.SecureBuffer;
    /** Zeroes, unlocks and unmaps the allocation, then detaches the buffer (length 0 afterwards). */
    sodium_free(buf: sodium.SecureBuffer): void;
    sodium_memzero(buf: ArrayBufferView): void;
    sodium_mprotect_noaccess(buf: sodium.SecureBuffer): void;
    sodium_mprotect_readonly(buf: sodium.SecureBuffer): void;
    sodium_mprotect_readwrite(buf: sodium.SecureBuffer): void;
    /** Constant-time equality of two buffers of the same length. */
    sodium_memcmp(a: ArrayBufferView, b: ArrayBufferView): boolean;

    randombytes_buf(buf: ArrayBufferView): void;

    /** BLAKE2b; `key` (16–64 bytes) makes it a MAC. `output` is 16–64 bytes. */
    crypto_generichash(output: ArrayBufferView, input: ArrayBufferView, key?: ArrayBufferView): void;
    /** BLAKE2b-based KDF: subkey `id` of `key` (32 bytes) in an 8-byte `ctx`. */
    crypto_kdf_derive_from_key(
      subkey: ArrayBufferView,
      id: number,
      ctx: ArrayBufferView,
      key: ArrayBufferView,
    ): void;

    /** Writes `m.length + ABYTES` bytes into `c`; returns that length. */
    crypto_aead_xchacha20poly1305_ietf_encrypt(
      c: ArrayBufferView,
      m: ArrayBufferView,
      ad: ArrayBufferView | null,
      nsec: null,
      npub: ArrayBufferView,
      k: ArrayBufferView,
    ): number;
    /** Writes `c.length - ABYTES` bytes into `m`; throws when authentication fails. */
    crypto_aead_xchacha20poly1305_ietf_decrypt(
      m: ArrayBufferView,
      nsec: null,
      c: ArrayBufferView,
      ad: ArrayBufferView | null,
      npub: ArrayBufferView,
      k: ArrayBufferView,
    ): number;
  }

  const sodium: Sodium;
  export = sodium;
}
