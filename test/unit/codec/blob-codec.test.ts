import Database from 'better-sqlite3';
import sodium from 'sodium-native';
import { describe, expect, it } from 'vitest';
import { type DecodeBlobInput, decodeBlob, encodeBlob, resealBlob } from '../../../src/codec/blob-codec.js';
import {
  BLOB_V1_HEADER_BYTES,
  blobHeaderLength,
  readBlobHeader,
  writeBlobHeader,
} from '../../../src/codec/blob-header.js';
import { compressImage, dictionaryId } from '../../../src/codec/compress.js';
import { encodePageDelta } from '../../../src/codec/page-delta.js';
import { SecureKey } from '../../../src/crypto/secure-buffer.js';
import { CellarError, type ErrorCode } from '../../../src/errors.js';
import { microImages } from './micro-image.js';

const { image, empty } = microImages();
const dataKey = SecureKey.random();
const keyA = 'aa'.repeat(32);
const keyB = 'bb'.repeat(32);

function encode(
  version = 3,
  parts: { key?: string; product?: string; dictionary?: Uint8Array } = {},
): Buffer {
  return Buffer.from(
    encodeBlob({
      product: parts.product ?? 'customer360',
      key: parts.key ?? keyA,
      version,
      image,
      dataKey,
      keyVersion: 1,
      ...('dictionary' in parts
        ? parts.dictionary === undefined
          ? {}
          : { dictionary: parts.dictionary }
        : { dictionary: empty }),
    }),
  );
}

function decodeInput(blob: Uint8Array, parts: Partial<DecodeBlobInput> = {}): DecodeBlobInput {
  return {
    product: 'customer360',
    key: keyA,
    expectedVersion: 3,
    blob,
    dataKey,
    dictionary: empty,
    ...parts,
  };
}

/** A blob of `format` around `plaintext` (what encodeBlob would compress), sealed as the codec does. */
function sealedBlob(format: number, plaintext: Buffer, version = 3): Buffer {
  const header = { format, keyVersion: 1, version: BigInt(version), dictionaryId: dictionaryId(empty) };
  const nonce = Buffer.alloc(24, 5);
  const headerBytes = blobHeaderLength({ ...header, nonce });
  const blob = Buffer.alloc(headerBytes + plaintext.length + 16);
  writeBlobHeader(blob, { ...header, nonce });
  const ad = Buffer.concat([
    blob.subarray(0, headerBytes),
    Buffer.from('customer360\u0000'),
    Buffer.from(keyA),
  ]);
  dataKey.use((k) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      blob.subarray(headerBytes),
      plaintext,
      ad,
      null,
      nonce,
      k,
    ),
  );
  return blob;
}

function codeOf(run: () => unknown): ErrorCode | 'none' {
  try {
    run();
    return 'none';
  } catch (err) {
    if (err instanceof CellarError) return err.code;
    throw err;
  }
}

