import sodium from 'sodium-native';
import { NONCE_BYTES, TAG_BYTES } from '../crypto/key-wrap.js';
import type { SecureKey } from '../crypto/secure-buffer.js';
import { CellarError } from '../errors.js';
import type { EntityKey } from '../store/blob-store.js';
import {
  BLOB_FORMAT_DEFLATE_XCHACHA,
  type BlobHeader,
  blobHeaderLength,
  type ReadBlobHeader,
  readBlobHeader,
  writeBlobHeader,
} from './blob-header.js';
import { compressImage, decompressImage, dictionaryId } from './compress.js';

/**
 * Micro-DB image ⇄ blob: raw deflate (with the product's optional preset dictionary), then
 * XChaCha20-Poly1305 under the entity's data key with a fresh random nonce.
 *
 * The associated data is `header ‖ product ‖ 0x00 ‖ entity key`, so a blob opens only as the
 * entity it was written for, at the version in its header, with the key version and dictionary
 * in its header: a blob copied to another entity or product, or altered anywhere, fails as
 * CELLAR_ERR_CODEC_TAMPERED; an older blob put back in place of a newer one fails as
 * CELLAR_ERR_CODEC_ROLLBACK.
 *
 * Blobs are written in header format 2; format-1 blobs (the first release's fixed-width header)
 * still open, and {@link resealBlob} rewrites them as format 2.
 */

export interface EncodeBlobInput {
  readonly product: string;
  readonly key: EntityKey;
  /** The blob version the store will record with it (≥ 0, a safe integer). */
  readonly version: number;
  /** The serialized micro-DB. */
  readonly image: Uint8Array;
  readonly dataKey: SecureKey;
  /** Generation of the data key (u32), recorded for key rotation. */
  readonly keyVersion: number;
  /** zlib preset dictionary: the product's empty micro-DB image. The same one is needed to decode. */
  readonly dictionary?: Uint8Array;
}

export interface DecodeBlobInput {
  readonly product: string;
  readonly key: EntityKey;
  /** The version the store holds for this blob; the header must carry exactly this one. */
  readonly expectedVersion: number;
  readonly blob: Uint8Array;
  readonly dataKey: SecureKey;
  /** The dictionary the blob was encoded with (its id is in the header: {@link readBlobHeader}). */
  readonly dictionary?: Uint8Array;
}

/** Encodes an image into a blob. The compressed plaintext is zeroed before returning. */
export function encodeBlob(input: EncodeBlobInput): Uint8Array {
  if (!Number.isSafeInteger(input.version) || input.version < 0) {
    throw new CellarError(
      'CELLAR_ERR_INTERNAL',
      `blob version must be a non-negative safe integer, got ${input.version}`,
    );
  }
  const compressed = compressImage(input.image, input.dictionary);
  try {
    return seal(input.product, input.key, input.dataKey, compressed, {
      keyVersion: input.keyVersion,
      version: BigInt(input.version),
      dictionaryId: dictionaryId(input.dictionary),
    });
  } finally {
    sodium.sodium_memzero(compressed);
  }
}

/**
 * The image inside `blob`, all or nothing. Throws CELLAR_ERR_CODEC_FORMAT (not a blob, unknown
 * format, wrong dictionary), CELLAR_ERR_CODEC_TAMPERED (fails authentication: altered, moved to
 * another entity, wrong data key; or a header newer than the store's version) or
 * CELLAR_ERR_CODEC_ROLLBACK (an authentic blob older than `expectedVersion`).
 */
export function decodeBlob(input: DecodeBlobInput): Buffer {
  const { header, compressed } = openBlob(input);
  try {
    const given = dictionaryId(input.dictionary);
    if (header.dictionaryId !== given) {
      throw new CellarError(
        'CELLAR_ERR_CODEC_FORMAT',
        `the blob was compressed with dictionary ${hex32(header.dictionaryId)}, but ${hex32(given)} was given`,
        {
          hint: 'decode with the dictionary (empty micro-DB image) of the product version that wrote the blob',
        },
      );
    }
    return decompressImage(compressed, input.dictionary);
  } finally {
    sodium.sodium_memzero(compressed);
  }
}

export interface ResealBlobInput extends Omit<DecodeBlobInput, 'dictionary'> {
  /** The key to encrypt with from now on. */
  readonly newDataKey: SecureKey;
  /** The blob version the store will record with the resealed blob (above `expectedVersion`). */
  readonly newVersion: number;
  /** Generation of the new data key (u32), recorded in the header. */
  readonly keyVersion: number;
}

/**
 * `blob` re-encrypted under another data key (key rotation with `--reencrypt`), without
 * decompressing it: same compressed bytes and dictionary id, a fresh nonce, the new version and key
 * version. Opening fails exactly as in {@link decodeBlob}; the compressed plaintext is zeroed.
 */
