import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BLOB_DEFLATE_LEVEL,
  BLOB_DEFLATE_WINDOW_BITS,
  compressImage,
  compressPageDelta,
  decompressImage,
  decompressPageDelta,
  dictionaryId,
  PAGE_DELTA_WINDOW_BITS,
} from '../../../src/codec/compress.js';
import { encodePageDelta } from '../../../src/codec/page-delta.js';
import { isCellarError } from '../../../src/errors.js';
import { microImages } from './micro-image.js';

describe('compress', () => {
  const { image, empty } = microImages(10);

  it('round-trips with and without a dictionary at the chosen level', () => {
    expect(BLOB_DEFLATE_LEVEL).toBe(3);
    expect(decompressImage(compressImage(image)).equals(image)).toBe(true);
    expect(decompressImage(compressImage(image, empty), empty).equals(image)).toBe(true);
  });

  it('decodes streams made with the 32 KiB window of the first release as well as its own 16 KiB one', () => {
    expect(BLOB_DEFLATE_WINDOW_BITS).toBe(14);
    const old = deflateRawSync(image, { level: 3, windowBits: 15, dictionary: empty });
    expect(decompressImage(old, empty).equals(image)).toBe(true);
    expect(compressImage(image, empty).length).toBeLessThanOrEqual(old.length + 8);
  });

  it('shrinks a small entity well below its page-padded image', () => {
    const small = microImages(1);
    expect(compressImage(small.image, small.empty).length).toBeLessThan(small.image.length / 8);
  });

  it('round-trips a page delta with the small window, and fails as FORMAT when it does not inflate', () => {
    expect(PAGE_DELTA_WINDOW_BITS).toBe(13);
    const delta = encodePageDelta(image, empty);
    const compressed = compressPageDelta(delta);
    expect(decompressPageDelta(compressed).equals(delta)).toBe(true);
    expect(compressed.length).toBeLessThan(compressImage(image, empty).length);
    // A stream that needs a larger window than the delta format's is refused, not misread.
    const block = randomBytes(10_000);
    const wide = deflateRawSync(Buffer.concat([block, block]), { level: 3, windowBits: 15 });
    expect(wide.length).toBeLessThan(15_000); // the repeat is a match 10,000 bytes back
    let err: unknown;
    try {
      decompressPageDelta(wide);
    } catch (e) {
      err = e;
    }
    expect(isCellarError(err, 'CELLAR_ERR_CODEC_FORMAT')).toBe(true);
  });

  it('fingerprints dictionaries: stable, non-zero, distinct, 0 for none', () => {
    expect(dictionaryId(undefined)).toBe(0);
    const id = dictionaryId(empty);
    expect(id).not.toBe(0);
    expect(dictionaryId(Buffer.from(empty))).toBe(id);
    expect(dictionaryId(empty.subarray(0, 100))).not.toBe(id);
  });

  it('fails as FORMAT on a truncated stream rather than returning a prefix', () => {
    const compressed = compressImage(image);
    let err: unknown;
    try {
      decompressImage(compressed.subarray(0, compressed.length - 4));
    } catch (e) {
      err = e;
    }
    expect(isCellarError(err, 'CELLAR_ERR_CODEC_FORMAT')).toBe(true);
  });
});
