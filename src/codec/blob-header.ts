import { NONCE_BYTES } from '../crypto/key-wrap.js';
import { CellarError } from '../errors.js';

/**
 * The plaintext header at the front of every blob. All of it is authenticated (it is part of the
 * AEAD associated data), so it can be read before decryption but trusted only after.
 *
 * Formats 2 and 3 share one layout: the two counters are unsigned LEB128 varints, so the header of
 * a typical blob is 36 bytes instead of 45 (key version 1 byte, a blob version below 16 384 two
 * bytes). Every field keeps its full range. They differ in the plaintext under the ciphertext:
 * format 2 (read; written only when a key rotation reseals a format-1 or -2 blob) is the whole
 * image raw-deflated with the template as preset dictionary; format 3 (written) is the image's
 * page delta against the template (page-delta.ts), raw-deflated without a dictionary. In both,
 * the dictionary id names the template the blob depends on.
 *
 * ```
 * size  field
 *  4    magic "CLR1"
 *  1    format (3: page delta, deflate-raw, XChaCha20-Poly1305; 2: deflate-raw with dictionary, …)
 *  1–5  key version, u32 as unsigned LEB128 (which data key generation encrypted it)
 *  1–8  blob version, a safe integer as unsigned LEB128 (the store's write counter)
 *  4    dictionary id, u32 big-endian: the template's fingerprint (0: none)
 * 24    nonce
 *       ciphertext ‖ 16-byte tag
 * ```
 *
 * Format 1 (still read, never written): the same fields at fixed widths — key version u32 BE at
 * offset 5, blob version u64 BE at 9, dictionary id at 17, nonce at 21, ciphertext at 45.
 */
export interface BlobHeader {
  readonly format: number;
  readonly keyVersion: number;
  /** A bigint because format 1 holds 64 bits; compare with `BigInt(expected)`. */
  readonly version: bigint;
  readonly dictionaryId: number;
  readonly nonce: Uint8Array;
}

/** A header read from a blob, with where its ciphertext starts. */
export interface ReadBlobHeader extends BlobHeader {
  /** Bytes the header takes at the front of the blob (the ciphertext follows). */
  readonly length: number;
}

export const BLOB_MAGIC = Buffer.from('CLR1', 'ascii');
/** The fixed-width layout of the first release; read, never written. */
export const BLOB_FORMAT_FIXED_V1 = 1;
/** Varint counters; the whole image deflated with the template as preset dictionary. Read, and
 * still written by {@link resealBlob} for blobs of formats 1 and 2 (it never decompresses). */
export const BLOB_FORMAT_DEFLATE_XCHACHA = 2;
/** The format this version writes: format 2's header; the image's page delta against the
 * template, deflated without a dictionary. */
export const BLOB_FORMAT_PAGE_DELTA = 3;
/** Bytes of a format-1 header. */
export const BLOB_V1_HEADER_BYTES = 4 + 1 + 4 + 8 + 4 + NONCE_BYTES;
/** The longest header of any format (formats 2 and 3 with both counters at their widest). */
export const MAX_BLOB_HEADER_BYTES = 4 + 1 + 5 + 8 + 4 + NONCE_BYTES;

const OFFSET_FORMAT = 4;
const U32_MAX = 0xffff_ffff;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Bytes the header of `header.format` takes; checks every field fits (CELLAR_ERR_INTERNAL). */
export function blobHeaderLength(header: BlobHeader): number {
  checkFields(header);
  if (header.format === BLOB_FORMAT_FIXED_V1) return BLOB_V1_HEADER_BYTES;
  return 4 + 1 + varintLength(header.keyVersion) + varintLength(Number(header.version)) + 4 + NONCE_BYTES;
}

/** Writes `header` at the front of `target`; returns its length ({@link blobHeaderLength}). */
export function writeBlobHeader(target: Buffer, header: BlobHeader): number {
  const length = blobHeaderLength(header);
  BLOB_MAGIC.copy(target, 0);
  target[OFFSET_FORMAT] = header.format;
  if (header.format === BLOB_FORMAT_FIXED_V1) {
    target.writeUInt32BE(header.keyVersion, 5);
    target.writeBigUInt64BE(header.version, 9);
    target.writeUInt32BE(header.dictionaryId, 17);
    target.set(header.nonce, 21);
    return length;
  }
  let at = writeVarint(target, OFFSET_FORMAT + 1, header.keyVersion);
  at = writeVarint(target, at, Number(header.version));
  target.writeUInt32BE(header.dictionaryId, at);
  target.set(header.nonce, at + 4);
  return length;
}

/**
 * The header of `blob`, unauthenticated. Throws CELLAR_ERR_CODEC_FORMAT when the blob is too
 * short, lacks the magic, has a format this version does not know, or a counter out of range.
 */
