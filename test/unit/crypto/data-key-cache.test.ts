import { describe, expect, it } from 'vitest';
import { DataKeyCache } from '../../../src/crypto/data-key-cache.js';
import { SecureKey } from '../../../src/crypto/secure-buffer.js';

describe('DataKeyCache', () => {
  it('evicts the least recently used key beyond capacity, without disposing it', () => {
    const cache = new DataKeyCache(2);
    const [a, b, c] = [SecureKey.random(), SecureKey.random(), SecureKey.random()];
    cache.set('a', a);
    cache.set('b', b);
    expect(cache.get('a')).toBe(a); // a is now the most recent
    cache.set('c', c);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(a);
    expect(cache.get('c')).toBe(c);
    expect(b.disposed).toBe(false); // a caller may still hold it
  });

  it('disposes keys it deletes or clears', () => {
    const cache = new DataKeyCache();
    const [a, b] = [SecureKey.random(), SecureKey.random()];
    cache.set('a', a);
    cache.set('b', b);
    cache.delete('a');
    cache.delete('missing');
    expect(a.disposed).toBe(true);
    expect(cache.get('a')).toBeUndefined();
    cache.clear();
    expect(b.disposed).toBe(true);
    expect(cache.size).toBe(0);
  });
});
