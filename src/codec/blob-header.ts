import { NONCE_BYTES } from '../crypto/key-wrap.js';
import { CellarError } from '../errors.js';

/**
 * The plaintext header at the front of every blob. All of it is authenticated (it is part of the
 * AEAD associated data), so it can be read before decryption but trusted only after.
 *
 * ```
 * offset size  field
 *  0      4    magic "CLR1"
 *  4      1    format (1: deflate-raw, then XChaCha20-Poly1305)
 *  5      4    key version, u32 big-endian (which data key generation encrypted it)
 *  9      8    blob version, u64 big-endian (the store's write counter for this entity)
 * 17      4    dictionary id, u32 big-endian (0: no preset dictionary)
 * 21     24    nonce
 * 45           ciphertext ‖ 16-byte tag
 * ```
 */
export interface BlobHeader {
  readonly format: number;
  readonly keyVersion: number;
  /** A bigint because the field is 64 bits wide; compare with `BigInt(expected)`. */
  readonly version: bigint;
  readonly dictionaryId: number;
  readonly nonce: Uint8Array;
}

export const BLOB_MAGIC = Buffer.from('CLR1', 'ascii');
/** The only format this version writes and reads. */
export const BLOB_FORMAT_DEFLATE_XCHACHA = 1;
export const BLOB_HEADER_BYTES = 4 + 1 + 4 + 8 + 4 + NONCE_BYTES;

const OFFSET_FORMAT = 4;
const OFFSET_KEY_VERSION = 5;
const OFFSET_VERSION = 9;
const OFFSET_DICTIONARY = 17;
const OFFSET_NONCE = 21;
const U32_MAX = 0xffff_ffff;

/** Writes `header` into the first {@link BLOB_HEADER_BYTES} of `target`. */
export function writeBlobHeader(target: Buffer, header: BlobHeader): void {
  if (!Number.isInteger(header.keyVersion) || header.keyVersion < 0 || header.keyVersion > U32_MAX) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `blob key version must be a u32, got ${header.keyVersion}`);
  }
  if (header.version < 0n || header.version > 0xffff_ffff_ffff_ffffn) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `blob version must be a u64, got ${header.version}`);
  }
  if (header.nonce.length !== NONCE_BYTES) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `blob nonce must be ${NONCE_BYTES} bytes`);
  }
  BLOB_MAGIC.copy(target, 0);
  target.writeUInt8(header.format, OFFSET_FORMAT);
  target.writeUInt32BE(header.keyVersion, OFFSET_KEY_VERSION);
  target.writeBigUInt64BE(header.version, OFFSET_VERSION);
  target.writeUInt32BE(header.dictionaryId, OFFSET_DICTIONARY);
  target.set(header.nonce, OFFSET_NONCE);
}

/**
 * The header of `blob`, unauthenticated. Throws CELLAR_ERR_CODEC_FORMAT when the blob is too
 * short, lacks the magic, or has a format this version does not know.
 */
export function readBlobHeader(blob: Uint8Array): BlobHeader {
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (view.length < BLOB_HEADER_BYTES) {
    throw new CellarError(
      'CELLAR_ERR_CODEC_FORMAT',
      `the blob is ${view.length} bytes, shorter than its ${BLOB_HEADER_BYTES}-byte header`,
    );
  }
  if (!view.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC)) {
    throw new CellarError(
      'CELLAR_ERR_CODEC_FORMAT',
      'the blob does not start with the CLR1 magic: it is not a Cellar blob',
    );
  }
  const format = view.readUInt8(OFFSET_FORMAT);
  if (format !== BLOB_FORMAT_DEFLATE_XCHACHA) {
    throw new CellarError(
      'CELLAR_ERR_CODEC_FORMAT',
      `the blob has format ${format}; this version reads format ${BLOB_FORMAT_DEFLATE_XCHACHA}`,
      {
        hint: 'it was written by a newer Cellar; upgrade this one',
      },
    );
  }
  return {
    format,
    keyVersion: view.readUInt32BE(OFFSET_KEY_VERSION),
    version: view.readBigUInt64BE(OFFSET_VERSION),
    dictionaryId: view.readUInt32BE(OFFSET_DICTIONARY),
    nonce: view.subarray(OFFSET_NONCE, OFFSET_NONCE + NONCE_BYTES),
  };
}
