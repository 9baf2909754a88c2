import { describe, expect, it } from 'vitest';
import { rejection, stored } from './convert-helper.js';

describe('toStored: integer', () => {
  it.each([
    [42, 42n],
    [-7, -7n],
    [9007199254740991, 9007199254740991n],
    [5n, 5n],
    ['9007199254740993', 9007199254740993n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    [9223372036854775807n, 9223372036854775807n],
  ])('accepts %s', (input, expected) => {
    expect(stored('integer', input)).toBe(expected);
  });

  it.each([[1.5], [2 ** 60], ['9223372036854775808'], [-(2n ** 63n) - 1n], ['12a'], [''], [true], [{}]])(
    'rejects %s',
    (input) => {
      expect(rejection(() => stored('integer', input)).message).toMatch(
        /^column t\.c \(integer\): expected /,
      );
    },
  );
});
