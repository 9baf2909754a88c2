import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonExact } from '../../../../src/connectors/debezium/exact-json.js';

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 exact as bigint, safe ones as numbers', () => {
    const value = parseJsonExact(
      '{"a":9007199254740993,"b":-9223372036854775808,"c":9007199254740991,"d":1.5e3,"e":[12345678901234567890]}',
    );
    expect(value).toEqual({
      a: 9007199254740993n,
      b: -9223372036854775808n,
      c: 9007199254740991,
      d: 1500,
      e: [12345678901234567890n],
    });
  });

  it('leaves long digit runs inside strings alone', () => {
    expect(parseJsonExact('{"lsn":"12345678901234567890","n":1}')).toEqual({
      lsn: '12345678901234567890',
      n: 1,
    });
  });

  it('keeps "__proto__" as an own property, never as the prototype', () => {
    const value = parseJsonExact('{"__proto__":{"polluted":true},"n":12345678901234567890}') as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('agrees with JSON.parse on any JSON, unsafe integers aside (slow path forced by a long string)', () => {
    // Unsafe integers come back as bigint (exact to the text); rounded to a double they must agree.
    const rounded = (v: unknown): unknown => {
      if (typeof v === 'bigint') return Number(v);
      if (Array.isArray(v)) return v.map(rounded);
      if (typeof v === 'object' && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
      }
      return v;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        if (text === undefined) return;
        const padded = `{"pad":"${'1'.repeat(20)}","v":${text}}`;
        expect(rounded(parseJsonExact(padded))).toEqual(JSON.parse(padded));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['{"a":1,}', 'expected a property name at character 8'],
    ['{"a" 1}', "expected ':' at character 6"],
    ['[1,2', "expected ',' or ']' at character 5"],
    ['{"ssn":"078-05-1120', 'expected a well-formed string at character 8'],
    ['nul', 'expected a JSON value at character 1'],
    ['{} x', 'expected end of input at character 4'],
    ['', 'expected a JSON value at character 1'],
  ])('%j is a JsonSyntaxError: %s (never quoting the input)', (text, message) => {
    expect(() => parseJsonExact(text)).toThrow(JsonSyntaxError);
    expect(() => parseJsonExact(text)).toThrow(message);
  });
});