export function resealBlob(input: ResealBlobInput): Uint8Array {
  if (!Number.isSafeInteger(input.newVersion) || input.newVersion <= input.expectedVersion) {
    throw new CellarError(
      'CELLAR_ERR_INTERNAL',
      `a resealed blob needs a version above ${input.expectedVersion}`,
    );
  }
  const { header, compressed } = openBlob(input);
  try {
    // Always the current format: every format's compressed stream is raw deflate, so a format-1
    // blob is upgraded in passing.
    return seal(input.product, input.key, input.newDataKey, compressed, {
      keyVersion: input.keyVersion,
      version: BigInt(input.newVersion),
      dictionaryId: header.dictionaryId,
    });
  } finally {
    sodium.sodium_memzero(compressed);
  }
}

/** `compressed` encrypted under `dataKey` behind a current-format header with a fresh nonce. */
function seal(
  product: string,
  key: EntityKey,
  dataKey: SecureKey,
  compressed: Buffer,
  fields: Omit<BlobHeader, 'format' | 'nonce'>,
): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  sodium.randombytes_buf(nonce);
  const header: BlobHeader = { format: BLOB_FORMAT_DEFLATE_XCHACHA, ...fields, nonce };
  const headerBytes = blobHeaderLength(header);
  const out = Buffer.allocUnsafeSlow(headerBytes + compressed.length + TAG_BYTES);
  writeBlobHeader(out, header);
  const ad = associatedData(out.subarray(0, headerBytes), product, key);
  dataKey.use((k) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.subarray(headerBytes),
      compressed,
      ad,
      null,
      nonce,
      k,
    ),
  );
  return out;
}

/**
 * Authenticates and decrypts a blob, checking its version against the store's: the header and
 * the compressed image (the caller zeroes it).
 */
function openBlob(input: Omit<DecodeBlobInput, 'dictionary'>): {
  header: ReadBlobHeader;
  compressed: Buffer;
} {
  const header = readBlobHeader(input.blob);
  const blob = Buffer.from(input.blob.buffer, input.blob.byteOffset, input.blob.byteLength);
  if (blob.length < header.length + TAG_BYTES) {
    throw new CellarError(
      'CELLAR_ERR_CODEC_FORMAT',
      `the blob is ${blob.length} bytes: too short to hold its tag`,
    );
  }
  const ad = associatedData(blob.subarray(0, header.length), input.product, input.key);
  const compressed = Buffer.alloc(blob.length - header.length - TAG_BYTES);
  try {
    try {
      input.dataKey.use((k) =>
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
          compressed,
          null,
          blob.subarray(header.length),
          ad,
          header.nonce,
          k,
        ),
      );
    } catch (err) {
      throw new CellarError(
        'CELLAR_ERR_CODEC_TAMPERED',
        `the blob of ${input.product}/${input.key} failed authentication`,
        {
          hint: 'it was altered, copied from another entity, or the data key does not belong to it',
          cause: err,
        },
      );
    }
    // Authentic from here on: the header fields can be trusted.
    const expected = BigInt(input.expectedVersion);
    if (header.version < expected) {
      throw new CellarError(
        'CELLAR_ERR_CODEC_ROLLBACK',
        `the blob of ${input.product}/${input.key} is version ${header.version}, older than the expected ${expected}`,
        {
          hint: 'an older copy of the blob was put back in the store; restore the current one from a backup',
        },
      );
    }
    if (header.version > expected) {
      throw new CellarError(
        'CELLAR_ERR_CODEC_TAMPERED',
        `the blob of ${input.product}/${input.key} is version ${header.version}, but the store records ${expected}`,
        {
          hint: "the store's version column was altered",
        },
      );
    }
    return { header, compressed };
  } catch (err) {
    sodium.sodium_memzero(compressed);
    throw err;
  }
}

function associatedData(header: Buffer, product: string, key: EntityKey): Buffer {
  if (product.includes('\0')) {
    throw new CellarError('CELLAR_ERR_INTERNAL', 'a product name must not contain NUL');
  }
  const productBytes = Buffer.byteLength(product, 'utf8');
  const ad = Buffer.allocUnsafe(header.length + productBytes + 1 + Buffer.byteLength(key, 'utf8'));
  header.copy(ad, 0);
  ad.write(product, header.length, 'utf8');
  ad[header.length + productBytes] = 0;
  ad.write(key, header.length + productBytes + 1, 'utf8');
  return ad;
}

function hex32(id: number): string {
  return id === 0 ? 'none' : id.toString(16).padStart(8, '0');
}
