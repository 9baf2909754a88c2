import { CellarError } from '../errors.js';
import { bytesOf, xorIfDifferent, xorInto } from './xor-words.js';

/**
 * A micro-DB image as the difference from its template (the product's empty micro-DB), chunk by
 * chunk: the plaintext of a format-3 blob before it is deflated (no preset dictionary).
 *
 * Most of a small entity's pages are byte-identical to the template's (schema, empty tables), and
 * the pages that do change differ in a few dozen bytes (a page header, cell pointers, the new
 * cells in what was free space). So only the changed chunks are kept, each XORed with the
 * template's bytes at the same offset: what did not change becomes zeros, which deflate consumes
 * almost for free, and deflate only has to encode what is new. That is why this beats deflating the
 * whole image with the template as preset dictionary: zlib no longer hashes the ~7 KB dictionary
 * nor matches the unchanged pages on every write (measured in compress.ts).
 *
 * ```
 * size    field
 * 1–5     image length in bytes, unsigned LEB128 (u32)
 * 1       log2 of the chunk size (9: 512-byte chunks, the micro-DB page size; 9–16 read)
 * ⌈n/8⌉   bitmap, n = ⌈length / chunk⌉: bit (i mod 8) of byte ⌊i/8⌋ set when chunk i differs
 * 0–3     zeros, so that the chunks start at a multiple of 4 (word-wise XOR)
 *         each set chunk in order: the image's bytes XOR the template's at the same offset
 *         (bytes past the template's end are kept as they are)
 * ```
 *
 * Chunks are positions, never moved: SQLite pages have fixed numbers, and a page equal to
 * another page of the template does not occur in practice (measured: none in 1- and 15-row
 * customer images), so a chunk is only ever compared with its own offset in the template.
 * A chunk at or past the template's end is always set (there is nothing to copy it from).
 */

/** Chunk size this version writes: 512 bytes, the micro-DB page size. */
export const PAGE_DELTA_CHUNK_LOG2 = 9;

const MIN_CHUNK_LOG2 = 9;
const MAX_CHUNK_LOG2 = 16;
const MAX_IMAGE_BYTES = 0xffff_ffff;
const NO_TEMPLATE = Buffer.alloc(0);

/** The most bytes the page delta of an image of `imageLength` bytes can take. */
export function pageDeltaBound(imageLength: number): number {
  return (
    align4(varintLength(imageLength) + 1 + Math.ceil(imageLength / (1 << PAGE_DELTA_CHUNK_LOG2) / 8)) +
    imageLength
  );
}

/**
 * The page delta of `image` against `template` (none: every chunk is kept), written at the start
 * of `target` (at least {@link pageDeltaBound} bytes; a new buffer by default) and returned as a
 * view of it. Only the returned bytes are written. The caller must zero them after use: they hold
 * entity data.
 */
export function encodePageDelta(
  image: Uint8Array,
  template: Uint8Array | undefined,
  target: Buffer = Buffer.allocUnsafeSlow(pageDeltaBound(image.length)),
): Buffer {
  if (image.length > MAX_IMAGE_BYTES) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `a micro-DB image of ${image.length} bytes is too large`);
  }
  if (target.length < pageDeltaBound(image.length)) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `a page delta needs ${pageDeltaBound(image.length)} bytes`);
  }
  const img = bytesOf(image);
  const tpl = bytesOf(template ?? NO_TEMPLATE);
  const size = 1 << PAGE_DELTA_CHUNK_LOG2;
  const chunks = Math.ceil(img.bytes.length / size);
  const bitmap = varintLength(img.bytes.length) + 1;
  const head = align4(bitmap + Math.ceil(chunks / 8));
  const out = bytesOf(target);
  out.bytes.fill(0, 0, head);
  writeVarint(out.bytes, 0, img.bytes.length);
  out.bytes[bitmap - 1] = PAGE_DELTA_CHUNK_LOG2;
  let at = head;
  for (let i = 0; i < chunks; i += 1) {
    const start = i * size;
    const length = Math.min(size, img.bytes.length - start);
    const shared = Math.max(0, Math.min(length, tpl.bytes.length - start));
    const differs = xorIfDifferent(out, at, img, start, tpl, start, shared);
    if (shared < length) {
      // Past the template's end: always kept, as is (after a shared part that may be all equal).
      if (!differs) out.bytes.fill(0, at, at + shared);
      img.bytes.copy(out.bytes, at + shared, start + shared, start + length);
    } else if (!differs) continue;
    out.bytes[bitmap + (i >>> 3)] = (out.bytes[bitmap + (i >>> 3)] ?? 0) | (1 << (i & 7));
    at += length;
  }
  return out.bytes.subarray(0, at);
}

