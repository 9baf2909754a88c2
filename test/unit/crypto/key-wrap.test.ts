import { describe, expect, it } from 'vitest';
import { unwrapKeyInto, WRAPPED_KEY_BYTES, wrapKey } from '../../../src/crypto/key-wrap.js';
import { SecureKey } from '../../../src/crypto/secure-buffer.js';
import { CellarError } from '../../../src/errors.js';

const master = SecureKey.random();

function unwrapCode(id: string, wrapped: Uint8Array, wrappingKey = master): string {
  try {
    unwrapKeyInto(wrappingKey, id, wrapped, Buffer.alloc(32));
    return 'none';
  } catch (err) {
    return err instanceof CellarError ? err.code : 'other';
  }
}

describe('key wrapping', () => {
  it('wraps a key into 72 bytes that unwrap to the same key under the same id', () => {
    const key = SecureKey.random();
    const wrapped = wrapKey(master, 'aa'.repeat(32), key);
    expect(wrapped.length).toBe(WRAPPED_KEY_BYTES);
    expect(WRAPPED_KEY_BYTES).toBe(72);
    const out = Buffer.alloc(32);
    unwrapKeyInto(master, 'aa'.repeat(32), wrapped, out);
    expect(key.use((b) => out.equals(b))).toBe(true);
    expect(key.use((b) => Buffer.from(wrapped).includes(b))).toBe(false);
  });

  it('refuses another id, another wrapping key, an altered byte or a wrong length, zeroing the output', () => {
    const wrapped = wrapKey(master, 'id-1', SecureKey.random());
    expect(unwrapCode('id-2', wrapped)).toBe('CELLAR_ERR_KEY_CORRUPT');
    expect(unwrapCode('id-1', wrapped, SecureKey.random())).toBe('CELLAR_ERR_KEY_CORRUPT');
    const altered = Buffer.from(wrapped);
    altered[71] = (altered[71] ?? 0) ^ 1;
    expect(unwrapCode('id-1', altered)).toBe('CELLAR_ERR_KEY_CORRUPT');
    expect(unwrapCode('id-1', wrapped.subarray(0, 71))).toBe('CELLAR_ERR_KEY_CORRUPT');
    const out = Buffer.alloc(32, 0xee);
    expect(() => unwrapKeyInto(master, 'id-2', wrapped, out)).toThrow();
    expect(out.every((b) => b === 0)).toBe(true);
  });
});
