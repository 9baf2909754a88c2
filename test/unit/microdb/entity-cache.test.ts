import { describe, expect, it } from 'vitest';
import { EntityCache } from '../../../src/microdb/entity-cache.js';

class Value {
  closed = 0;
  constructor(
    readonly name: string,
    public size = 10,
  ) {}
  byteSize(): number {
    return this.size;
  }
  close(): void {
    this.closed++;
  }
}

function cache(maxEntities: number, maxBytes = 1_000_000) {
  return new EntityCache<Value>({ maxEntities, maxBytes });
}

function keys(c: EntityCache<Value>, candidates: readonly string[]): string[] {
  return candidates.filter((k) => c.has(k));
}

describe('EntityCache', () => {
  it('evicts the least recently used clean entry and closes it', () => {
    const c = cache(2);
    const a = new Value('a');
    c.set('a', a, false);
    c.set('b', new Value('b'), false);
    expect(c.get('a')).toBe(a);
    c.set('c', new Value('c'), false);
    expect(keys(c, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(c.size).toBe(2);
    expect(c.stats).toEqual({ hits: 1, misses: 0, evictions: 1 });
    expect(c.get('b')).toBeUndefined();
    expect(c.stats.misses).toBe(1);
    expect(a.closed).toBe(0);
  });

  it('bounds bytes as well as entries', () => {
    const c = cache(100, 25);
    const a = new Value('a');
    c.set('a', a, false);
    c.set('b', new Value('b'), false);
    expect(c.bytes).toBe(20);
    c.set('c', new Value('c'), false);
    expect(keys(c, ['a', 'b', 'c'])).toEqual(['b', 'c']);
    expect(a.closed).toBe(1);
    expect(c.bytes).toBe(20);
  });

  it('never evicts a dirty entry, and exceeds its bounds until they are clean', () => {
    const c = cache(2);
    c.set('a', new Value('a'), true);
    c.set('b', new Value('b'), true);
    c.set('c', new Value('c'), true);
    expect(c.size).toBe(3);
    expect(c.dirtyCount).toBe(3);
    expect(c.dirtyKeys()).toEqual(['a', 'b', 'c']);
    c.markClean('a');
    // Clean again, 'a' is evictable but is the entry just touched; the bound is met on the next call.
    expect(c.size).toBe(3);
    c.markClean('b');
    expect(keys(c, ['a', 'b', 'c'])).toEqual(['b', 'c']);
    expect(c.dirtyKeys()).toEqual(['c']);
  });

  it('keeps the entry just set even when it alone is too big', () => {
    const c = cache(10, 50);
    const small = new Value('small');
    const big = new Value('big', 80);
    c.set('small', small, false);
    c.set('big', big, false);
    expect(c.get('big')).toBe(big);
    expect(big.closed).toBe(0);
    expect(small.closed).toBe(1);
    expect(c.bytes).toBe(80);
  });

  it('tracks dirtiness', () => {
    const c = cache(10);
    c.set('a', new Value('a'), false);
    c.markDirty('a');
    c.markDirty('missing');
    expect(c.dirtyKeys()).toEqual(['a']);
    c.markClean('a');
    expect(c.dirtyCount).toBe(0);
    expect(c.size).toBe(1);
  });

  it('re-reads sizes and evicts when an entry grows', () => {
    const c = cache(10, 30);
    const a = new Value('a');
    const b = new Value('b');
    c.set('a', a, false);
    c.set('b', b, false);
    b.size = 25;
    c.updateBytes('b');
    expect(c.bytes).toBe(25);
    expect(a.closed).toBe(1);
    expect(c.has('b')).toBe(true);
  });

  it('closes replaced and deleted values, but not a value set again', () => {
    const c = cache(10);
    const a1 = new Value('a1');
    const a2 = new Value('a2');
    c.set('a', a1, false);
    c.set('a', a1, true);
    expect(a1.closed).toBe(0);
    expect(c.bytes).toBe(10);
    c.set('a', a2, false);
    expect(a1.closed).toBe(1);
    expect(c.dirtyCount).toBe(0);
    expect(c.delete('a')).toBe(true);
    expect(c.delete('a')).toBe(false);
    expect(a2.closed).toBe(1);
    expect(c.size).toBe(0);
    expect(c.bytes).toBe(0);
  });

  it('clears everything', () => {
    const c = cache(10);
    const a = new Value('a');
    c.set('a', a, true);
    c.set('b', new Value('b'), false);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.bytes).toBe(0);
    expect(a.closed).toBe(1);
  });

  it('rejects impossible bounds', () => {
    expect(() => cache(0)).toThrow(/maxEntities ≥ 1/);
  });
});
