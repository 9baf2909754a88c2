import { describe, expect, it } from 'vitest';
import { IndexHasher, normalizeKeyValue } from '../../../src/crypto/index-hasher.js';
import { SecureKey } from '../../../src/crypto/secure-buffer.js';

describe('normalizeKeyValue', () => {
  it('reads numbers, bigints, bytes and dates the same way whichever encoding a source used', () => {
    expect(normalizeKeyValue(42)).toBe('42');
    expect(normalizeKeyValue(42n)).toBe('42');
    expect(normalizeKeyValue(-0)).toBe('0');
    expect(normalizeKeyValue(2 ** 70)).toBe((2n ** 70n).toString());
    expect(normalizeKeyValue(1.5)).toBe('1.5');
    expect(normalizeKeyValue(Uint8Array.of(0, 255))).toBe('00ff');
    expect(normalizeKeyValue(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z');
    expect(normalizeKeyValue(true)).toBe('true');
  });
});

describe('IndexHasher', () => {
  it('derives hashes from the index key: same key, same hashes; another key, other hashes', () => {
    const indexKey = SecureKey.copyOf(Buffer.alloc(32, 1));
    const a = IndexHasher.fromIndexKey(indexKey);
    const b = IndexHasher.fromIndexKey(indexKey);
    const c = IndexHasher.fromIndexKey(SecureKey.copyOf(Buffer.alloc(32, 2)));
    expect(a.entityKey('p', '1')).toBe(b.entityKey('p', '1'));
    expect(a.rowKey('p', 't', [1])).toBe(b.rowKey('p', 't', [1]));
    expect(a.auditHash('p', '1')).toBe(b.auditHash('p', '1'));
    expect(c.entityKey('p', '1')).not.toBe(a.entityKey('p', '1'));
    indexKey.dispose();
    expect(a.entityKey('p', '1')).toMatch(/^[0-9a-f]{64}$/); // the subkeys outlive the index key
  });
});
