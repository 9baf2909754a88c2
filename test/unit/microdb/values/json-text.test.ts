import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minifyJson, stringifyJson } from '../../../../src/microdb/values/json-text.js';

describe('JSON text helpers', () => {
  it('minifies to what JSON.stringify gives for the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const pretty = JSON.stringify(value, null, 2);
        expect(minifyJson(pretty)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('stringifies like JSON.stringify for plain JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stringifyJson(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('keeps whitespace and escapes inside strings', () => {
    expect(minifyJson('{ "a b" : "c \\" d" ,\n "e":[ 1 ] }')).toBe('{"a b":"c \\" d","e":[1]}');
  });
});
