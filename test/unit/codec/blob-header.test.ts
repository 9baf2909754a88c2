import { describe, expect, it } from 'vitest';
import { BLOB_HEADER_BYTES, readBlobHeader, writeBlobHeader } from '../../../src/codec/blob-header.js';
import { isCellarError } from '../../../src/errors.js';

describe('blob header', () => {
  it('round-trips every field, including a version beyond 2^53', () => {
    const nonce = Buffer.alloc(24, 9);
    const target = Buffer.alloc(BLOB_HEADER_BYTES);
    writeBlobHeader(target, {
      format: 1,
      keyVersion: 0xfffffffe,
      version: 2n ** 60n + 1n,
      dictionaryId: 77,
      nonce,
    });
    expect(BLOB_HEADER_BYTES).toBe(45);
    const header = readBlobHeader(target);
    expect(header).toMatchObject({
      format: 1,
      keyVersion: 0xfffffffe,
      version: 2n ** 60n + 1n,
      dictionaryId: 77,
    });
    expect(Buffer.from(header.nonce).equals(nonce)).toBe(true);
  });

  it('refuses values that do not fit their fields', () => {
    const target = Buffer.alloc(BLOB_HEADER_BYTES);
    const nonce = Buffer.alloc(24);
    const attempts = [
      () => writeBlobHeader(target, { format: 1, keyVersion: -1, version: 1n, dictionaryId: 0, nonce }),
      () => writeBlobHeader(target, { format: 1, keyVersion: 1, version: 2n ** 64n, dictionaryId: 0, nonce }),
      () =>
        writeBlobHeader(target, {
          format: 1,
          keyVersion: 1,
          version: 1n,
          dictionaryId: 0,
          nonce: Buffer.alloc(12),
        }),
    ];
    for (const attempt of attempts) {
      let err: unknown;
      try {
        attempt();
      } catch (e) {
        err = e;
      }
      expect(isCellarError(err, 'CELLAR_ERR_INTERNAL')).toBe(true);
    }
  });
});
