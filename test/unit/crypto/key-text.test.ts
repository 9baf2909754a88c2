import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeyText, encodeKeyText } from '../../../src/crypto/key-text.js';

const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
const decode = (text: string) => decodeKeyText(Buffer.from(text, 'utf8'));

describe('decodeKeyText', () => {
  it('reads hex in either case and base64 padded, unpadded and URL-safe, ignoring surrounding whitespace', () => {
    const b64 = key.toString('base64');
    const forms = [
      key.toString('hex'),
      key.toString('hex').toUpperCase(),
      b64,
      b64.replace(/=+$/, ''),
      key.toString('base64url'),
      `  ${b64}\n`,
      `\t${key.toString('hex')}\r\n`,
    ];
    for (const form of forms) expect(decode(form)?.equals(key)).toBe(true);
  });

  it('rejects anything that is not exactly one 32-byte key', () => {
    const b64 = key.toString('base64');
    const bad = [
      '',
      key.toString('hex').slice(0, 63),
      `${key.toString('hex')}00`,
      `${key.toString('hex').slice(0, 62)}zz`,
      `${b64.slice(0, 20)}*${b64.slice(21)}`,
      `${b64}=`,
      Buffer.alloc(16).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      `${b64.slice(0, 42)}B=`, // non-canonical: the spare bits are not zero
      `${key.toString('hex').slice(0, 32)} ${key.toString('hex').slice(32)}`,
    ];
    for (const text of bad) expect(decode(text)).toBeUndefined();
  });

  it('round-trips every key through encodeKeyText', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const text = encodeKeyText(bytes);
        expect(text.toString('ascii')).toBe(`${Buffer.from(bytes).toString('base64')}\n`);
        expect(decodeKeyText(text)?.equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });
});