/**
 * The image `delta` describes, rebuilt on `template` (which must be the one it was encoded
 * against: the blob header's dictionary id vouches for that). Throws CELLAR_ERR_CODEC_FORMAT when
 * the delta is malformed — only possible for an authentic blob through a bug, never an attack.
 * The caller owns the result and must zero it after use.
 */
export function applyPageDelta(delta: Uint8Array, template: Uint8Array | undefined): Buffer {
  const d = bytesOf(delta);
  const tpl = bytesOf(template ?? NO_TEMPLATE);
  const { value: length, next } = readVarint(d.bytes);
  const log2 = d.bytes[next];
  if (log2 === undefined || log2 < MIN_CHUNK_LOG2 || log2 > MAX_CHUNK_LOG2) {
    throw malformed(`its chunk size 2^${log2 ?? '?'} is not one this version reads`);
  }
  const size = 1 << log2;
  const chunks = Math.ceil(length / size);
  const bitmap = next + 1;
  const head = align4(bitmap + Math.ceil(chunks / 8));
  if (d.bytes.length < head)
    throw malformed(`it is ${d.bytes.length} bytes, shorter than its ${head}-byte header`);
  if (chunks % 8 !== 0 && (d.bytes[bitmap + (chunks >>> 3)] ?? 0) >>> (chunks % 8) !== 0) {
    throw malformed('its bitmap marks chunks past the end of the image');
  }
  const image = bytesOf(Buffer.allocUnsafeSlow(length));
  tpl.bytes.copy(image.bytes, 0, 0, Math.min(length, tpl.bytes.length));
  let at = head;
  try {
    for (let i = 0; i < chunks; i += 1) {
      const start = i * size;
      const chunk = Math.min(size, length - start);
      const shared = Math.max(0, Math.min(chunk, tpl.bytes.length - start));
      if ((((d.bytes[bitmap + (i >>> 3)] ?? 0) >>> (i & 7)) & 1) === 0) {
        if (shared < chunk)
          throw malformed(`chunk ${i} lies past the template's end but is not in the delta`);
        continue;
      }
      if (at + chunk > d.bytes.length) throw malformed(`it ends inside chunk ${i}`);
      // The template's bytes are in place already: XOR them back, and copy what lies past its end.
      xorInto(image, start, d, at, shared);
      if (shared < chunk) d.bytes.copy(image.bytes, start + shared, at + shared, at + chunk);
      at += chunk;
    }
    if (at !== d.bytes.length) throw malformed(`${d.bytes.length - at} bytes follow its last chunk`);
  } catch (err) {
    image.bytes.fill(0);
    throw err;
  }
  return image.bytes;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function varintLength(value: number): number {
  let bytes = 1;
  for (let rest = value >>> 7; rest > 0; rest >>>= 7) bytes += 1;
  return bytes;
}

function writeVarint(target: Buffer, at: number, value: number): void {
  let rest = value;
  let offset = at;
  while (rest >= 0x80) {
    target[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  target[offset] = rest;
}

function readVarint(view: Buffer): { readonly value: number; readonly next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i += 1) {
    const byte = view[i];
    if (byte === undefined) throw malformed('it is cut short inside the image length');
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (value > MAX_IMAGE_BYTES) throw malformed(`its image length ${value} is out of range`);
      return { value, next: i + 1 };
    }
    scale *= 128;
  }
  throw malformed('its image length is longer than 5 bytes');
}

function malformed(what: string): CellarError {
  return new CellarError(
    'CELLAR_ERR_CODEC_FORMAT',
    `the blob authenticated but its page delta is malformed: ${what}`,
    {
      hint: 'a bug in the Cellar version that wrote it, or not the template it was written against',
    },
  );
}
