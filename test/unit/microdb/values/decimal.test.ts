import { describe, expect, it } from 'vitest';
import { toStored } from '../../../../src/microdb/column-values.js';
import { col, orders } from '../fixture-product.js';
import { rejection, stored } from './convert-helper.js';

describe('toStored: decimal', () => {
  it.each([
    ['12.5', 2, '12.50'],
    ['-0.1', 2, '-0.10'],
    ['007.10', 2, '7.10'],
    ['-0.00', 2, '0.00'],
    ['1.500', 2, '1.50'],
    ['.5', 2, '0.50'],
    ['1e3', 2, '1000.00'],
    ['1.25e-1', 3, '0.125'],
    [12.3, 2, '12.30'],
    [0.1, 2, '0.10'],
    [-5, 0, '-5'],
    [10n, 2, '10.00'],
    ['12345678901234567890.0123456789', 10, '12345678901234567890.0123456789'],
    ['12.3400', undefined, '12.34'],
    ['100', undefined, '100'],
  ])('accepts %s at scale %s', (input, scale, expected) => {
    expect(stored('decimal', input, undefined, scale)).toBe(expected);
  });

  it('reads Debezium base64 decimals with the schema scale, negatives included', () => {
    const hint = { semantic: 'org.apache.kafka.connect.data.Decimal', scale: 2 };
    expect(stored('decimal', 'D54=', hint, 2)).toBe('39.98');
    expect(stored('decimal', '8GI=', hint, 2)).toBe('-39.98');
    expect(stored('decimal', '/w==', hint, 2)).toBe('-0.01');
    expect(stored('decimal', 'AIA=', hint, 2)).toBe('1.28');
    expect(stored('decimal', 'gA==', hint, 2)).toBe('-1.28');
    // "1234" is valid base64 (d7 6d f8, negative): the Decimal hint says it is not numeric text.
    expect(stored('decimal', '1234', { ...hint, scale: 0 }, 0)).toBe(String(0xd76df8 - 0x1000000));
  });

  it('reads a schema-less base64 decimal with the column scale, but numeric text first', () => {
    expect(stored('decimal', 'D54=', undefined, 2)).toBe('39.98');
    expect(stored('decimal', 'AY7pD/bDc+DuTj8K0g==', undefined, 10)).toBe('12345678901234567890.1234567890');
    expect(stored('decimal', '1234', undefined, 2)).toBe('1234.00');
  });

  it('reads Debezium variable-scale decimals', () => {
    expect(stored('decimal', { scale: 3, value: 'D54=' }, undefined, 3)).toBe('3.998');
    expect(stored('decimal', { scale: 1, value: '8GI=' })).toBe('-399.8');
  });

  it('refuses to round', () => {
    const err = rejection(() => toStored(col(orders, 'total'), '12.345', undefined, 'orders'));
    expect(err.message).toBe(
      'column orders.total (decimal): expected a decimal number with at most 2 digits after the point (values are never rounded), got "12.345"',
    );
  });

  it.each([
    ['abc'],
    ['NaN'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    ['1e99999'],
    [true],
    [{ scale: 'x' }],
  ])('rejects %s', (input) => {
    expect(rejection(() => stored('decimal', input, { pgType: 'numeric' }, 2)).message).toMatch(
      /^column t\.c \(decimal\)/,
    );
  });

  it('needs a scale for base64 without one', () => {
    const hint = { semantic: 'org.apache.kafka.connect.data.Decimal' };
    expect(rejection(() => stored('decimal', 'D54=', hint)).message).toContain('needs a scale');
  });
});