export function readBlobHeader(blob: Uint8Array): ReadBlobHeader {
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (view.length < OFFSET_FORMAT + 1 || !view.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC)) {
    throw formatError(
      view.length < OFFSET_FORMAT + 1
        ? `the blob is ${view.length} bytes, shorter than any header`
        : 'the blob does not start with the CLR1 magic: it is not a Cellar blob',
    );
  }
  const format = view[OFFSET_FORMAT] ?? 0;
  if (format === BLOB_FORMAT_FIXED_V1) {
    needBytes(view, BLOB_V1_HEADER_BYTES);
    return {
      format,
      keyVersion: view.readUInt32BE(5),
      version: view.readBigUInt64BE(9),
      dictionaryId: view.readUInt32BE(17),
      nonce: view.subarray(21, BLOB_V1_HEADER_BYTES),
      length: BLOB_V1_HEADER_BYTES,
    };
  }
  if (format !== BLOB_FORMAT_DEFLATE_XCHACHA && format !== BLOB_FORMAT_PAGE_DELTA) {
    throw formatError(`the blob has format ${format}; this version reads formats 1 to 3`, {
      hint: 'it was written by a newer Cellar; upgrade this one',
    });
  }
  const keyVersion = readVarint(view, OFFSET_FORMAT + 1, 5, U32_MAX, 'key version');
  const version = readVarint(view, keyVersion.next, 8, Number.MAX_SAFE_INTEGER, 'blob version');
  const at = version.next;
  needBytes(view, at + 4 + NONCE_BYTES);
  return {
    format,
    keyVersion: keyVersion.value,
    version: BigInt(version.value),
    dictionaryId: view.readUInt32BE(at),
    nonce: view.subarray(at + 4, at + 4 + NONCE_BYTES),
    length: at + 4 + NONCE_BYTES,
  };
}

function checkFields(header: BlobHeader): void {
  if (
    header.format !== BLOB_FORMAT_FIXED_V1 &&
    header.format !== BLOB_FORMAT_DEFLATE_XCHACHA &&
    header.format !== BLOB_FORMAT_PAGE_DELTA
  ) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `blob format ${header.format} cannot be written`);
  }
  if (!Number.isInteger(header.keyVersion) || header.keyVersion < 0 || header.keyVersion > U32_MAX) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `blob key version must be a u32, got ${header.keyVersion}`);
  }
  const max = header.format === BLOB_FORMAT_FIXED_V1 ? U64_MAX : MAX_SAFE;
  if (header.version < 0n || header.version > max) {
    throw new CellarError(
      'CELLAR_ERR_INTERNAL',
      `blob version must be a ${header.format === BLOB_FORMAT_FIXED_V1 ? 'u64' : 'safe integer'}, got ${header.version}`,
    );
  }
  if (!Number.isInteger(header.dictionaryId) || header.dictionaryId < 0 || header.dictionaryId > U32_MAX) {
    throw new CellarError(
      'CELLAR_ERR_INTERNAL',
      `blob dictionary id must be a u32, got ${header.dictionaryId}`,
    );
  }
  if (header.nonce.length !== NONCE_BYTES) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `blob nonce must be ${NONCE_BYTES} bytes`);
  }
}

/** Bytes of `value` (a non-negative safe integer) as unsigned LEB128. */
function varintLength(value: number): number {
  let bytes = 1;
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) bytes += 1;
  return bytes;
}

/** Writes `value` as unsigned LEB128 at `at`; returns the offset after it. Arithmetic, not bit
 * operators, because those truncate to 32 bits. */
function writeVarint(target: Buffer, at: number, value: number): number {
  let rest = value;
  let offset = at;
  while (rest >= 128) {
    target[offset++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  target[offset++] = rest;
  return offset;
}

function readVarint(
  view: Buffer,
  at: number,
  maxBytes: number,
  max: number,
  field: string,
): { readonly value: number; readonly next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i += 1) {
    const byte = view[at + i];
    if (byte === undefined) throw formatError(`the blob is ${view.length} bytes: its header is cut short`);
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (value > max) throw formatError(`the blob header's ${field} ${value} is out of range`);
      return { value, next: at + i + 1 };
    }
    scale *= 128;
  }
  throw formatError(`the blob header's ${field} is longer than ${maxBytes} bytes`);
}

function needBytes(view: Buffer, length: number): void {
  if (view.length < length) {
    throw formatError(`the blob is ${view.length} bytes, shorter than its ${length}-byte header`);
  }
}

function formatError(message: string, options?: { readonly hint: string }): CellarError {
  return new CellarError('CELLAR_ERR_CODEC_FORMAT', message, options);
}
