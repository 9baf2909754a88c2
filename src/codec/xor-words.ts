/**
 * Byte ranges compared and XORed 32 bits at a time: the inner loops of the page delta
 * (page-delta.ts). Plain JS over Int32Array views, not Buffer.compare or copy per chunk: a native
 * call costs more than the 128 words of a 512-byte chunk. Ranges that are not 4-byte aligned in
 * memory (never the case for SQLite images or buffers the codec allocates) fall back to bytes.
 */

/** Bytes with a 32-bit view of them when they start 4-byte aligned in memory. */
export interface Bytes {
  readonly bytes: Buffer;
  readonly words: Int32Array | undefined;
}

export function bytesOf(b: Uint8Array): Bytes {
  const bytes = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const words =
    (bytes.byteOffset & 3) === 0
      ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2)
      : undefined;
  return { bytes, words };
}

/**
 * Writes `a ^ b` over `length` bytes (from `aAt` and `bAt`) to `out` at `outAt` if the two ranges
 * differ anywhere, and returns whether they did; writes nothing when they are equal. One pass: the
 * equal prefix is written as zeros, the rest as the XOR.
 */
export function xorIfDifferent(
  out: Bytes,
  outAt: number,
  a: Bytes,
  aAt: number,
  b: Bytes,
  bAt: number,
  length: number,
): boolean {
  let k = 0;
  let first = -1;
  const ow = out.words;
  const aw = a.words;
  const bw = b.words;
  if (ow !== undefined && aw !== undefined && bw !== undefined && ((outAt | aAt | bAt) & 3) === 0) {
    const o0 = outAt >>> 2;
    const a0 = aAt >>> 2;
    const b0 = bAt >>> 2;
    const words = length >>> 2;
    let w = 0;
    while (w < words && aw[a0 + w] === bw[b0 + w]) w += 1;
    if (w < words) {
      first = w << 2;
      out.bytes.fill(0, outAt, outAt + first);
      for (; w < words; w += 1) ow[o0 + w] = aw[a0 + w]! ^ bw[b0 + w]!;
    }
    k = words << 2;
  }
  const ob = out.bytes;
  const ab = a.bytes;
  const bb = b.bytes;
  if (first < 0) {
    while (k < length && ab[aAt + k] === bb[bAt + k]) k += 1;
    if (k === length) return false;
    ob.fill(0, outAt, outAt + k);
  }
  for (; k < length; k += 1) ob[outAt + k] = ab[aAt + k]! ^ bb[bAt + k]!;
  return true;
}

/**
 * `target[targetAt + k] ^= source[sourceAt + k]` for k < length. Zero words of `source` are
 * skipped: in a page delta most are, and a read beats a read-modify-write.
 */
export function xorInto(
  target: Bytes,
  targetAt: number,
  source: Bytes,
  sourceAt: number,
  length: number,
): void {
  let k = 0;
  const tw = target.words;
  const sw = source.words;
  if (tw !== undefined && sw !== undefined && ((targetAt | sourceAt) & 3) === 0) {
    const t0 = targetAt >>> 2;
    const s0 = sourceAt >>> 2;
    const words = length >>> 2;
    for (let w = 0; w < words; w += 1) {
      const x = sw[s0 + w]!;
      if (x !== 0) tw[t0 + w] = tw[t0 + w]! ^ x;
    }
    k = words << 2;
  }
  const tb = target.bytes;
  const sb = source.bytes;
  for (; k < length; k += 1) tb[targetAt + k] = tb[targetAt + k]! ^ sb[sourceAt + k]!;
}
