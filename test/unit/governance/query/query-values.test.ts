import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import { jsonSafe, MAX_QUERY_PARAMS, toBindParams } from '../../../../src/governance/query/query-values.js';

function invalid(params: unknown): string {
  try {
    toBindParams(params);
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_QUERY_INVALID')) return err.message;
    throw err;
  }
  throw new Error('expected CELLAR_ERR_QUERY_INVALID');
}

describe('toBindParams', () => {
  it('binds whole numbers as integers, booleans as 1/0, the rest as given', () => {
    expect(toBindParams([1, -2.5, 'x', null, true, false, 9007199254740991])).toEqual([
      1n,
      -2.5,
      'x',
      null,
      1n,
      0n,
      9007199254740991n,
    ]);
    expect(toBindParams(undefined)).toEqual([]);
  });

  it('takes named parameters with or without their sigil', () => {
    expect({ ...toBindParams({ ':a': 1, '@b': 'x', $c: null, d: 2.5 }) }).toEqual({
      a: 1n,
      b: 'x',
      c: null,
      d: 2.5,
    });
    const proto = toBindParams(JSON.parse('{"__proto__": 5}')) as Record<string, unknown>;
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('refuses values SQLite cannot bind, naming the parameter', () => {
    expect(invalid([1, { a: 1 }])).toContain('parameter 2 is of type object');
    expect(invalid([[1]])).toContain('parameter 1 is an array');
    expect(invalid([Number.NaN])).toContain('not a finite number');
    expect(invalid([2n ** 64n])).toContain('64-bit');
    expect(invalid({ 'a b': 1 })).toContain('is not a parameter name');
    expect(invalid('SELECT')).toContain('array or an object');
    expect(invalid(new Array(MAX_QUERY_PARAMS + 1).fill(0))).toContain('more than');
  });
});

describe('jsonSafe', () => {
  it('gives exact integers as numbers, others as text; blobs as base64', () => {
    expect(jsonSafe(42n)).toBe(42);
    expect(jsonSafe(9007199254740993n)).toBe('9007199254740993');
    expect(jsonSafe(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(jsonSafe(Buffer.from([0, 1, 250]))).toBe('AAH6');
    expect(jsonSafe(1.5)).toBe(1.5);
    expect(jsonSafe('x')).toBe('x');
    expect(jsonSafe(null)).toBeNull();
  });
});
