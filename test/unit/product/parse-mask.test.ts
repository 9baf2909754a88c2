import { describe, expect, it } from 'vitest';
import { formatMask, maskFitsType, parseMask, tryParseMask } from '../../../src/product/parse-mask.js';

describe('tryParseMask', () => {
  it('parses every function with its arguments', () => {
    expect(tryParseMask('redact')).toEqual({ ok: true, mask: { fn: 'redact', args: [] } });
    expect(tryParseMask(' partial( 1 , 0 ) ')).toEqual({ ok: true, mask: { fn: 'partial', args: [1, 0] } });
    expect(tryParseMask('round(2)')).toEqual({ ok: true, mask: { fn: 'round', args: [2] } });
    expect(tryParseMask('round(-3)')).toEqual({ ok: true, mask: { fn: 'round', args: [-3] } });
    expect(tryParseMask('hash()')).toEqual({ ok: true, mask: { fn: 'hash', args: [] } });
    for (const fn of ['clear', 'email', 'null', 'year']) expect(tryParseMask(fn)).toMatchObject({ ok: true });
  });

  it('rejects unknown functions, wrong arity and bad arguments', () => {
    expect(tryParseMask('blur')).toEqual({
      ok: false,
      message: 'expected one of clear, redact, partial, email, hash, null, year, round; got "blur"',
    });
    expect(tryParseMask('partial')).toMatchObject({
      ok: false,
      message: expect.stringContaining('got 0 argument(s)'),
    });
    expect(tryParseMask('redact(1)')).toMatchObject({
      ok: false,
      message: expect.stringContaining('redact takes no arguments'),
    });
    expect(tryParseMask('partial(1,-1)')).toMatchObject({
      ok: false,
      message: expect.stringContaining('non-negative integers'),
    });
    expect(tryParseMask('round(1.5)')).toMatchObject({
      ok: false,
      message: expect.stringContaining('got "1.5"'),
    });
    expect(tryParseMask('partial(1')).toMatchObject({
      ok: false,
      message: expect.stringContaining('such as redact'),
    });
  });

  it('returns frozen masks', () => {
    const mask = parseMask('partial(2,2)');
    expect(Object.isFrozen(mask)).toBe(true);
    expect(Object.isFrozen(mask.args)).toBe(true);
  });
});

describe('parseMask', () => {
  it('throws CELLAR_ERR_SPEC_INVALID on bad text', () => {
    expect(() => parseMask('nope')).toThrow(expect.objectContaining({ code: 'CELLAR_ERR_SPEC_INVALID' }));
  });
});

describe('maskFitsType', () => {
  it('limits type-specific masks to the types they make sense for', () => {
    expect(maskFitsType('year', 'date')).toBe(true);
    expect(maskFitsType('year', 'timestamptz')).toBe(true);
    expect(maskFitsType('year', 'text')).toBe(false);
    expect(maskFitsType('round', 'decimal')).toBe(true);
    expect(maskFitsType('round', 'text')).toBe(false);
    expect(maskFitsType('partial', 'text')).toBe(true);
    expect(maskFitsType('email', 'integer')).toBe(false);
    expect(maskFitsType('redact', 'bytes')).toBe(true);
  });
});

describe('formatMask', () => {
  it('writes masks back as text', () => {
    expect(formatMask(parseMask('partial( 1, 0 )'))).toBe('partial(1,0)');
    expect(formatMask(parseMask('hash()'))).toBe('hash');
  });
});
