import { describe, expect, it } from 'vitest';
import { rejection, stored } from './convert-helper.js';

describe('toStored: real, boolean, text, uuid', () => {
  it('stores reals as numbers', () => {
    expect(stored('real', 1.25)).toBe(1.25);
    expect(stored('real', '-2.5e3')).toBe(-2500);
    expect(stored('real', 3n)).toBe(3);
    expect(rejection(() => stored('real', Number.NaN)).message).toContain('(real)');
    expect(rejection(() => stored('real', 'Infinity')).message).toContain('(real)');
  });

  it.each([
    [true, 1n],
    [false, 0n],
    [1, 1n],
    [0, 0n],
    ['t', 1n],
    ['f', 0n],
    ['true', 1n],
    ['FALSE', 0n],
  ])('stores boolean %s as %s', (input, expected) => {
    expect(stored('boolean', input)).toBe(expected);
  });

  it('rejects other booleans', () => {
    expect(rejection(() => stored('boolean', 2)).message).toBe(
      'column t.c (boolean): expected a boolean (true/false, 0/1, or the text t/f, true/false), got the number 2',
    );
  });

  it('stores text, and numbers as their decimal text', () => {
    expect(stored('text', 'héllo')).toBe('héllo');
    expect(stored('text', 12.5)).toBe('12.5');
    expect(stored('text', 12345678901234567890n)).toBe('12345678901234567890');
    expect(rejection(() => stored('text', true)).message).toContain('(text)');
  });

  it('validates and lowercases uuids', () => {
    expect(stored('uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe(
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    );
    expect(rejection(() => stored('uuid', 'a0eebc999c0b')).message).toContain('(uuid)');
  });
});
