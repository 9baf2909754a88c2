/**
 * The few libsodium calls the audit log needs, behind our own types. sodium-native ships no
 * TypeScript declarations, so it is loaded through `createRequire` and narrowed to this surface.
 */
import { createRequire } from 'node:module';
import { CellarError } from '../../errors.js';

interface SodiumSubset {
  readonly crypto_generichash_BYTES: number;
  readonly crypto_sign_SEEDBYTES: number;
  readonly crypto_sign_PUBLICKEYBYTES: number;
  readonly crypto_sign_SECRETKEYBYTES: number;
  readonly crypto_sign_BYTES: number;
  crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** Guarded, non-swappable memory for secrets. */
  sodium_malloc(size: number): Buffer;
  sodium_memzero(buffer: Uint8Array): void;
}

const sodium = createRequire(import.meta.url)('sodium-native') as SodiumSubset;

/** Ed25519 sizes in bytes. */
export const SIGN_SEED_BYTES = sodium.crypto_sign_SEEDBYTES;
export const SIGN_PUBLIC_KEY_BYTES = sodium.crypto_sign_PUBLICKEYBYTES;
export const SIGNATURE_BYTES = sodium.crypto_sign_BYTES;

/** BLAKE2b-256 (unkeyed) of `input`. */
export function blake2b256(input: Uint8Array): Buffer {
  const out = Buffer.alloc(32);
  sodium.crypto_generichash(out, input);
  return out;
}

/**
 * An Ed25519 key pair derived from a 32-byte seed. The secret key lives in sodium's guarded memory
 * and is zeroed by `dispose()`.
 */
export interface Ed25519KeyPair {
  readonly publicKey: Buffer;
  sign(message: Uint8Array): Buffer;
  dispose(): void;
}

/** Derives the key pair for `seed` (exactly {@link SIGN_SEED_BYTES} bytes; the caller checks). */
export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  const publicKey = Buffer.alloc(SIGN_PUBLIC_KEY_BYTES);
  const secretKey = sodium.sodium_malloc(sodium.crypto_sign_SECRETKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
  let disposed = false;
  return {
    publicKey,
    sign(message) {
      if (disposed)
        throw new CellarError('CELLAR_ERR_AUDIT_CLOSED', 'the checkpoint signing key was disposed');
      const signature = Buffer.alloc(SIGNATURE_BYTES);
      sodium.crypto_sign_detached(signature, message, secretKey);
      return signature;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      sodium.sodium_memzero(secretKey);
    },
  };
}

/** True when `signature` is a valid Ed25519 signature of `message` by `publicKey`. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== SIGN_PUBLIC_KEY_BYTES) return false;
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}
