import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decimalFromUnscaled,
  formatDecimal,
  parseDecimalText,
} from '../../../../src/microdb/values/decimal-text.js';

describe('exact decimal text', () => {
  it('round-trips any unscaled integer and scale exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.integer({ min: 0, max: 20 }),
        (unscaled, scale) => {
          const text = formatDecimal(decimalFromUnscaled(unscaled, scale), scale);
          const back = parseDecimalText(text);
          expect(back).toBeDefined();
          if (back === undefined) return;
          expect(formatDecimal(back, scale)).toBe(text);
          // The text's digits, without the point, are the unscaled integer.
          expect(BigInt(text.replace('.', ''))).toBe(unscaled);
        },
      ),
    );
  });

  it('parses exponents without floats', () => {
    const value = parseDecimalText('123456789012345678901234567890e-25');
    expect(value && formatDecimal(value, undefined)).toBe('12345.678901234567890123456789');
    expect(parseDecimalText('1.')).toEqual({ negative: false, digits: '1', scale: 0 });
    expect(parseDecimalText('.')).toBeUndefined();
    expect(parseDecimalText('1e')).toBeUndefined();
    expect(parseDecimalText('Infinity')).toBeUndefined();
  });
});
