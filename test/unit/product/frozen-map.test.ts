import { describe, expect, it } from 'vitest';
import { frozenMap } from '../../../src/product/frozen-map.js';

describe('frozenMap', () => {
  it('reads like a map and refuses every change', () => {
    const map = frozenMap([
      ['a', 1],
      ['b', 2],
    ]);
    expect(map.get('b')).toBe(2);
    expect([...map.keys()]).toEqual(['a', 'b']);
    const writable = map as Map<string, number>;
    expect(() => writable.set('c', 3)).toThrow(TypeError);
    expect(() => writable.delete('a')).toThrow(TypeError);
    expect(() => writable.clear()).toThrow(TypeError);
    expect(map.size).toBe(2);
  });
});
