import { describe, expect, it } from 'vitest';
import { BYTE_SIZE_PATTERN, parseByteSize } from '../../../src/config/byte-size.js';

describe('parseByteSize', () => {
  it('reads binary and decimal units, case-insensitively', () => {
    expect(parseByteSize('256MiB')).toBe(256 * 1024 * 1024);
    expect(parseByteSize('64MB')).toBe(64_000_000);
    expect(parseByteSize('1 gib')).toBe(1024 ** 3);
    expect(parseByteSize('2K')).toBe(2000);
    expect(parseByteSize('512')).toBe(512);
    expect(parseByteSize('100B')).toBe(100);
  });

  it('rounds fractions down to whole bytes', () => {
    expect(parseByteSize('1.5KiB')).toBe(1536);
    expect(parseByteSize('0.5B')).toBe(0);
  });

  it('accepts whole non-negative numbers and rejects the rest', () => {
    expect(parseByteSize(4096)).toBe(4096);
    expect(parseByteSize(-1)).toBeUndefined();
    expect(parseByteSize(1.5)).toBeUndefined();
    expect(parseByteSize('12 apples')).toBeUndefined();
    expect(parseByteSize('MiB')).toBeUndefined();
    expect(parseByteSize('99999999999TiB')).toBeUndefined();
  });

  it('has a pattern that agrees with the parser on text', () => {
    const pattern = new RegExp(BYTE_SIZE_PATTERN);
    for (const text of ['256MiB', '64MB', '1.5 kib', '512', '7b']) {
      expect(pattern.test(text)).toBe(true);
      expect(parseByteSize(text)).toBeTypeOf('number');
    }
    for (const text of ['12 apples', 'MiB', '-1KB', '1e3']) expect(pattern.test(text)).toBe(false);
  });
});
