import { deflateRawSync, inflateRawSync } from 'node:zlib';
import sodium from 'sodium-native';
import { CellarError } from '../errors.js';

/**
 * zlib level for blobs, in both formats. Format 3 (written) deflates the image's page delta
 * (page-delta.ts) with no dictionary: {@link compressPageDelta}. Formats 1 and 2 (read) deflated
 * the whole image with the template as preset dictionary: {@link compressImage}.
 *
 * Format 2 → 3, measured on the sync benchmark's customers (CPU time per op, interleaved rounds in
 * one process on the shared 2-core VM; a blob is the compressed bytes + 51 of header and tag):
 *
 * | image            | compressed (2 → 3) | encodeBlob (2 → 3) | decodeBlob (2 → 3) |
 * | 1 row, 7.5 KB    | 385 → 333 B        | 32 → 26 µs         | 16 → 16 µs         |
 * | 15 rows, 8 KB    | 920 → 905 B        | 56 → 51 µs         | 20 → 21 µs         |
 *
 * On the delta, level 1 takes the same time as level 3 and is 0–1.5 % larger; a preset dictionary
 * taken from the template (all of it, or its first 1 KB) makes it 1–2 % smaller for the cost of
 * hashing the dictionary on every call, so there is none.
 *
 * The level was chosen on whole images (customer360-shaped, 512-byte pages, 5.5–13 KB; the
 * product's empty image as preset dictionary), on the 2-core reference VM:
 *
 * | image   | level 1       | level 3       | level 6        | level 9        |
 * | 5.5 KB  | 614 B, 21 µs  | 590 B, 20 µs  | 579 B, 38 µs   | 563 B, 144 µs  |
 * | 7.5 KB  | 1373 B, 30 µs | 1337 B, 30 µs | 1318 B, 51 µs  | 1305 B, 200 µs |
 * | 13 KB   | 3659 B, 44 µs | 3592 B, 58 µs | 3500 B, 119 µs | 3509 B, 390 µs |
 *
 * Level 3 is within 3 % of level 6's size at half its time, and as fast as level 1 on small
 * images; levels above 6 buy under 1 % for 3–6× the time. Decompression (5–17 µs) does not depend
 * on the level. The template is what matters: it halves small entities (1068 B → 585 B).
 */
export const BLOB_DEFLATE_LEVEL = 3;

/**
 * zlib window for compressing whole images (formats 1 and 2): 16 KiB instead of the default
 * 32 KiB. Measured on the same images (8–11 KiB, 7 KiB dictionary): the same size to the byte or
 * smaller, and deflate's working memory falls from 256 KiB to 192 KiB per call (a little faster:
 * 0.3–0.5 µs of ~25 µs). Raw inflate with the default 15-bit window decodes streams made with any
 * smaller window, so blobs written with 15 bits (the first release) still decode; decompression
 * of those formats keeps the default.
 */
export const BLOB_DEFLATE_WINDOW_BITS = 14;

/**
 * zlib window and memory level for page deltas (format 3): 8 KiB and 5 instead of 16 KiB and 8.
 * A delta holds only changed pages, mostly zeros after the XOR, so the smaller window and hash
 * table lose nothing: measured on customer360 deltas of 3–38 KB, the same size within 0.3 %
 * (12 and 4 lose 2–4 % on the larger ones). Deflate's working memory falls from 192 KiB to 48 KiB
 * per call, and Node reports all of it to V8 as external memory on every call, which drives
 * garbage collection on the sync path. Inflate of a delta uses the same window (it must be at
 * least the encoder's, so the two are one constant).
 */
export const PAGE_DELTA_WINDOW_BITS = 13;
export const PAGE_DELTA_MEM_LEVEL = 5;

const dictionaryIds = new WeakMap<Uint8Array, number>();

/**
 * A 32-bit fingerprint of a preset dictionary (first 4 bytes of its BLAKE2b-256), recorded in the
 * blob header so that a blob is never inflated with the wrong dictionary. Never 0, which means
 * "no dictionary". Cached per dictionary buffer (the caller must not mutate a dictionary).
 */
export function dictionaryId(dictionary: Uint8Array | undefined): number {
  if (dictionary === undefined) return 0;
  const cached = dictionaryIds.get(dictionary);
  if (cached !== undefined) return cached;
  const digest = Buffer.alloc(32);
  sodium.crypto_generichash(digest, dictionary);
  const id = digest.readUInt32BE(0) || 1;
  dictionaryIds.set(dictionary, id);
  return id;
}

/**
 * The image compressed with raw deflate at {@link BLOB_DEFLATE_LEVEL} and
 * {@link BLOB_DEFLATE_WINDOW_BITS}: the plaintext of formats 1 and 2, no longer written.
 */
export function compressImage(image: Uint8Array, dictionary?: Uint8Array): Buffer {
  return deflateRawSync(image, {
    level: BLOB_DEFLATE_LEVEL,
    windowBits: BLOB_DEFLATE_WINDOW_BITS,
    ...(dictionary === undefined ? {} : { dictionary }),
  });
}

/**
 * A page delta (page-delta.ts) compressed with raw deflate at {@link BLOB_DEFLATE_LEVEL}, without a
 * dictionary. The output buffer is sized above deflate's worst case for the input (stored blocks:
 * 5 bytes per block of at least 2 KiB at this memory level), so zlib writes one buffer (the one
 * returned, which the caller zeroes) rather than several it would concatenate and leave behind;
 * small ones come from Node's buffer pool instead of a fresh allocation.
 */
export function compressPageDelta(delta: Uint8Array): Buffer {
  return deflateRawSync(delta, {
    level: BLOB_DEFLATE_LEVEL,
    windowBits: PAGE_DELTA_WINDOW_BITS,
    memLevel: PAGE_DELTA_MEM_LEVEL,
    chunkSize: Math.max(64, delta.length + (delta.length >>> 8) + 64),
  });
}

/** The inflated page delta. Throws CELLAR_ERR_CODEC_FORMAT when it does not inflate. */
export function decompressPageDelta(compressed: Uint8Array): Buffer {
  try {
    return inflateRawSync(compressed, { windowBits: PAGE_DELTA_WINDOW_BITS });
  } catch (err) {
    throw new CellarError(
      'CELLAR_ERR_CODEC_FORMAT',
      'the blob authenticated but its page delta does not inflate',
      {
        hint: 'a bug in the Cellar version that wrote it',
        cause: err,
      },
    );
  }
}

/**
 * The inflated image of a format-1 or -2 blob. Throws CELLAR_ERR_CODEC_FORMAT when the data does
 * not inflate (only possible for a blob that authenticated, so it means a wrong dictionary or a
 * bug, never an attack).
 */
export function decompressImage(compressed: Uint8Array, dictionary?: Uint8Array): Buffer {
  try {
    // The default finish mode (Z_FINISH) fails on a truncated stream instead of returning a prefix.
    return inflateRawSync(compressed, dictionary === undefined ? {} : { dictionary });
  } catch (err) {
    throw new CellarError(
      'CELLAR_ERR_CODEC_FORMAT',
      'the blob authenticated but its contents do not inflate',
      {
        hint: 'the dictionary given does not match the one the blob was written with',
        cause: err,
      },
    );
  }
}
