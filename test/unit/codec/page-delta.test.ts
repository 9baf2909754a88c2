import { describe, expect, it } from 'vitest';
import { applyPageDelta, encodePageDelta, PAGE_DELTA_CHUNK_LOG2 } from '../../../src/codec/page-delta.js';
import { isCellarError } from '../../../src/errors.js';
import { microImages } from './micro-image.js';

const CHUNK = 1 << PAGE_DELTA_CHUNK_LOG2;

/** The chunk numbers set in a delta's bitmap. */
function changedChunks(delta: Buffer): number[] {
  let at = 0;
  let length = 0;
  let scale = 1;
  for (;;) {
    const byte = delta[at++] ?? 0;
    length += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) break;
  }
  const bitmap = at + 1;
  const out: number[] = [];
  for (let i = 0; i < Math.ceil(length / CHUNK); i += 1)
    if ((((delta[bitmap + (i >> 3)] ?? 0) >> (i & 7)) & 1) === 1) out.push(i);
  return out;
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('page delta', () => {
  const { image, empty } = microImages(60);

  it('round-trips an image grown from its template, keeping only the pages that differ', () => {
    const delta = encodePageDelta(image, empty);
    expect(applyPageDelta(delta, empty).equals(image)).toBe(true);
    const differing: number[] = [];
    for (let i = 0; i < image.length / CHUNK; i += 1) {
      const page = image.subarray(i * CHUNK, (i + 1) * CHUNK);
      if (!page.equals(empty.subarray(i * CHUNK, (i + 1) * CHUNK))) differing.push(i);
    }
    expect(image.length).toBeGreaterThan(empty.length);
    expect(differing.length).toBeLessThan(image.length / CHUNK);
    expect(changedChunks(delta)).toEqual(differing);
    expect(delta[2]).toBe(PAGE_DELTA_CHUNK_LOG2); // after a two-byte varint length
    expect(delta.length % 4).toBe(0);
  });

  it('stores what changed as zeros where the template already had the bytes (XOR)', () => {
    const small = microImages(1);
    const delta = encodePageDelta(small.image, small.empty);
    let zeros = 0;
    for (const byte of delta) if (byte === 0) zeros += 1;
    expect(zeros).toBeGreaterThan(delta.length / 2);
    // The page holding the SQLite header differs only in counters: the schema text is not in the delta.
    expect(delta.includes(Buffer.from('CREATE TABLE'))).toBe(false);
  });

  it('is a header and nothing else for the template itself', () => {
    const delta = encodePageDelta(empty, empty);
    expect(changedChunks(delta)).toEqual([]);
    expect(delta.length).toBeLessThanOrEqual(8);
    expect(applyPageDelta(delta, empty).equals(empty)).toBe(true);
  });

  it('round-trips without a template (every chunk kept as is), shorter images and odd lengths', () => {
    const none = encodePageDelta(image, undefined);
    expect(changedChunks(none).length).toBe(image.length / CHUNK);
    expect(applyPageDelta(none, undefined).equals(image)).toBe(true);
    for (const length of [0, 1, 100, CHUNK, CHUNK + 3, empty.length - 7, image.length - 1]) {
      const part = Buffer.from(image.subarray(0, length));
      expect(applyPageDelta(encodePageDelta(part, empty), empty).equals(part)).toBe(true);
    }
  });

  it('writes the same delta into a dirty target as into a clean one', () => {
    // A template that ends inside a chunk whose shared part is unchanged.
    const cut = empty.subarray(0, empty.length - 100);
    const clean = encodePageDelta(image, cut, Buffer.alloc(image.length + 64));
    const dirty = encodePageDelta(image, cut, Buffer.alloc(image.length + 64, 0xa5));
    expect(dirty.equals(clean)).toBe(true);
    expect(applyPageDelta(dirty, cut).equals(image)).toBe(true);
    expect(
      isCellarError(
        errorOf(() => encodePageDelta(image, cut, Buffer.alloc(8))),
        'CELLAR_ERR_INTERNAL',
      ),
    ).toBe(true);
  });

  it('gives the same delta and image for buffers that are not 4-byte aligned', () => {
    const shifted = Buffer.alloc(image.length + 1);
    image.copy(shifted, 1);
    const oddImage = shifted.subarray(1);
    const shiftedEmpty = Buffer.alloc(empty.length + 3);
    empty.copy(shiftedEmpty, 3);
    const oddTemplate = shiftedEmpty.subarray(3);
    const delta = encodePageDelta(oddImage, oddTemplate);
    expect(delta.equals(encodePageDelta(image, empty))).toBe(true);
    const oddDelta = Buffer.alloc(delta.length + 2);
    delta.copy(oddDelta, 2);
    expect(applyPageDelta(oddDelta.subarray(2), oddTemplate).equals(image)).toBe(true);
    expect(applyPageDelta(new Uint8Array(delta), new Uint8Array(empty)).equals(image)).toBe(true);
  });

  it('fails as FORMAT on a malformed delta', () => {
    const delta = encodePageDelta(image, empty);
    const bitmapAt = 3; // two varint bytes of length, one of chunk size
    const unknownChunk = Buffer.from(delta);
    unknownChunk[2] = 8;
    const missingPastTemplate = Buffer.from(delta);
    const last = image.length / CHUNK - 1;
    missingPastTemplate[bitmapAt + (last >> 3)] =
      (missingPastTemplate[bitmapAt + (last >> 3)] ?? 0) & ~(1 << (last & 7));
    const pastEnd = encodePageDelta(image.subarray(0, 3 * CHUNK), empty);
    pastEnd[bitmapAt] = (pastEnd[bitmapAt] ?? 0) | 0x80; // chunk 7 of a 3-chunk image
    for (const bad of [
      Buffer.alloc(0),
      Buffer.of(0x80),
      Buffer.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      delta.subarray(0, 4),
      delta.subarray(0, delta.length - 1),
      Buffer.concat([delta, Buffer.alloc(1)]),
      unknownChunk,
      missingPastTemplate,
      pastEnd,
    ]) {
      expect(
        isCellarError(
          errorOf(() => applyPageDelta(bad, empty)),
          'CELLAR_ERR_CODEC_FORMAT',
        ),
      ).toBe(true);
    }
  });
});
