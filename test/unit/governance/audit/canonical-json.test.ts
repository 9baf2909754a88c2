import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import {
  canonicalJson,
  canonicalMembers,
  joinMembers,
} from '../../../../src/governance/audit/canonical-json.js';

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[true,null]},"b":1}',
    );
  });

  it('leaves out undefined members', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('is valid JSON that re-serializes to itself after parsing', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('does not depend on the order members were added', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict));
      }),
    );
  });

  it('refuses floats, unsafe integers and non-JSON values', () => {
    for (const bad of [
      1.5,
      2 ** 60,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1n,
      () => 1,
      new Date(0),
      [undefined],
    ]) {
      expect(() => canonicalJson({ x: bad })).toThrow(
        expect.toSatisfy((e: unknown) => isCellarError(e, 'CELLAR_ERR_AUDIT_RECORD_INVALID')),
      );
    }
  });
});

describe('canonicalMembers', () => {
  it('gives the members canonicalJson joins: sorted, serialized, undefined left out', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 6 }), (dict) => {
        const members = canonicalMembers(dict);
        expect(joinMembers(members)).toBe(canonicalJson(dict));
        expect(members.map((m) => m.key)).toEqual(Object.keys(dict).sort());
      }),
    );
    expect(canonicalMembers({ b: [1], a: undefined })).toEqual([{ key: 'b', text: '[1]' }]);
  });

  it('refuses what is not a plain object', () => {
    expect(() => canonicalMembers([1])).toThrow(
      expect.toSatisfy((e: unknown) => isCellarError(e, 'CELLAR_ERR_AUDIT_RECORD_INVALID')),
    );
  });
});

describe('canonicalJson of frozen arrays', () => {
  it('serializes a frozen list of strings the same every time, and unfrozen lists afresh', () => {
    const frozen = Object.freeze(['b', 'a"\n']);
    expect(canonicalJson({ x: frozen })).toBe('{"x":["b","a\\"\\n"]}');
    expect(canonicalJson({ y: frozen })).toBe('{"y":["b","a\\"\\n"]}');
    const open = ['c'];
    expect(canonicalJson(open)).toBe('["c"]');
    open.push('d');
    expect(canonicalJson(open)).toBe('["c","d"]');
  });

  it('still checks frozen lists that hold more than strings, and names where a value failed', () => {
    const mixed = Object.freeze([{ n: 1 }]);
    expect(canonicalJson(mixed)).toBe('[{"n":1}]');
    expect(() => canonicalJson({ a: [{ b: 1.5 }] })).toThrow(/audit field \$\.a\[0\]\.b: a number must be/);
  });
});