describe('blob codec', () => {
  it('round-trips an image into a blob that opens as the same SQLite database', () => {
    const blob = encode();
    const decoded = decodeBlob(decodeInput(blob));
    expect(decoded.equals(image)).toBe(true);
    const db = new Database(decoded);
    expect(db.prepare('SELECT email FROM customers WHERE id = 42').pluck().get()).toBe(
      'annabelle.os@example.com',
    );
    db.close();
  });

  it('round-trips without a dictionary, and the dictionary makes blobs smaller', () => {
    const plain = encode(3, { dictionary: undefined });
    expect(decodeBlob(decodeInput(plain, { dictionary: undefined })).equals(image)).toBe(true);
    expect(encode().length).toBeLessThan(plain.length);
  });

  it('writes the header it documents, with a fresh nonce every time', () => {
    const a = encode(7);
    const b = encode(7);
    const header = readBlobHeader(a);
    expect(a.subarray(0, 4).toString('ascii')).toBe('CLR1');
    expect(header).toMatchObject({ format: 3, keyVersion: 1, version: 7n, length: 35 });
    expect(header.dictionaryId).not.toBe(0);
    expect(readBlobHeader(encode(7, { dictionary: undefined })).dictionaryId).toBe(0);
    expect(Buffer.from(header.nonce).equals(readBlobHeader(b).nonce)).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('never contains the plaintext', () => {
    for (const blob of [encode(), encode(3, { dictionary: undefined })]) {
      for (const needle of ['annabelle', '839-22-1234', 'SQLite format 3', 'CREATE TABLE', 'customer360']) {
        expect(blob.includes(Buffer.from(needle))).toBe(false);
      }
    }
  });

  it('fails as TAMPERED when any byte after the magic is altered', () => {
    const blob = encode();
    const codes = new Map<number, ErrorCode | 'none'>();
    for (let i = 0; i < blob.length; i += 1) {
      const altered = Buffer.from(blob);
      altered[i] = (altered[i] ?? 0) ^ 0x01;
      codes.set(
        i,
        codeOf(() => decodeBlob(decodeInput(altered))),
      );
    }
    // The format byte flips 3 to 2, another format this version reads: authentication catches it.
    for (const [i, code] of codes)
      expect([i, code]).toEqual([i, i < 4 ? 'CELLAR_ERR_CODEC_FORMAT' : 'CELLAR_ERR_CODEC_TAMPERED']);
    // Header, ciphertext and tag were all covered.
    expect(blob.length).toBeGreaterThan(readBlobHeader(blob).length + 16 + 1);
  });

  it('fails on truncation and on input that is not a blob', () => {
    const blob = encode();
    expect(codeOf(() => decodeBlob(decodeInput(blob.subarray(0, blob.length - 1))))).toBe(
      'CELLAR_ERR_CODEC_TAMPERED',
    );
    expect(codeOf(() => decodeBlob(decodeInput(blob.subarray(0, readBlobHeader(blob).length + 3))))).toBe(
      'CELLAR_ERR_CODEC_FORMAT',
    );
    expect(codeOf(() => decodeBlob(decodeInput(blob.subarray(0, 10))))).toBe('CELLAR_ERR_CODEC_FORMAT');
    expect(codeOf(() => decodeBlob(decodeInput(image)))).toBe('CELLAR_ERR_CODEC_FORMAT');
    const future = Buffer.from(blob);
    future[4] = 4;
    expect(codeOf(() => decodeBlob(decodeInput(future)))).toBe('CELLAR_ERR_CODEC_FORMAT');
  });

  it("fails as TAMPERED when entity A's blob is opened as entity B or in another product", () => {
    const blob = encode();
    expect(codeOf(() => decodeBlob(decodeInput(blob, { key: keyB })))).toBe('CELLAR_ERR_CODEC_TAMPERED');
    expect(codeOf(() => decodeBlob(decodeInput(blob, { product: 'orders360' })))).toBe(
      'CELLAR_ERR_CODEC_TAMPERED',
    );
    // The product/key boundary is part of the binding.
    const shifted = encode(3, { product: 'customer36', key: `0${keyA}` });
    expect(codeOf(() => decodeBlob(decodeInput(shifted, { product: 'customer36', key: `0${keyA}` })))).toBe(
      'none',
    );
    expect(codeOf(() => decodeBlob(decodeInput(shifted, { product: 'customer360', key: keyA })))).toBe(
      'CELLAR_ERR_CODEC_TAMPERED',
    );
  });

  it('fails as ROLLBACK when an older blob is put back, and TAMPERED when the header is newer', () => {
    const older = encode(2);
    expect(codeOf(() => decodeBlob(decodeInput(older, { expectedVersion: 3 })))).toBe(
      'CELLAR_ERR_CODEC_ROLLBACK',
    );
    expect(codeOf(() => decodeBlob(decodeInput(encode(4), { expectedVersion: 3 })))).toBe(
      'CELLAR_ERR_CODEC_TAMPERED',
    );
    expect(codeOf(() => decodeBlob(decodeInput(older, { expectedVersion: 2 })))).toBe('none');
  });

  it('fails as TAMPERED with the wrong data key', () => {
    const other = SecureKey.random();
    expect(codeOf(() => decodeBlob(decodeInput(encode(), { dataKey: other })))).toBe(
      'CELLAR_ERR_CODEC_TAMPERED',
    );
    other.dispose();
  });

  it('fails as FORMAT with the wrong dictionary, after authenticating', () => {
    const blob = encode();
    const otherDictionary = microImages(0).empty.subarray(0, 1024);
    expect(codeOf(() => decodeBlob(decodeInput(blob, { dictionary: otherDictionary })))).toBe(
      'CELLAR_ERR_CODEC_FORMAT',
    );
    expect(codeOf(() => decodeBlob(decodeInput(blob, { dictionary: undefined })))).toBe(
      'CELLAR_ERR_CODEC_FORMAT',
    );
  });

  it('still opens a format-1 blob (fixed-width header), and reseals it as format 2', () => {
    const compressed = compressImage(image, empty);
    const nonce = Buffer.alloc(24, 5);
    const v1 = Buffer.alloc(BLOB_V1_HEADER_BYTES + compressed.length + 16);
    writeBlobHeader(v1, { format: 1, keyVersion: 1, version: 3n, dictionaryId: dictionaryId(empty), nonce });
    const ad = Buffer.concat([
      v1.subarray(0, BLOB_V1_HEADER_BYTES),
      Buffer.from('customer360\u0000'),
      Buffer.from(keyA),
    ]);
    dataKey.use((k) =>
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        v1.subarray(BLOB_V1_HEADER_BYTES),
        compressed,
        ad,
        null,
        nonce,
        k,
      ),
    );
    expect(decodeBlob(decodeInput(v1)).equals(image)).toBe(true);
    const altered = Buffer.from(v1);
    altered[12] = (altered[12] ?? 0) ^ 1; // inside the u64 version
    expect(codeOf(() => decodeBlob(decodeInput(altered)))).toBe('CELLAR_ERR_CODEC_TAMPERED');

    const resealed = resealBlob({ ...decodeInput(v1), newDataKey: dataKey, newVersion: 4, keyVersion: 2 });
    expect(readBlobHeader(resealed)).toMatchObject({ format: 2, keyVersion: 2, version: 4n });
    expect(resealed.length).toBe(v1.length - 10); // 35-byte header
    expect(decodeBlob(decodeInput(resealed, { expectedVersion: 4 })).equals(image)).toBe(true);
  });

  it('stores the page delta: smaller than format 2 for the same image', () => {
    const format2 = sealedBlob(2, compressImage(image, empty));
    expect(decodeBlob(decodeInput(format2)).equals(image)).toBe(true);
    expect(encode().length).toBeLessThan(format2.length);
  });

  it('still opens a format-2 blob and reseals it as format 2; reseals format 3 as format 3', () => {
    const format2 = sealedBlob(2, compressImage(image, empty));
    const resealed2 = resealBlob({
      ...decodeInput(format2),
      newDataKey: dataKey,
      newVersion: 4,
      keyVersion: 2,
    });
    expect(readBlobHeader(resealed2)).toMatchObject({ format: 2, keyVersion: 2, version: 4n });
    expect(decodeBlob(decodeInput(resealed2, { expectedVersion: 4 })).equals(image)).toBe(true);

    const other = SecureKey.random();
    const resealed3 = resealBlob({
      ...decodeInput(encode()),
      newDataKey: other,
      newVersion: 4,
      keyVersion: 2,
    });
    expect(readBlobHeader(resealed3)).toMatchObject({ format: 3, keyVersion: 2, version: 4n });
    expect(resealed3.length).toBe(encode().length);
    expect(decodeBlob(decodeInput(resealed3, { expectedVersion: 4, dataKey: other })).equals(image)).toBe(
      true,
    );
    expect(codeOf(() => decodeBlob(decodeInput(resealed3, { expectedVersion: 4 })))).toBe(
      'CELLAR_ERR_CODEC_TAMPERED',
    );
    other.dispose();
  });

  it('fails as FORMAT when an authentic format-3 blob holds a malformed delta', () => {
    const delta = encodePageDelta(image, empty);
    const cut = sealedBlob(3, compressImage(delta.subarray(0, delta.length - 1)));
    expect(codeOf(() => decodeBlob(decodeInput(cut)))).toBe('CELLAR_ERR_CODEC_FORMAT');
    const notDeflate = sealedBlob(3, Buffer.from('not a deflate stream at all'));
    expect(codeOf(() => decodeBlob(decodeInput(notDeflate)))).toBe('CELLAR_ERR_CODEC_FORMAT');
    // A whole-image stream labelled format 3 does not parse as a delta.
    const mislabelled = sealedBlob(3, compressImage(image, empty));
    expect(codeOf(() => decodeBlob(decodeInput(mislabelled)))).toBe('CELLAR_ERR_CODEC_FORMAT');
  });

  it('rejects versions it cannot record', () => {
    expect(codeOf(() => encode(-1))).toBe('CELLAR_ERR_INTERNAL');
    expect(codeOf(() => encode(2 ** 53))).toBe('CELLAR_ERR_INTERNAL');
    expect(codeOf(() => encode(3, { product: 'a\u0000b' }))).toBe('CELLAR_ERR_INTERNAL');
  });
});
