import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KEY_BYTES, SecureKey } from '../../../src/crypto/secure-buffer.js';
import { isCellarError } from '../../../src/errors.js';

const bytesOf = (key: SecureKey): number[] => key.use((b) => [...b]);

describe('SecureKey', () => {
  it('holds a copy of the bytes it was given, readable only through use()', () => {
    const source = Uint8Array.from({ length: KEY_BYTES }, (_, i) => i);
    for (const idle of ['noaccess', 'readonly'] as const) {
      const key = SecureKey.copyOf(source, idle);
      source[0] = 99;
      expect(bytesOf(key)).toEqual(Array.from({ length: KEY_BYTES }, (_, i) => i));
      source[0] = 0;
      key.dispose();
    }
  });

  it('generates distinct random keys', () => {
    const a = SecureKey.random();
    const b = SecureKey.random();
    expect(bytesOf(a)).not.toEqual(bytesOf(b));
    expect(bytesOf(a).some((x) => x !== 0)).toBe(true);
  });

  it('allows nested use of a noaccess key', () => {
    const key = SecureKey.random('noaccess');
    const outer = key.use((a) => key.use((b) => a[0] === b[0]) && a.length);
    expect(outer).toBe(KEY_BYTES);
    expect(bytesOf(key).length).toBe(KEY_BYTES); // still readable after the nested calls
  });

  it('refuses use after dispose, and dispose is idempotent', () => {
    const key = SecureKey.random();
    key.dispose();
    key.dispose();
    expect(key.disposed).toBe(true);
    let err: unknown;
    try {
      key.use(() => 1);
    } catch (e) {
      err = e;
    }
    expect(isCellarError(err, 'CELLAR_ERR_INTERNAL')).toBe(true);
  });

  it('never prints its bytes', () => {
    const key = SecureKey.copyOf(Buffer.alloc(KEY_BYTES, 0xab));
    const shown = [
      JSON.stringify({ key }),
      String(key),
      `${key}`,
      inspect(key),
      inspect({ nested: { key } }),
    ];
    for (const text of shown) {
      expect(text).toContain('[redacted]');
      expect(text.toLowerCase()).not.toContain('abab');
      expect(text).not.toContain('171');
    }
  });

  it('rejects an async callback and a key of the wrong size', () => {
    const key = SecureKey.random('readonly');
    expect(() => key.use(async () => 1)).toThrowError(/async callback/);
    expect(() => SecureKey.copyOf(new Uint8Array(16))).toThrowError(/32 bytes, got 16/);
  });

  it('frees the memory when fill throws', () => {
    expect(() =>
      SecureKey.fill(() => {
        throw new Error('no entropy today');
      }),
    ).toThrowError('no entropy today');
  });
});
