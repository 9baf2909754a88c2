import { KEY_BYTES } from './secure-buffer.js';

/**
 * Text forms of a 32-byte key: 64 hex digits, or base64 (standard or URL-safe alphabet, 44
 * characters padded or 43 unpadded). Leading and trailing ASCII whitespace is ignored.
 *
 * Works on bytes rather than strings so that a key read from a file never becomes a JavaScript
 * string (strings cannot be zeroed). Node's own base64 decoder is not used because it silently
 * skips invalid characters; a typo in a key must be an error, not a different key.
 */

const HEX_CHARS = KEY_BYTES * 2;
const BASE64_UNPADDED_CHARS = Math.ceil((KEY_BYTES * 8) / 6); // 43
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const BASE64_VALUES = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i += 1) table[BASE64_ALPHABET.charCodeAt(i)] = i;
  table['-'.charCodeAt(0)] = 62;
  table['_'.charCodeAt(0)] = 63;
  return table;
})();

/**
 * The 32 key bytes `text` encodes, in a new buffer the caller must zero after copying it into
 * secure memory; undefined when `text` is not exactly one key in one of the accepted forms.
 */
export function decodeKeyText(text: Uint8Array): Buffer | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start]!)) start += 1;
  while (end > start && isSpace(text[end - 1]!)) end -= 1;
  const body = text.subarray(start, end);
  if (body.length === HEX_CHARS) return decodeHex(body);
  if (body.length === BASE64_UNPADDED_CHARS) return decodeBase64(body);
  if (body.length === BASE64_UNPADDED_CHARS + 1 && body[BASE64_UNPADDED_CHARS] === 0x3d /* = */) {
    return decodeBase64(body.subarray(0, BASE64_UNPADDED_CHARS));
  }
  return undefined;
}

/** `key` as one line of padded standard base64 (with a trailing newline), as bytes. */
export function encodeKeyText(key: Uint8Array): Buffer {
  const out = Buffer.alloc(Math.ceil(key.length / 3) * 4 + 1);
  let o = 0;
  for (let i = 0; i < key.length; i += 3) {
    const b0 = key[i]!;
    const b1 = i + 1 < key.length ? key[i + 1]! : 0;
    const b2 = i + 2 < key.length ? key[i + 2]! : 0;
    out[o++] = BASE64_ALPHABET.charCodeAt(b0 >> 2);
    out[o++] = BASE64_ALPHABET.charCodeAt(((b0 & 0x03) << 4) | (b1 >> 4));
    out[o++] = i + 1 < key.length ? BASE64_ALPHABET.charCodeAt(((b1 & 0x0f) << 2) | (b2 >> 6)) : 0x3d;
    out[o++] = i + 2 < key.length ? BASE64_ALPHABET.charCodeAt(b2 & 0x3f) : 0x3d;
  }
  out[o] = 0x0a;
  return out;
}

function decodeHex(body: Uint8Array): Buffer | undefined {
  const out = Buffer.alloc(KEY_BYTES);
  for (let i = 0; i < KEY_BYTES; i += 1) {
    const hi = hexValue(body[2 * i]!);
    const lo = hexValue(body[2 * i + 1]!);
    if (hi < 0 || lo < 0) return zeroAndFail(out);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function decodeBase64(body: Uint8Array): Buffer | undefined {
  const out = Buffer.alloc(KEY_BYTES);
  let bits = 0;
  let bitCount = 0;
  let o = 0;
  for (const char of body) {
    const value = BASE64_VALUES[char]!;
    if (value < 0) return zeroAndFail(out);
    bits = ((bits << 6) | value) & 0xffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      if (o < KEY_BYTES) out[o] = (bits >> bitCount) & 0xff;
      o += 1;
    }
  }
  // 43 characters carry 258 bits: the 2 spare bits must be zero, or the text is not canonical.
  if (o !== KEY_BYTES || (bits & ((1 << bitCount) - 1)) !== 0) return zeroAndFail(out);
  return out;
}

function hexValue(char: number): number {
  if (char >= 0x30 && char <= 0x39) return char - 0x30;
  if (char >= 0x61 && char <= 0x66) return char - 0x61 + 10;
  if (char >= 0x41 && char <= 0x46) return char - 0x41 + 10;
  return -1;
}

function isSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d;
}

function zeroAndFail(partial: Buffer): undefined {
  partial.fill(0);
  return undefined;
}
