import { describe, expect, it } from 'vitest';
import {
  BLOB_FORMAT_DEFLATE_XCHACHA,
  BLOB_FORMAT_FIXED_V1,
  BLOB_V1_HEADER_BYTES,
  type BlobHeader,
  blobHeaderLength,
  MAX_BLOB_HEADER_BYTES,
  readBlobHeader,
  writeBlobHeader,
} from '../../../src/codec/blob-header.js';
import { isCellarError } from '../../../src/errors.js';

const nonce = Buffer.alloc(24, 9);

function written(header: BlobHeader): Buffer {
  const target = Buffer.alloc(MAX_BLOB_HEADER_BYTES + 8, 0xee);
  const length = writeBlobHeader(target, header);
  expect(length).toBe(blobHeaderLength(header));
  return target.subarray(0, length);
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('blob header', () => {
  it('writes format 2 with varint counters: 36 bytes for a typical blob', () => {
    const bytes = written({ format: 2, keyVersion: 1, version: 300n, dictionaryId: 77, nonce });
    expect(bytes.length).toBe(36);
    // magic, format, key version 1, version 300 = 0xac 0x02, dictionary id, nonce
    expect(bytes.subarray(0, 8).toString('hex')).toBe(`${Buffer.from('CLR1').toString('hex')}0201ac02`);
    expect(bytes.readUInt32BE(8)).toBe(77);
    expect(bytes.subarray(12).equals(nonce)).toBe(true);
    expect(readBlobHeader(bytes)).toMatchObject({
      format: 2,
      keyVersion: 1,
      version: 300n,
      dictionaryId: 77,
      length: 36,
    });
  });

  it('reads and writes format 3 (page delta) with the layout of format 2', () => {
    const two = written({ format: 2, keyVersion: 1, version: 300n, dictionaryId: 77, nonce });
    const three = written({ format: 3, keyVersion: 1, version: 300n, dictionaryId: 77, nonce });
    expect(three[4]).toBe(3);
    expect(three.subarray(5).equals(two.subarray(5))).toBe(true);
    expect(readBlobHeader(three)).toMatchObject({ format: 3, keyVersion: 1, version: 300n, length: 36 });
    const future = Buffer.from(three);
    future[4] = 4;
    expect(
      isCellarError(
        errorOf(() => readBlobHeader(future)),
        'CELLAR_ERR_CODEC_FORMAT',
      ),
    ).toBe(true);
  });

  it('round-trips every field at the ends of its range', () => {
    for (const [keyVersion, version] of [
      [0, 0n],
      [127, 127n],
      [128, 128n],
      [0xffff_ffff, BigInt(Number.MAX_SAFE_INTEGER)],
    ] as const) {
      const bytes = written({ format: 2, keyVersion, version, dictionaryId: 0xffff_ffff, nonce });
      expect(bytes.length).toBeLessThanOrEqual(MAX_BLOB_HEADER_BYTES);
      const header = readBlobHeader(bytes);
      expect(header).toMatchObject({ format: 2, keyVersion, version, dictionaryId: 0xffff_ffff });
      expect(Buffer.from(header.nonce).equals(nonce)).toBe(true);
    }
    expect(
      written({
        format: 2,
        keyVersion: 0xffff_ffff,
        version: BigInt(Number.MAX_SAFE_INTEGER),
        dictionaryId: 1,
        nonce,
      }).length,
    ).toBe(MAX_BLOB_HEADER_BYTES);
  });

  it('still reads (and can write, for tests) the fixed-width format 1, including a u64 version', () => {
    const bytes = written({
      format: 1,
      keyVersion: 0xfffffffe,
      version: 2n ** 60n + 1n,
      dictionaryId: 77,
      nonce,
    });
    expect(bytes.length).toBe(BLOB_V1_HEADER_BYTES);
    expect(BLOB_V1_HEADER_BYTES).toBe(45);
    const header = readBlobHeader(bytes);
    expect(header).toMatchObject({
      format: BLOB_FORMAT_FIXED_V1,
      keyVersion: 0xfffffffe,
      version: 2n ** 60n + 1n,
      dictionaryId: 77,
      length: 45,
    });
    expect(Buffer.from(header.nonce).equals(nonce)).toBe(true);
  });

  it('refuses values that do not fit their fields', () => {
    const base = { format: BLOB_FORMAT_DEFLATE_XCHACHA, keyVersion: 1, version: 1n, dictionaryId: 0, nonce };
    const attempts: BlobHeader[] = [
      { ...base, keyVersion: -1 },
      { ...base, keyVersion: 2 ** 32 },
      { ...base, version: -1n },
      { ...base, version: BigInt(Number.MAX_SAFE_INTEGER) + 1n },
      { ...base, format: 1, version: 2n ** 64n },
      { ...base, dictionaryId: 2 ** 32 },
      { ...base, nonce: Buffer.alloc(12) },
      { ...base, format: 4 },
    ];
    for (const attempt of attempts) {
      expect(
        isCellarError(
          errorOf(() => blobHeaderLength(attempt)),
          'CELLAR_ERR_INTERNAL',
        ),
      ).toBe(true);
    }
  });

  it('fails as FORMAT on a cut-short, overlong or out-of-range header', () => {
    const good = written({ format: 2, keyVersion: 1, version: 300n, dictionaryId: 77, nonce });
    const overlongKeyVersion = Buffer.concat([good.subarray(0, 5), Buffer.alloc(5, 0xff), good.subarray(6)]);
    // 5 bytes whose value exceeds u32: 0xff ×4 then 0x7f.
    const bigKeyVersion = Buffer.concat([
      good.subarray(0, 5),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]),
      good.subarray(6),
    ]);
    for (const bad of [
      good.subarray(0, 3),
      good.subarray(0, 6),
      good.subarray(0, good.length - 1),
      overlongKeyVersion,
      bigKeyVersion,
      Buffer.from('NOPE\u0002'),
    ]) {
      expect(
        isCellarError(
          errorOf(() => readBlobHeader(bad)),
          'CELLAR_ERR_CODEC_FORMAT',
        ),
      ).toBe(true);
    }
  });
});
